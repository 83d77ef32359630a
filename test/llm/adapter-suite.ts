// The tests every adapter passes, replayed from its cassettes (the fake server is NOT running),
// plus one live timeout test against the fake server's stall fault.
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationAnswer, ReviewAnswer } from '../../src/agents/schemas.js';
import { replayCassette, type ReplayHandle } from '../../src/llm/cassette.js';
import { CostMeter, DEFAULT_PRICES, computeCost, priceFor } from '../../src/llm/cost.js';
import { LlmTimeoutError } from '../../src/llm/errors.js';
import { start, type FakeServer } from '../../src/llm/fake-server.js';
import { createFakeClock } from '../../src/llm/queue.js';
import type { LlmResult } from '../../src/llm/types.js';
import { MODELS, REPLAY_BASE, buildProvider, scenario, type AdapterKind, type Case } from './scenarios.js';

export function adapterSuite(kind: AdapterKind): void {
  describe(`${kind} adapter, replayed from fixtures/cassettes/llm-${kind}-*`, () => {
    let handle: ReplayHandle | undefined;
    let server: FakeServer | undefined;
    afterEach(async () => {
      handle?.restore();
      handle = undefined;
      await server?.close();
      server = undefined;
    });

    async function replay(c: Case) {
      const s = scenario(kind, c);
      const clock = createFakeClock();
      handle = await replayCassette(s.cassette, { now: clock.now });
      const built = buildProvider(kind, REPLAY_BASE, clock);
      return { s, clock, handle, ...built };
    }

    const expectedRequestId = kind === 'langchain' ? /^chatcmpl-fake\d+$/ : /^req_fake\d+$/;

    it('returns the parsed, validated answer with raw text, usage, cost, model and request id', async () => {
      const { s, provider, handle } = await replay('plain');
      const r = await provider.complete(s.calls[0]!);
      expect(MigrationAnswer.parse(r.value)).toEqual(r.value);
      expect(JSON.parse(r.raw)).toEqual(r.value);
      expect(r.attempts).toBe(1);
      expect(r.provider).toBe(kind);
      expect(r.model).toBe(MODELS[kind]);
      expect(r.requestId).toMatch(expectedRequestId);
      expect(r.usage.inputTokens).toBeGreaterThan(0);
      expect(r.usage.outputTokens).toBeGreaterThan(0);
      expect(r.costUsd).toBeGreaterThan(0);
      expect(r.costUsd).toBeCloseTo(computeCost(r.usage, priceFor(MODELS[kind])), 12);
      expect(r.latencyMs).toBeGreaterThanOrEqual(0);
      expect(r.purpose).toEqual(s.calls[0]!.purpose);
      expect(handle.done({ strict: true }).unused).toEqual([]);
    });

    it('re-asks once with the validation error when the answer breaks the schema (attempts = 2)', async () => {
      const { s, provider, handle } = await replay('reask');
      const r = await provider.complete(s.calls[0]!);
      expect(r.attempts).toBe(2);
      expect(MigrationAnswer.safeParse(r.value).success).toBe(true);
      expect(handle.served).toHaveLength(2);
      // The re-ask carries the bad answer (assistant) and the validation error (user).
      const body = handle.exchanges[1]!.request.body as { messages: Array<{ role: string; content: unknown }> };
      const turns = body.messages.filter((m) => m.role !== 'system');
      expect(turns.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
      expect(String(turns[1]!.content)).toContain('this answer ignores the schema');
      expect(String(turns[2]!.content)).toMatch(/does not match the schema: title: /);
      // Both attempts are billed.
      const first = handle.exchanges[0]!.response.body as Record<string, unknown>;
      expect(first).toBeTruthy();
      expect(r.usage.inputTokens).toBeGreaterThan(2 * 100);
      handle.done({ strict: true });
    });

    it('on 429 waits for Retry-After (shared queue pause) and then succeeds', async () => {
      const { s, provider, handle, queue, clock } = await replay('rate-limit');
      expect(handle.exchanges[0]!.response.status).toBe(429);
      expect(handle.exchanges[0]!.response.headers['retry-after']).toBe('1');
      const r = await provider.complete(s.calls[0]!);
      expect(r.attempts).toBe(1);
      expect(MigrationAnswer.safeParse(r.value).success).toBe(true);
      expect(handle.served.map((x) => x.index)).toEqual([1, 2]);
      expect(handle.served[1]!.at - handle.served[0]!.at).toBeGreaterThanOrEqual(1000);
      expect(queue.stats.rateLimited).toBe(1);
      expect(clock.sleeps).toEqual([1000]);
      handle.done({ strict: true });
    });

    it('usage and cost add up: CostMeter totals = sum of per-call costs from the price table', async () => {
      const { s, provider, handle } = await replay('usage');
      const meter = new CostMeter();
      const results: Array<LlmResult<unknown>> = [];
      for (const call of s.calls) {
        const r = await provider.complete(call);
        results.push(r);
        meter.add(r);
      }
      expect(ReviewAnswer.safeParse(results[2]!.value).success).toBe(true);
      // The second write repeats the system prompt: the provider served it from its cache.
      expect(results[0]!.usage.cachedInputTokens).toBe(0);
      expect(results[1]!.usage.cachedInputTokens).toBeGreaterThan(0);
      const price = priceFor(MODELS[kind], DEFAULT_PRICES);
      const perCall = results.map((r) => computeCost(r.usage, price));
      results.forEach((r, i) => expect(r.costUsd).toBeCloseTo(perCall[i]!, 12));
      // The cached-input discount is applied.
      const undiscounted = computeCost({ ...results[1]!.usage, cachedInputTokens: 0, cacheWriteInputTokens: 0 }, price);
      expect(results[1]!.costUsd).toBeLessThan(undiscounted);
      const totals = meter.totals();
      expect(totals.calls).toBe(3);
      expect(totals.costUsd).toBeCloseTo(perCall.reduce((a, b) => a + b, 0), 12);
      expect(totals.usage.inputTokens).toBe(results.reduce((a, r) => a + r.usage.inputTokens, 0));
      expect(totals.usage.outputTokens).toBe(results.reduce((a, r) => a + r.usage.outputTokens, 0));
      expect(totals.usage.cachedInputTokens).toBe(results.reduce((a, r) => a + r.usage.cachedInputTokens, 0));
      const byPersona = meter.byPersona();
      expect(byPersona['alex']!.calls).toBe(2);
      expect(byPersona['reviewer']!.calls).toBe(1);
      expect(byPersona['alex']!.costUsd + byPersona['reviewer']!.costUsd).toBeCloseTo(totals.costUsd, 12);
      handle.done({ strict: true });
    });

    it('fails with a timeout error after the bounded retries (live, fake server stalls)', async () => {
      server = await start();
      server.pushFault({ kind: 'stall', ms: 3000 }, { kind: 'stall', ms: 3000 }, { kind: 'stall', ms: 3000 });
      const clock = createFakeClock();
      const { provider, queue } = buildProvider(kind, { openai: server.openaiBaseURL, anthropic: server.anthropicBaseURL }, clock, {
        timeoutMs: 400,
        maxRetries: 2,
      });
      const t0 = Date.now();
      const err = await provider.complete(scenario(kind, 'plain').calls[0]!).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LlmTimeoutError);
      expect((err as LlmTimeoutError).attempts).toBe(3);
      expect((err as Error).message).toMatch(/timed out after 400 ms/);
      // Under load an attempt can time out before its request reaches the server (the SDK's first
      // call also loads and connects), so the server saw at least one and at most three.
      expect(server.requests.length).toBeGreaterThanOrEqual(1);
      expect(server.requests.length).toBeLessThanOrEqual(3);
      expect(queue.stats.timeouts).toBe(3);
      expect(Date.now() - t0).toBeLessThan(4000);
    });
  });
}
