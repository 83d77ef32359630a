// Provider config: schema, env validation up front (exit code 2 naming the variable), factory.
import { ChatOpenAI } from '@langchain/openai';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode, SchemacrewError } from '../../src/errors.js';
import {
  LlmConfig,
  ProviderConfig,
  createProvider,
  createProviders,
  effectiveBaseURL,
  validateLlmEnv,
  validateProviderEnv,
} from '../../src/llm/config.js';
import { start, type FakeServer } from '../../src/llm/fake-server.js';
import { QueueRegistry, createFakeClock } from '../../src/llm/queue.js';
import type { LlmProvider } from '../../src/llm/types.js';
import { FAKE_OPENAI_KEY, writeRequest } from './scenarios.js';

function thrown(fn: () => unknown): SchemacrewError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SchemacrewError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

const scripted: LlmProvider = { name: 'scripted', complete: async () => ({}) as never };

describe('ProviderConfig', () => {
  it('accepts the documented fields and rejects unknown ones', () => {
    expect(
      ProviderConfig.parse({
        provider: 'openai',
        model: 'gpt-4o-mini',
        temperature: 0.3,
        maxTokens: 2000,
        baseURL: 'http://localhost:11434/v1',
        concurrency: 2,
        requestsPerMinute: 60,
        timeoutMs: 30000,
        prices: { 'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 } },
      }),
    ).toMatchObject({ provider: 'openai' });
    expect(ProviderConfig.safeParse({ provider: 'gemini', model: 'x' }).success).toBe(false);
    expect(ProviderConfig.safeParse({ provider: 'openai', model: 'x', apiKey: 'sk-...' }).success).toBe(false);
    expect(LlmConfig.parse({ persona: { provider: 'anthropic', model: 'claude-haiku-4-5' }, maxCostUsd: 5 }).reviewer).toBeUndefined();
  });
});

describe('validateProviderEnv', () => {
  it('names OPENAI_API_KEY when it is missing (exit code 2)', () => {
    const e = thrown(() => validateProviderEnv({ provider: 'openai', model: 'gpt-4o' }, {}));
    expect(e.exitCode).toBe(ExitCode.BadInput);
    expect(e.message).toMatch(/needs OPENAI_API_KEY.*export OPENAI_API_KEY=/);
  });

  it('names ANTHROPIC_API_KEY when it is missing', () => {
    const e = thrown(() => validateProviderEnv({ provider: 'anthropic', model: 'claude-haiku-4-5' }, { OPENAI_API_KEY: 'x' }));
    expect(e.exitCode).toBe(ExitCode.BadInput);
    expect(e.message).toMatch(/ANTHROPIC_API_KEY/);
  });

  it('needs no key for an OpenAI-compatible local server (config baseURL or OPENAI_BASE_URL)', () => {
    expect(validateProviderEnv({ provider: 'openai', model: 'llama3', baseURL: 'http://localhost:11434/v1' }, {})).toEqual({
      apiKey: 'not-needed',
      baseURL: 'http://localhost:11434/v1',
    });
    expect(validateProviderEnv({ provider: 'langchain', model: 'qwen' }, { OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' }).baseURL).toBe(
      'http://127.0.0.1:8000/v1',
    );
    expect(effectiveBaseURL({ provider: 'anthropic', model: 'm' }, {})).toBe('https://api.anthropic.com');
  });

  it('langchain with a model instance and scripted with a provider need nothing from env', () => {
    const model = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'unused' });
    expect(validateProviderEnv({ provider: 'langchain', model: 'gpt-4o-mini' }, {}, { langchainModel: model })).toEqual({});
    expect(validateProviderEnv({ provider: 'scripted', model: 'scripted' }, {}, { scripted })).toEqual({});
    expect(thrown(() => validateProviderEnv({ provider: 'scripted', model: 'scripted' }, {})).message).toMatch(/scripted provider instance/);
  });

  it('does not ask for keys while replaying a cassette', () => {
    expect(validateProviderEnv({ provider: 'anthropic', model: 'm' }, {}, { replaying: true }).apiKey).toBe('replay-no-key');
    expect(validateProviderEnv({ provider: 'openai', model: 'm' }, {}, { replaying: true })).toEqual({
      apiKey: 'replay-no-key',
      baseURL: 'https://api.openai.com/v1',
    });
  });

  it('checks both roles up front and says which one is missing what', () => {
    const cfg = LlmConfig.parse({
      persona: { provider: 'openai', model: 'gpt-4o-mini' },
      reviewer: { provider: 'anthropic', model: 'claude-haiku-4-5' },
    });
    const e = thrown(() => validateLlmEnv(cfg, { OPENAI_API_KEY: 'sk-x' }));
    expect(e.message).toMatch(/^reviewer: provider "anthropic" needs ANTHROPIC_API_KEY/);
  });
});

describe('createProvider', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('returns the pre-built scripted provider', () => {
    expect(createProvider({ provider: 'scripted', model: 'scripted' }, {}, { scripted })).toBe(scripted);
  });

  it('throws on an invalid config before building anything', () => {
    const e = thrown(() => createProvider({ provider: 'openai', model: '' } as never, { OPENAI_API_KEY: 'k' }));
    expect(e.exitCode).toBe(ExitCode.BadInput);
    expect(e.message).toMatch(/invalid LLM provider config/);
  });

  it('builds working openai, anthropic and langchain providers from config + env (OPENAI_BASE_URL honoured)', async () => {
    server = await start();
    const env = { OPENAI_API_KEY: FAKE_OPENAI_KEY, OPENAI_BASE_URL: server.openaiBaseURL, ANTHROPIC_API_KEY: 'sk-ant-x' };
    const queues = new QueueRegistry();
    const extras = { queues, clock: createFakeClock() };
    const openai = createProvider({ provider: 'openai', model: 'gpt-4o-mini', concurrency: 2, timeoutMs: 5000 }, env, extras);
    const anthropic = createProvider({ provider: 'anthropic', model: 'claude-haiku-4-5', baseURL: server.anthropicBaseURL }, env, extras);
    const langchain = createProvider({ provider: 'langchain', model: 'gpt-4o-mini' }, env, extras);
    for (const [p, name] of [
      [openai, 'openai'],
      [anthropic, 'anthropic'],
      [langchain, 'langchain'],
    ] as const) {
      const r = await p.complete(writeRequest('openai', 'e1', 'add a table.'));
      expect(r.provider).toBe(name);
      expect(r.attempts).toBe(1);
    }
    expect(server.requests.map((r) => r.provider)).toEqual(['openai', 'anthropic', 'openai']);
    const q = queues.get('openai', server.openaiBaseURL);
    expect(q.options.concurrency).toBe(2);
    expect(q.options.timeoutMs).toBe(5000);
  });

  it('accepts any LangChain chat model instance for provider "langchain"', async () => {
    server = await start();
    const model = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'x', maxRetries: 0, configuration: { baseURL: server.openaiBaseURL } });
    const p = createProvider({ provider: 'langchain', model: 'gpt-4o-mini' }, {}, { langchainModel: model, queues: new QueueRegistry() });
    const r = await p.complete(writeRequest('langchain', 'e1', 'add a table.'));
    expect(r.provider).toBe('langchain');
    expect(server.requests[0]!.body.tool_choice).toEqual({ type: 'function', function: { name: 'migration' } });
  });

  it('createProviders reuses the persona provider when no reviewer is configured', () => {
    const { persona, reviewer } = createProviders(LlmConfig.parse({ persona: { provider: 'scripted', model: 's' } }), {}, { scripted });
    expect(reviewer).toBe(persona);
  });
});
