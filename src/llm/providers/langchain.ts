/**
 * LangChain adapter: any LangChain chat model (BaseChatModel) through
 * `withStructuredOutput(schema, { name, includeRaw: true, method })`. includeRaw gives the raw
 * AIMessage (usage_metadata, tool-call arguments / text) even when LangChain's own parsing
 * fails, so the shared layer validates the raw text itself, keeps it and re-asks once.
 *
 * The default method is "functionCalling": every tool-calling chat model implements it, and
 * with ChatOpenAI it never goes through the OpenAI SDK's throwing `.parse()` (which the
 * "jsonSchema" method uses and which loses the raw text of an invalid answer). Pass
 * `method: 'jsonSchema'` for providers where that is better.
 *
 * `createLangChainOpenAIProvider` builds a ChatOpenAI (@langchain/openai), maxRetries 0, for the
 * "langchain" provider in config; any other BaseChatModel instance can be passed to
 * `createLangChainProvider({ model })`. Temperature and max tokens are properties of the model
 * instance (set when building it); per-request values are not applied. `seed` is passed as a
 * call option (ChatOpenAI honours it). The request id is the provider's response id (AIMessage.id).
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import type { z } from 'zod';
import type { PriceTable } from '../cost.js';
import { defaultQueues, type Clock, type ProviderQueue, type QueueOptions } from '../queue.js';
import { StructuredProvider, lateBoundFetch, type Transport } from '../structured.js';
import type { Usage } from '../types.js';
import { OPENAI_DEFAULT_BASE_URL } from '../endpoints.js';

export type LangChainMethod = 'functionCalling' | 'jsonSchema' | 'jsonMode';

export interface LangChainProviderOptions {
  model: BaseChatModel;
  /** withStructuredOutput method (default 'functionCalling'). */
  method?: LangChainMethod;
  /** Strict schema adherence (OpenAI tool strict mode); left to the model when undefined. */
  strict?: boolean;
  /** Name reported in results (default 'langchain'). */
  name?: string;
  /** Identifies the endpoint for the shared queue (default: the model's class name). */
  endpoint?: string;
  queue?: ProviderQueue;
  queueOptions?: QueueOptions;
  prices?: PriceTable;
  clock?: Clock;
  /** Used when a request has no model (pricing and results only; the instance decides the model). */
  modelName?: string;
}

