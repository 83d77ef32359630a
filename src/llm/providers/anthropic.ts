/**
 * Anthropic adapter: the official SDK with structured outputs — `output_config.format` set to
 * the `json_schema` format that `zodOutputFormat()` (@anthropic-ai/sdk/helpers/zod) builds from
 * the zod schema (it also rewrites the schema into the subset the API accepts). The call is
 * `messages.create`, not `messages.parse`: parse() throws on a bad answer and drops its text,
 * while the shared layer validates the text itself, keeps it, and re-asks once.
 *
 * The system prompt is the stable prefix of every call of a run: it is sent as one text block
 * with `cache_control: {type: "ephemeral"}` so long runs pay for it once;
 * `cache_read_input_tokens` becomes Usage.cachedInputTokens and `cache_creation_input_tokens`
 * Usage.cacheWriteInputTokens (both are also counted in inputTokens).
 *
 * SDK retries are off (maxRetries: 0): the ProviderQueue retries.
 */
import Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import type { PriceTable } from '../cost.js';
import { ANTHROPIC_DEFAULT_BASE_URL } from '../endpoints.js';
import { defaultQueues, type Clock, type ProviderQueue, type QueueOptions } from '../queue.js';
import { StructuredProvider, lateBoundFetch, type Transport } from '../structured.js';
import type { Usage } from '../types.js';

export { ANTHROPIC_DEFAULT_BASE_URL };
/** max_tokens is required by the Messages API; used when neither request nor config sets it. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

export interface AnthropicProviderOptions {
  apiKey: string;
  baseURL?: string;
  model?: string;
  temperature?: number;
  maxTokens?: number;
  queue?: ProviderQueue;
  queueOptions?: QueueOptions;
  prices?: PriceTable;
  clock?: Clock;
  client?: Anthropic;
  name?: string;
}

export function createAnthropicProvider(opts: AnthropicProviderOptions): StructuredProvider {
  const name = opts.name ?? 'anthropic';
  const baseURL = opts.baseURL ?? ANTHROPIC_DEFAULT_BASE_URL;
  const queue = opts.queue ?? defaultQueues.get(name, baseURL, { ...opts.queueOptions, ...(opts.clock ? { clock: opts.clock } : {}) });
  const client =
    opts.client ??
    new Anthropic({
      apiKey: opts.apiKey,
      baseURL,
      maxRetries: 0,
      timeout: queue.options.timeoutMs,
      fetch: lateBoundFetch,
    });
  return new StructuredProvider({
    name,
    transport: anthropicTransport(client),
    queue,
    ...(opts.prices ? { prices: opts.prices } : {}),
    defaults: {
      ...(opts.model !== undefined ? { model: opts.model } : {}),
      ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
      maxTokens: opts.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    },
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
}

export function anthropicTransport(client: Anthropic): Transport {
  return async (call, { signal, timeoutMs }) => {
    const format = zodOutputFormat(call.schema);
    const message = await client.messages.create(
      {
        model: call.model,
        max_tokens: call.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
        system: [{ type: 'text', text: call.system, cache_control: { type: 'ephemeral' } }],
        messages: call.messages.map((m) => ({ role: m.role, content: m.content })),
        output_config: { format: { type: 'json_schema', schema: format.schema } },
        ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
      },
      { signal, timeout: timeoutMs, maxRetries: 0 },
    );
    const text = message.content
      .filter((b): b is Anthropic.TextBlock => b.type === 'text')
      .map((b) => b.text)
      .join('');
    const problem =
      message.stop_reason === 'max_tokens'
        ? 'the answer was cut off at the max tokens limit (stop_reason "max_tokens"); answer more concisely'
        : message.stop_reason === 'refusal'
          ? 'the model refused to answer (stop_reason "refusal")'
          : undefined;
    return {
      text,
      usage: anthropicUsage(message.usage),
      model: message.model,
      ...(message._request_id ? { requestId: message._request_id } : {}),
      ...(problem ? { problem } : {}),
    };
  };
}

/** Anthropic's input_tokens excludes cache reads and writes; Usage.inputTokens includes them. */
export function anthropicUsage(u: Partial<Anthropic.Usage> | null | undefined): Usage {
  const read = u?.cache_read_input_tokens ?? 0;
  const write = u?.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: (u?.input_tokens ?? 0) + read + write,
    outputTokens: u?.output_tokens ?? 0,
    cachedInputTokens: read,
    cacheWriteInputTokens: write,
  };
}
