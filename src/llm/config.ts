// Provider selection: a zod schema per role (persona, reviewer), up-front env validation, and
// createProvider(config, env, extras) building the adapter.
import { z } from 'zod';
import { ExitCode, SchemacrewError } from '../errors.js';
import { ModelPrice } from './cost.js';
import { defaultQueues, type Clock, type QueueOptions, type QueueRegistry } from './queue.js';
import type { LlmProvider, LlmRequest, LlmResult } from './types.js';
import { ANTHROPIC_DEFAULT_BASE_URL, OPENAI_DEFAULT_BASE_URL, isOfficialOpenAI } from './endpoints.js';
import type { LangChainMethod } from './providers/langchain.js';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';

export const ProviderName = z.enum(['scripted', 'openai', 'anthropic', 'langchain']);
export type ProviderName = z.infer<typeof ProviderName>;

export const ProviderConfig = z
  .object({
    provider: ProviderName,
    model: z.string().min(1),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().optional(),
    /** OpenAI-compatible server (openai, langchain) or Anthropic endpoint. */
    baseURL: z.url().optional(),
    /** Calls in flight at once per endpoint (default 4). */
    concurrency: z.number().int().positive().optional(),
    requestsPerMinute: z.number().int().positive().optional(),
    /** Per-attempt timeout (default 120000). */
    timeoutMs: z.number().int().positive().optional(),
    /** Retries for 5xx / connection errors / timeouts (default 3). */
    maxRetries: z.number().int().min(0).max(10).optional(),
    /** USD per 1M tokens, by model id (or prefix); merged over the built-in table. */
    prices: z.record(z.string(), ModelPrice).optional(),
  })
  .strict();
export type ProviderConfig = z.infer<typeof ProviderConfig>;

/** `persona` is required; `reviewer` defaults to the persona config. */
export const LlmConfig = z
  .object({
    persona: ProviderConfig,
    reviewer: ProviderConfig.optional(),
    /** Stop the run cleanly once the total cost reaches this. */
    maxCostUsd: z.number().positive().optional(),
  })
  .strict();
export type LlmConfig = z.infer<typeof LlmConfig>;

export type Env = Record<string, string | undefined>;

/** Placeholder key for OpenAI-compatible local servers, which ignore it (the SDK insists on one). */
export const LOCAL_API_KEY = 'not-needed';