export function createLangChainProvider(opts: LangChainProviderOptions): StructuredProvider {
  const name = opts.name ?? 'langchain';
  const queue =
    opts.queue ??
    defaultQueues.get(name, opts.endpoint ?? opts.model.constructor.name, {
      ...opts.queueOptions,
      ...(opts.clock ? { clock: opts.clock } : {}),
    });
  return new StructuredProvider({
    name,
    transport: langChainTransport(opts.model, {
      method: opts.method ?? 'functionCalling',
      ...(opts.strict !== undefined ? { strict: opts.strict } : {}),
    }),
    queue,
    ...(opts.prices ? { prices: opts.prices } : {}),
    defaults: opts.modelName ? { model: opts.modelName } : {},
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
}

export interface LangChainOpenAIOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  temperature?: number;
  maxTokens?: number;
  method?: LangChainMethod;
  strict?: boolean;
  queue?: ProviderQueue;
  queueOptions?: QueueOptions;
  prices?: PriceTable;
  clock?: Clock;
}

/** "langchain:openai": a ChatOpenAI with LangChain's and the SDK's retries off. */
export function createLangChainOpenAIProvider(opts: LangChainOpenAIOptions): StructuredProvider {
  const baseURL = opts.baseURL ?? OPENAI_DEFAULT_BASE_URL;
  const queue =
    opts.queue ??
    defaultQueues.get('langchain', baseURL, { ...opts.queueOptions, ...(opts.clock ? { clock: opts.clock } : {}) });
  const model = new ChatOpenAI({
    model: opts.model,
    apiKey: opts.apiKey,
    maxRetries: 0,
    timeout: queue.options.timeoutMs,
    ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
    ...(opts.maxTokens !== undefined ? { maxTokens: opts.maxTokens } : {}),
    configuration: { baseURL, fetch: lateBoundFetch, maxRetries: 0 },
  });
  return createLangChainProvider({
    model,
    method: opts.method ?? 'functionCalling',
    ...(opts.strict !== undefined ? { strict: opts.strict } : {}),
    queue,
    ...(opts.prices ? { prices: opts.prices } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    modelName: opts.model,
  });
}

type StructuredRunnable = ReturnType<typeof buildStructured>;

function buildStructured(model: BaseChatModel, schema: z.ZodType, name: string, method: LangChainMethod, strict?: boolean) {
  return model.withStructuredOutput(schema as z.ZodType<Record<string, unknown>>, {
    name,
    includeRaw: true,
    method,
    ...(strict !== undefined ? { strict } : {}),
  });
}

export function langChainTransport(model: BaseChatModel, opts: { method: LangChainMethod; strict?: boolean }): Transport {
  // One runnable per (schema, name): building it is cheap but not free.
  const cache = new WeakMap<z.ZodType, Map<string, StructuredRunnable>>();
  return async (call, { signal }) => {
    let byName = cache.get(call.schema);
    if (!byName) cache.set(call.schema, (byName = new Map()));
    let runnable = byName.get(call.schemaName);
    if (!runnable) {
      runnable = buildStructured(model, call.schema, call.schemaName, opts.method, opts.strict);
      byName.set(call.schemaName, runnable);
    }
    const messages: BaseMessage[] = [
      new SystemMessage(call.system),
      ...call.messages.map((m) => (m.role === 'user' ? new HumanMessage(m.content) : new AIMessage(m.content))),
    ];
    const config = { signal, ...(call.seed !== undefined ? { seed: call.seed } : {}) };
    const out = await runnable.invoke(messages, config as { signal: AbortSignal });
    const raw = out.raw as AIMessage;
    let text = rawAnswerText(raw, call.schemaName);
    if (text === '' && out.parsed != null) text = JSON.stringify(out.parsed);
    const id = typeof raw.id === 'string' ? raw.id : undefined;
    const servedModel = (raw.response_metadata as { model_name?: unknown } | undefined)?.model_name;
    return {
      text,
      usage: langChainUsage(raw),
      ...(typeof servedModel === 'string' ? { model: servedModel } : {}),
      ...(id ? { requestId: id } : {}),
    };
  };
}

/** The answer's raw text: tool-call arguments as sent by the model, else the message text. */
export function rawAnswerText(msg: AIMessage, schemaName: string): string {
  const rawCalls = (msg.additional_kwargs as { tool_calls?: Array<{ function?: { name?: string; arguments?: string } }> })
    ?.tool_calls;
  if (Array.isArray(rawCalls) && rawCalls.length > 0) {
    const c = rawCalls.find((t) => t.function?.name === schemaName) ?? rawCalls[0];
    if (typeof c?.function?.arguments === 'string') return c.function.arguments;
  }
  const invalid = msg.invalid_tool_calls?.[0];
  if (invalid && typeof invalid.args === 'string') return invalid.args;
  const call = msg.tool_calls?.find((t) => t.name === schemaName) ?? msg.tool_calls?.[0];
  if (call) return JSON.stringify(call.args);
  if (typeof msg.content === 'string') return msg.content;
  if (Array.isArray(msg.content)) {
    return msg.content
      .map((p) => (typeof p === 'string' ? p : p.type === 'text' && typeof p.text === 'string' ? p.text : ''))
      .join('');
  }
  return '';
}

/** LangChain's usage_metadata: input_tokens includes cache reads (input_token_details.cache_read). */
export function langChainUsage(msg: AIMessage): Usage {
  const u = msg.usage_metadata;
  const write = u?.input_token_details?.cache_creation;
  return {
    inputTokens: u?.input_tokens ?? 0,
    outputTokens: u?.output_tokens ?? 0,
    cachedInputTokens: u?.input_token_details?.cache_read ?? 0,
    ...(write !== undefined ? { cacheWriteInputTokens: write } : {}),
  };
}
