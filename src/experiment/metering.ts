// Per-trial call log: an LlmProvider wrapper recording every model call of a trial (writes,
// revisions and reviews alike) with its latency, tokens and cost. The pipeline's events.jsonl has
// latencyMs on 'answer' events only ('review' events carry none), so latency percentiles come from
// here instead. latencyMs is the provider's own figure (time in HTTP calls that answered, not queue
// waits); for a cache hit it is the latency of the call that produced the stored answer.
import type { LlmProvider, LlmRequest, LlmResult } from '../llm/types.js';
import { SchemaError, findInCauseChain } from '../llm/errors.js';

export interface CallRecord {
  kind: 'write' | 'revise' | 'review';
  entryId: string;
  personaId: string;
  latencyMs: number;
  /** Wall time of the call as the trial saw it (queue wait and retries included). */
  wallMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  ok: boolean;
}

export class MeteredProvider implements LlmProvider {
  constructor(
    private readonly inner: LlmProvider,
    /** Shared by the writer's and the reviewer's wrapper of one trial. */
    readonly calls: CallRecord[] = [],
  ) {}

  get name(): string {
    return this.inner.name;
  }

  async complete<T>(req: LlmRequest<T>): Promise<LlmResult<T>> {
    const t0 = performance.now();
    const base = { kind: req.purpose.kind, entryId: req.purpose.entryId, personaId: req.purpose.personaId };
    try {
      const r = await this.inner.complete(req);
      this.calls.push({
        ...base,
        latencyMs: r.latencyMs,
        wallMs: performance.now() - t0,
        inputTokens: r.usage.inputTokens,
        outputTokens: r.usage.outputTokens,
        costUsd: r.costUsd,
        ok: true,
      });
      return r;
    } catch (err) {
      const schema = findInCauseChain(err, SchemaError);
      this.calls.push({
        ...base,
        latencyMs: 0,
        wallMs: performance.now() - t0,
        inputTokens: schema?.usage.inputTokens ?? 0,
        outputTokens: schema?.usage.outputTokens ?? 0,
        costUsd: schema?.costUsd ?? 0,
        ok: false,
      });
      throw err;
    }
  }
}