function missing(variable: string, provider: string, role?: string, extra = ''): never {
  throw new SchemacrewError(
    `${role ? `${role}: ` : ''}provider "${provider}" needs ${variable}: set it in the environment (export ${variable}=...)${extra}`,
    ExitCode.BadInput,
  );
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

/** The base URL a config ends up using (config, then env, then the vendor's). */
export function effectiveBaseURL(config: ProviderConfig, env: Env): string | undefined {
  switch (config.provider) {
    case 'openai':
    case 'langchain':
      return config.baseURL ?? nonEmpty(env.OPENAI_BASE_URL) ?? OPENAI_DEFAULT_BASE_URL;
    case 'anthropic':
      return config.baseURL ?? nonEmpty(env.ANTHROPIC_BASE_URL) ?? ANTHROPIC_DEFAULT_BASE_URL;
    default:
      return undefined;
  }
}

export interface CreateProviderExtras {
  /** The provider used for provider: 'scripted' (built elsewhere). */
  scripted?: LlmProvider;
  /** A LangChain chat model used for provider: 'langchain' instead of the default ChatOpenAI. */
  langchainModel?: BaseChatModel;
  langchainMethod?: LangChainMethod;
  /** Queue registry (default: the process-wide one). */
  queues?: QueueRegistry;
  /** Extra queue options (clock, jitter, backoff) for tests. */
  queueOptions?: QueueOptions;
  clock?: Clock;
  /** Role for error messages ('persona', 'reviewer'). */
  role?: string;
  /**
   * Replaying a cassette: no request reaches the provider, so a missing API key is not an
   * error (a placeholder is used).
   */
  replaying?: boolean;
}

/** The key used in place of a missing one while replaying. */
export const REPLAY_API_KEY = 'replay-no-key';

/**
 * Throws SchemacrewError (exit code 2) naming the variable to set when a key is missing. Call
 * it before any work starts. OPENAI_API_KEY is optional when the base URL is not api.openai.com
 * (local OpenAI-compatible servers). Returns the resolved key and base URL.
 */
export function validateProviderEnv(
  config: ProviderConfig,
  env: Env,
  extras: Pick<CreateProviderExtras, 'scripted' | 'langchainModel' | 'role' | 'replaying'> = {},
): { apiKey?: string; baseURL?: string } {
  const role = extras.role;
  const need = (variable: string, provider: string, r?: string, extra = ''): { apiKey: string; baseURL?: string } => {
    if (extras.replaying) return { apiKey: REPLAY_API_KEY };
    return missing(variable, provider, r, extra);
  };
  switch (config.provider) {
    case 'scripted':
      if (!extras.scripted)
        throw new SchemacrewError(
          `${role ? `${role}: ` : ''}provider "scripted" needs a scripted provider instance (createProvider(config, env, { scripted }))`,
          ExitCode.BadInput,
        );
      return {};
    case 'langchain':
      if (extras.langchainModel) return {};
    // fall through: the default LangChain model is a ChatOpenAI
    case 'openai': {
      const baseURL = effectiveBaseURL(config, env)!;
      const key = nonEmpty(env.OPENAI_API_KEY);
      if (key) return { apiKey: key, baseURL };
      if (!isOfficialOpenAI(baseURL)) return { apiKey: LOCAL_API_KEY, baseURL };
      return { ...need('OPENAI_API_KEY', config.provider, role, ' (or set baseURL / OPENAI_BASE_URL to an OpenAI-compatible server)'), baseURL };
    }
    case 'anthropic': {
      const key = nonEmpty(env.ANTHROPIC_API_KEY) ?? need('ANTHROPIC_API_KEY', config.provider, role).apiKey;
      return { apiKey: key, baseURL: effectiveBaseURL(config, env)! };
    }
  }
}

/** Validates both roles of an LlmConfig (reviewer defaults to persona). */
export function validateLlmEnv(
  config: LlmConfig,
  env: Env,
  extras: Pick<CreateProviderExtras, 'scripted' | 'langchainModel' | 'replaying'> = {},
): void {
  validateProviderEnv(config.persona, env, { ...extras, role: 'persona' });
  validateProviderEnv(config.reviewer ?? config.persona, env, { ...extras, role: 'reviewer' });
}

/** Builds the provider for one role. Validates env first (see validateProviderEnv). */
export function createProvider(config: ProviderConfig, env: Env, extras: CreateProviderExtras = {}): LlmProvider {
  const parsed = ProviderConfig.safeParse(config);
  if (!parsed.success) {
    throw new SchemacrewError(
      `${extras.role ? `${extras.role}: ` : ''}invalid LLM provider config: ${z.prettifyError(parsed.error)}`,
      ExitCode.BadInput,
    );
  }
  const cfg = parsed.data;
  const { apiKey, baseURL } = validateProviderEnv(cfg, env, extras);
  if (cfg.provider === 'scripted') return extras.scripted!;
  const queueOptions: QueueOptions = {
    ...extras.queueOptions,
    ...(cfg.concurrency !== undefined ? { concurrency: cfg.concurrency } : {}),
    ...(cfg.requestsPerMinute !== undefined ? { requestsPerMinute: cfg.requestsPerMinute } : {}),
    ...(cfg.timeoutMs !== undefined ? { timeoutMs: cfg.timeoutMs } : {}),
    ...(cfg.maxRetries !== undefined ? { maxRetries: cfg.maxRetries } : {}),
    ...(extras.clock ? { clock: extras.clock } : {}),
  };
  const queues = extras.queues ?? defaultQueues;
  const common = {
    ...(cfg.prices ? { prices: cfg.prices } : {}),
    ...(extras.clock ? { clock: extras.clock } : {}),
  };
  // The SDK modules are loaded on the first call, so commands that never call a model stay fast.
  switch (cfg.provider) {
    case 'openai':
    case 'anthropic': {
      const name = cfg.provider;
      const queue = queues.get(name, baseURL, queueOptions);
      const options = {
        apiKey: apiKey!,
        baseURL: baseURL!,
        model: cfg.model,
        ...(cfg.temperature !== undefined ? { temperature: cfg.temperature } : {}),
        ...(cfg.maxTokens !== undefined ? { maxTokens: cfg.maxTokens } : {}),
        queue,
        ...common,
      };
      return new LazyProvider(name, async () =>
        name === 'openai'
          ? (await import('./providers/openai.js')).createOpenAIProvider(options)
          : (await import('./providers/anthropic.js')).createAnthropicProvider(options),
      );
    }
    case 'langchain': {
      const model = extras.langchainModel;
      if (model) {
        const queue = queues.get('langchain', cfg.baseURL ?? model.constructor.name, queueOptions);
        return new LazyProvider('langchain', async () =>
          (await import('./providers/langchain.js')).createLangChainProvider({
            model,
            ...(extras.langchainMethod ? { method: extras.langchainMethod } : {}),
            modelName: cfg.model,
            queue,
            ...common,
          }),
        );
      }
      const queue = queues.get('langchain', baseURL, queueOptions);
      return new LazyProvider('langchain', async () =>
        (await import('./providers/langchain.js')).createLangChainOpenAIProvider({
          apiKey: apiKey!,
          baseURL: baseURL!,
          model: cfg.model,
          ...(cfg.temperature !== undefined ? { temperature: cfg.temperature } : {}),
          ...(cfg.maxTokens !== undefined ? { maxTokens: cfg.maxTokens } : {}),
          ...(extras.langchainMethod ? { method: extras.langchainMethod } : {}),
          queue,
          ...common,
        }),
      );
    }
  }
}

/** A provider whose adapter (and SDK) is imported on the first call. */
class LazyProvider implements LlmProvider {
  private loaded: Promise<LlmProvider> | undefined;

  constructor(
    readonly name: string,
    private readonly load: () => Promise<LlmProvider>,
  ) {}

  async complete<T>(req: LlmRequest<T>): Promise<LlmResult<T>> {
    this.loaded ??= this.load();
    return (await this.loaded).complete(req);
  }
}

/** Both roles; the reviewer reuses the persona provider object when its config is absent. */
export function createProviders(
  config: LlmConfig,
  env: Env,
  extras: Omit<CreateProviderExtras, 'role'> = {},
): { persona: LlmProvider; reviewer: LlmProvider } {
  validateLlmEnv(config, env, extras);
  const persona = createProvider(config.persona, env, { ...extras, role: 'persona' });
  const reviewer = config.reviewer ? createProvider(config.reviewer, env, { ...extras, role: 'reviewer' }) : persona;
  return { persona, reviewer };
}
