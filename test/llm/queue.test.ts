// ProviderQueue: concurrency, the shared 429 pause, Retry-After parsing, bounded retries, timeouts.
import { describe, expect, it } from 'vitest';
import { CassetteMismatchError, LlmProviderError, LlmTimeoutError } from '../../src/llm/errors.js';
import { ProviderQueue, QueueRegistry, classifyError, createFakeClock, parseRetryAfter } from '../../src/llm/queue.js';

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** An error shaped like the SDKs' APIError. */
function httpError(status: number, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`${status} status code`), { status, headers: new Headers(headers) });
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ProviderQueue', () => {
  it('never runs more calls at once than its concurrency', async () => {
    const q = new ProviderQueue('t', { concurrency: 2, clock: createFakeClock() });
    let running = 0;
    let max = 0;
    const gates = Array.from({ length: 5 }, () => deferred());
    const all = gates.map((g, i) =>
      q.run(async () => {
        running++;
        max = Math.max(max, running);
        await g.promise;
        running--;
        return i;
      }),
    );
    await tick();
    expect(running).toBe(2);
    expect(q.size).toBe(3);
    gates.forEach((g) => g.resolve());
    expect(await Promise.all(all)).toEqual([0, 1, 2, 3, 4]);
    expect(max).toBe(2);
  });

  it('pauses the whole queue on a 429: calls waiting in the queue wait for the same Retry-After', async () => {
    const clock = createFakeClock();
    const q = new ProviderQueue('t', { concurrency: 1, clock, random: () => 0 });
    const starts: Array<[string, number]> = [];
    let first = true;
    const a = q.run(async () => {
      starts.push(['a', clock.now()]);
      if (first) {
        first = false;
        throw httpError(429, { 'retry-after': '2' });
      }
      return 'a';
    });
    const b = q.run(async () => (starts.push(['b', clock.now()]), 'b'));
    const c = q.run(async () => (starts.push(['c', clock.now()]), 'c'));
    expect(await Promise.all([a, b, c])).toEqual(['a', 'b', 'c']);
    const t0 = starts[0]![1];
    expect(starts[0]![0]).toBe('a');
    // The retried call goes first, then the queued ones; none before the 2 s pause is over.
    expect(starts.slice(1).map(([n]) => n)).toEqual(['a', 'b', 'c']);
    for (const [, at] of starts.slice(1)) expect(at - t0).toBeGreaterThanOrEqual(2000);
    // One pause for everyone, not one sleep per call.
    expect(clock.sleeps).toEqual([2000]);
    expect(q.stats.rateLimited).toBe(1);
    expect(q.pausedUntil).toBe(t0 + 2000);
  });

  it('a 429 while other calls are in flight holds back the calls still waiting', async () => {
    const clock = createFakeClock();
    const q = new ProviderQueue('t', { concurrency: 2, clock, random: () => 0 });
    const gate = deferred();
    const starts: Array<[string, number]> = [];
    let failed = false;
    const slow = q.run(async () => {
      starts.push(['slow', clock.now()]);
      await gate.promise;
      return 'slow';
    });
    const limited = q.run(async () => {
      starts.push(['limited', clock.now()]);
      if (!failed) {
        failed = true;
        throw httpError(429, { 'retry-after-ms': '1500' });
      }
      return 'limited';
    });
    const waiting = q.run(async () => (starts.push(['waiting', clock.now()]), 'waiting'));
    await new Promise((r) => setTimeout(r, 20));
    gate.resolve();
    expect(await Promise.all([slow, limited, waiting])).toEqual(['slow', 'limited', 'waiting']);
    const t0 = starts[0]![1];
    const later = starts.filter(([n], i) => i >= 2 && (n === 'limited' || n === 'waiting'));
    expect(later.map(([n]) => n).sort()).toEqual(['limited', 'waiting']);
    for (const [, at] of later) expect(at - t0).toBeGreaterThanOrEqual(1500);
    expect(clock.sleeps).toEqual([1500]);
  });

  it('uses exponential backoff with jitter when a 429 has no Retry-After', async () => {
    const clock = createFakeClock();
    const q = new ProviderQueue('t', { clock, random: () => 0.5, baseDelayMs: 1000 });
    let n = 0;
    const r = await q.run(async () => {
      if (n++ < 3) throw httpError(429);
      return 'ok';
    });
    expect(r).toBe('ok');
    // base·2^(k-1) · (0.5 + 0.5/2)
    expect(clock.sleeps).toEqual([750, 1500, 3000]);
  });

  it('retries 5xx and connection errors a bounded number of times, then fails with LlmProviderError', async () => {
    const clock = createFakeClock();
    const q = new ProviderQueue('prov@x', { clock, random: () => 0, maxRetries: 3, baseDelayMs: 100 });
    let calls = 0;
    const err = await q
      .run(async () => {
        calls++;
        throw httpError(503);
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmProviderError);
    expect((err as LlmProviderError).kind).toBe('server');
    expect((err as LlmProviderError).attempts).toBe(4);
    expect((err as Error).message).toMatch(/prov@x: HTTP 503/);
    expect(calls).toBe(4);
    expect(clock.sleeps).toEqual([50, 100, 200]);

    let c2 = 0;
    const ok = await q.run(async () => {
      if (c2++ === 0) throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
      return 'ok';
    });
    expect(ok).toBe('ok');
  });

  it('does not retry other 4xx errors', async () => {
    const q = new ProviderQueue('t', { clock: createFakeClock() });
    let calls = 0;
    const err = await q
      .run(async () => {
        calls++;
        throw httpError(401);
      })
      .catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(err).toBeInstanceOf(LlmProviderError);
    expect((err as Error).message).toMatch(/HTTP 401.*check the API key/);
  });

  it('times every attempt out (even if the call ignores its signal) and gives up after the retries', async () => {
    const clock = createFakeClock();
    const q = new ProviderQueue('t', { clock, timeoutMs: 30, maxRetries: 2 });
    const signals: AbortSignal[] = [];
    const t0 = Date.now();
    const err = await q.run((signal) => (signals.push(signal), new Promise(() => {}))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmTimeoutError);
    expect((err as LlmTimeoutError).attempts).toBe(3);
    expect(signals).toHaveLength(3);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('rethrows a cassette mismatch at once, wherever it is in the cause chain', async () => {
    const q = new ProviderQueue('t', { clock: createFakeClock() });
    const mismatch = new CassetteMismatchError('c', 'POST', '/v1/x', 'diff');
    let calls = 0;
    const err = await q
      .run(async () => {
        calls++;
        throw Object.assign(new Error('Connection error.'), { name: 'APIConnectionError', cause: mismatch });
      })
      .catch((e: unknown) => e);
    expect(err).toBe(mismatch);
    expect(calls).toBe(1);
  });

  it('honours an interval limit (requests per window)', async () => {
    const q = new ProviderQueue('t', { concurrency: 5, interval: { cap: 1, ms: 100 }, clock: createFakeClock() });
    const starts: number[] = [];
    await Promise.all([0, 1, 2].map(() => q.run(async () => void starts.push(Date.now()))));
    expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(180);
  });

  it('stops waiting when the caller aborts', async () => {
    const q = new ProviderQueue('t', { clock: createFakeClock(), timeoutMs: 10_000 });
    const ctl = new AbortController();
    const p = q.run((signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), { signal: ctl.signal });
    ctl.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});

describe('QueueRegistry', () => {
  it('shares one queue per provider name + base URL', () => {
    const r = new QueueRegistry();
    const a = r.get('openai', 'http://a/v1', { concurrency: 3 });
    expect(r.get('openai', 'http://a/v1', { concurrency: 9 })).toBe(a);
    expect(a.options.concurrency).toBe(3);
    expect(r.get('openai', 'http://b/v1')).not.toBe(a);
    expect(r.get('anthropic', 'http://a/v1')).not.toBe(a);
  });
});

describe('parseRetryAfter / classifyError', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds, HTTP-dates and retry-after-ms', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(parseRetryAfter({ 'Retry-After': '0.5' }, now)).toBe(500);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now)).toBe(7000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(parseRetryAfter(new Headers({}), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });

  it('classifies SDK errors', () => {
    expect(classifyError(httpError(429, { 'retry-after': '2' }))).toEqual({ kind: 'rate_limit', status: 429, retryAfterMs: 2000 });
    expect(classifyError(httpError(529)).kind).toBe('server');
    expect(classifyError(httpError(400)).kind).toBe('fatal');
    expect(classifyError(Object.assign(new Error('x'), { name: 'APIConnectionTimeoutError' })).kind).toBe('timeout');
    expect(classifyError(Object.assign(new Error('x'), { name: 'APIConnectionError' })).kind).toBe('connection');
    expect(classifyError(new Error('bug')).kind).toBe('fatal');
  });
});
