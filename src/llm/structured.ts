// The part every provider shares: queue + retries around one transport call, JSON/zod
// validation of the answer, ONE re-ask carrying the validation error, usage/cost/latency.
import type { z } from 'zod';
import { SchemaError } from './errors.js';
import { ZERO_USAGE, addUsage, costFor, mergePrices, type PriceTable } from './cost.js';
import { systemClock, type Clock, type ProviderQueue } from './queue.js';
import type { ChatMessage, LlmProvider, LlmRequest, LlmResult, Usage } from './types.js';

/** What an adapter sends: the request minus purpose/signal, with the current message list. */
export interface TransportCall {
  system: string;
  messages: ChatMessage[];
  schema: z.ZodType;
  schemaName: string;
  model: string;
  temperature?: number;
  seed?: number;
  maxTokens?: number;
}

/** What an adapter returns for one HTTP exchange (before validation). */
export interface TransportAnswer {
  /** The text that should be the JSON answer (assistant content, tool arguments...). */
  text: string;
  usage: Usage;
  /** Model id the provider reports (falls back to the requested one). */
  model?: string;
  requestId?: string;
  /** Set when the answer cannot be valid (refusal, cut off at max tokens): forces a re-ask. */
  problem?: string;
}

export type Transport = (call: TransportCall, ctx: { signal: AbortSignal; timeoutMs: number }) => Promise<TransportAnswer>;

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Parses text as JSON (tolerating one surrounding ``` fence, which local models like to add)
 * and validates it with the zod schema. Never throws.
 */
export function validateAnswer<T>(schema: z.ZodType<T>, text: string): Validation<T> {
  const trimmed = stripFence(text.trim());
  if (trimmed === '') return { ok: false, error: 'the answer was empty; expected a JSON object' };
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch (err) {
    return { ok: false, error: `the answer is not valid JSON (${(err as Error).message})` };
  }
  const r = schema.safeParse(data);
  if (r.success) return { ok: true, value: r.data };
  const issues = r.error.issues
    .slice(0, 8)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  const more = r.error.issues.length > 8 ? ` (and ${r.error.issues.length - 8} more)` : '';
  return { ok: false, error: `the answer does not match the schema: ${issues}${more}` };
}

function stripFence(s: string): string {
  const m = /^```[a-zA-Z]*\s*\n([\s\S]*?)\n?```$/.exec(s);
  return m ? m[1]!.trim() : s;
}

/** The user message of the re-ask. */
export function reaskMessage(schemaName: string, error: string): string {
  return (
    `Your previous answer could not be used: ${error}.\n` +
    `Answer again with only one JSON object that matches the "${schemaName}" schema exactly ` +
    `(all required fields, correct types, no extra text).`
  );
}

export interface StructuredProviderOptions {
  /** Provider name reported in results ('openai', 'anthropic', 'langchain'...). */
  name: string;
  transport: Transport;
  queue: ProviderQueue;
  /** Merged over DEFAULT_PRICES. */
  prices?: PriceTable;
  /** Used when a request leaves these out. */
  defaults?: { temperature?: number; maxTokens?: number; model?: string };
  clock?: Clock;
}

/** An LlmProvider built from a transport: the shared wrapper every SDK adapter uses. */
export class StructuredProvider implements LlmProvider {
  readonly name: string;
  readonly queue: ProviderQueue;
  private readonly transport: Transport;
  private readonly prices: PriceTable;
  private readonly defaults: NonNullable<StructuredProviderOptions['defaults']>;
  private readonly clock: Clock;

  constructor(opts: StructuredProviderOptions) {
    this.name = opts.name;
    this.transport = opts.transport;
    this.queue = opts.queue;
    this.prices = mergePrices(opts.prices);
    this.defaults = opts.defaults ?? {};
    this.clock = opts.clock ?? systemClock;
  }

  async complete<T>(req: LlmRequest<T>): Promise<LlmResult<T>> {
    const model = req.model || this.defaults.model || '';
    const temperature = req.temperature ?? this.defaults.temperature;
    const maxTokens = req.maxTokens ?? this.defaults.maxTokens;
    let messages = [...req.messages];
    let usage: Usage = { ...ZERO_USAGE };
    let costUsd = 0;
    let latencyMs = 0;
    const raws: string[] = [];
    let servedModel = model;
    for (let attempt = 1; ; attempt++) {
      const call: TransportCall = {
        system: req.system,
        messages,
        schema: req.schema,
        schemaName: req.schemaName,
        model,
        ...(temperature !== undefined ? { temperature } : {}),
        ...(req.seed !== undefined ? { seed: req.seed } : {}),
        ...(maxTokens !== undefined ? { maxTokens } : {}),
      };
      const answer = await this.queue.run(
        async (signal) => {
          const t0 = this.clock.now();
          const a = await this.transport(call, { signal, timeoutMs: this.queue.options.timeoutMs });
          latencyMs += this.clock.now() - t0;
          return a;
        },
        req.signal ? { signal: req.signal } : {},
      );
      servedModel = answer.model || model;
      usage = addUsage(usage, answer.usage);
      costUsd += costFor(answer.usage, [model, servedModel], this.prices);
      const v: Validation<T> = answer.problem
        ? { ok: false, error: answer.problem }
        : validateAnswer(req.schema, answer.text);
      if (v.ok) {
        return {
          value: v.value,
          raw: answer.text,
          usage,
          costUsd,
          latencyMs,
          provider: this.name,
          model: servedModel,
          ...(answer.requestId ? { requestId: answer.requestId } : {}),
          attempts: attempt,
          purpose: req.purpose,
        };
      }
      raws.push(answer.text);
      if (attempt >= 2) {
        throw new SchemaError(req.schemaName, raws, v.error, this.name, servedModel, usage, costUsd);
      }
      messages = [
        ...messages,
        { role: 'assistant', content: answer.text.trim() === '' ? '(empty answer)' : answer.text },
        { role: 'user', content: reaskMessage(req.schemaName, v.error) },
      ];
    }
  }
}

/** A fetch that looks up globalThis.fetch at call time, so interceptors installed after the
 * SDK client was built (nock record/replay) still see its requests. */
export const lateBoundFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

/** Rough token count (≈ 4 characters per token), for servers that report no usage. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
