/**
 * OpenAI adapter: the official SDK, `chat.completions.parse` with the response format built by
 * `zodResponseFormat` (structured output from the zod schema).
 *
 * `baseURL` also serves any OpenAI-compatible server — vLLM (`http://host:8000/v1`), Ollama
 * (`http://localhost:11434/v1`), llama.cpp server (`http://localhost:8080/v1`), LM Studio
 * (`http://localhost:1234/v1`) — as long as it implements POST /v1/chat/completions with
 * `response_format: {type: "json_schema"}`. Such servers get `max_tokens` instead of
 * `max_completion_tokens` and need no real API key.
 *
 * SDK retries are off (maxRetries: 0): the ProviderQueue retries.
 */
import OpenAI from 'openai';
import { ContentFilterFinishReasonError, LengthFinishReasonError } from 'openai/error';
import { zodResponseFormat } from 'openai/helpers/zod';
import { makeParseableResponseFormat } from 'openai/lib/parser';
import type { PriceTable } from '../cost.js';
import { OPENAI_DEFAULT_BASE_URL, isOfficialOpenAI } from '../endpoints.js';
import { defaultQueues, type Clock, type ProviderQueue, type QueueOptions } from '../queue.js';
import { StructuredProvider, lateBoundFetch, type Transport, type TransportAnswer } from '../structured.js';
import type { Usage } from '../types.js';

export { OPENAI_DEFAULT_BASE_URL, isOfficialOpenAI };

export interface OpenAIProviderOptions {
  apiKey: string;
  /** OpenAI-compatible endpoint; default https://api.openai.com/v1. */
  baseURL?: string;
  /** Used when a request has no model. */
  model?: string;
  temperature?: number;
  maxTokens?: number;
  /** Which body field carries maxTokens; default max_completion_tokens on api.openai.com, max_tokens elsewhere. */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** Shared queue; default: the process-wide one for ('openai', baseURL) built with queueOptions. */
  queue?: ProviderQueue;
  queueOptions?: QueueOptions;
  prices?: PriceTable;
  clock?: Clock;
  /** Pre-built SDK client (its retries should be off). */
  client?: OpenAI;
  /** Provider name in results and queue keys (default 'openai'). */
  name?: string;
}

export function createOpenAIProvider(opts: OpenAIProviderOptions): StructuredProvider {
  const name = opts.name ?? 'openai';
  const baseURL = opts.baseURL ?? OPENAI_DEFAULT_BASE_URL;
  const queue = opts.queue ?? defaultQueues.get(name, baseURL, { ...opts.queueOptions, ...(opts.clock ? { clock: opts.clock } : {}) });
  const client =
    opts.client ??
    new OpenAI({
      apiKey: opts.apiKey,
      baseURL,
      maxRetries: 0,
      timeout: queue.options.timeoutMs,
      fetch: lateBoundFetch,
    });
  const maxTokensField =
    opts.maxTokensField ?? (isOfficialOpenAI(baseURL) ? 'max_completion_tokens' : 'max_tokens');
  return new StructuredProvider({
    name,
    transport: openAITransport(client, { maxTokensField }),
    queue,
    ...(opts.prices ? { prices: opts.prices } : {}),
    defaults: {
      ...(opts.model !== undefined ? { model: opts.model } : {}),
      ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
      ...(opts.maxTokens !== undefined ? { maxTokens: opts.maxTokens } : {}),
    },
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
}

/**
 * One chat.completions.parse call. The response format is zodResponseFormat's JSON schema, but
 * its parser only hands the content back: validation (and the re-ask) happens in the shared
 * layer, which keeps the raw answer when it fails. A per-call fetch keeps a copy of the raw
 * response so an answer cut off at max tokens (the SDK throws LengthFinishReasonError without
 * the completion) still reports its text and its billed usage.
 */
export function openAITransport(
  client: OpenAI,
  opts: { maxTokensField: 'max_tokens' | 'max_completion_tokens' },
): Transport {
  return async (call, { signal, timeoutMs }) => {
    let lastResponse: Response | undefined;
    const perCall = client.withOptions({
      fetch: async (input, init) => {
        const res = await lateBoundFetch(input, init);
        lastResponse = res.clone();
        return res;
      },
    });
    const zodFormat = zodResponseFormat(call.schema, call.schemaName);
    const responseFormat = makeParseableResponseFormat<string>(
      { type: 'json_schema', json_schema: zodFormat.json_schema },
      (content) => content,
    );
    try {
      const completion = await perCall.chat.completions.parse(
        {
          model: call.model,
          messages: [
            { role: 'system', content: call.system },
            ...call.messages.map((m) => ({ role: m.role, content: m.content })),
          ],
          response_format: responseFormat,
          ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
          ...(call.seed !== undefined ? { seed: call.seed } : {}),
          ...(call.maxTokens !== undefined ? { [opts.maxTokensField]: call.maxTokens } : {}),
        },
        { signal, timeout: timeoutMs, maxRetries: 0 },
      );
      const message = completion.choices[0]?.message;
      return {
        text: message?.content ?? '',
        usage: openAIUsage(completion.usage),
        model: completion.model,
        ...(completion._request_id ? { requestId: completion._request_id } : {}),
        ...(message?.refusal ? { problem: `the model refused: ${message.refusal}` } : {}),
      };
    } catch (err) {
      if (!(err instanceof LengthFinishReasonError || err instanceof ContentFilterFinishReasonError)) throw err;
      const problem =
        err instanceof LengthFinishReasonError
          ? 'the answer was cut off at the max tokens limit (finish_reason "length"); answer more concisely'
          : 'the answer was stopped by the content filter (finish_reason "content_filter")';
      return fromRawResponse(lastResponse, call.model, problem);
    }
  };
}

async function fromRawResponse(res: Response | undefined, model: string, problem: string): Promise<TransportAnswer> {
  const body = (res ? await res.json().catch(() => undefined) : undefined) as
    | { model?: string; usage?: OpenAI.CompletionUsage; choices?: Array<{ message?: { content?: string | null } }> }
    | undefined;
  const requestId = res?.headers.get('x-request-id') ?? undefined;
  return {
    text: body?.choices?.[0]?.message?.content ?? '',
    usage: openAIUsage(body?.usage),
    model: body?.model ?? model,
    ...(requestId ? { requestId } : {}),
    problem,
  };
}

export function openAIUsage(u: OpenAI.CompletionUsage | null | undefined): Usage {
  return {
    inputTokens: u?.prompt_tokens ?? 0,
    outputTokens: u?.completion_tokens ?? 0,
    cachedInputTokens: u?.prompt_tokens_details?.cached_tokens ?? 0,
  };
}
