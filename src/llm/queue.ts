// Throughput and resilience: one p-queue per provider endpoint (concurrency + requests per
// interval), a timeout on every attempt, retries for 5xx / connection errors / timeouts, and
// 429 handling that honours Retry-After by pausing the WHOLE queue until the retry time.
import PQueue from 'p-queue';
import { CassetteMismatchError, LlmProviderError, LlmTimeoutError, findInCauseChain } from './errors.js';

/** Time source and sleeper, injectable so tests are fast and deterministic. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(t);
        reject(abortReason(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface FakeClock extends Clock {
  /** Every sleep requested, in order (ms). */
  readonly sleeps: number[];
  advance(ms: number): void;
}

/**
 * A virtual clock: `sleep(ms)` resolves on the next tick and moves `now` to at least
 * (time the sleep started + ms). Concurrent sleeps therefore overlap as they would in real time.
 */
export function createFakeClock(start = 1_700_000_000_000): FakeClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw abortReason(signal);
      sleeps.push(ms);
      const target = now + Math.max(0, ms);
      await new Promise<void>((r) => setImmediate(r));
      if (signal?.aborted) throw abortReason(signal);
      now = Math.max(now, target);
    },
  };
}

export interface QueueOptions {
  /** Calls in flight at once (default 4). */
  concurrency?: number;
  /** Calls started per minute (default: unlimited). */
  requestsPerMinute?: number;
  /** Overrides requestsPerMinute with an explicit window (tests). */
  interval?: { cap: number; ms: number };
  /** Per-attempt timeout (default 120 000 ms); the AbortSignal given to the SDK fires at it. */
  timeoutMs?: number;
  /** Retries for 5xx, connection errors and timeouts (default 3). */
  maxRetries?: number;
  /** Retries for 429 (default 6). */
  maxRateLimitRetries?: number;
  /** First backoff step (default 1000 ms); doubles per retry, capped at maxDelayMs. */
  baseDelayMs?: number;
  /** Backoff cap (default 60 000 ms). */
  maxDelayMs?: number;
  clock?: Clock;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  /** Called before every retry (for logs). */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  queueKey: string;
  kind: ErrorKind;
  attempt: number;
  delayMs: number;
  status?: number;
  error: unknown;
}

export type ErrorKind = 'rate_limit' | 'server' | 'connection' | 'timeout' | 'fatal';

export interface ErrorClass {
  kind: ErrorKind;
  status?: number;
  /** Delay asked by Retry-After / retry-after-ms, when the error carries one. */
  retryAfterMs?: number;
  /** For 'fatal' errors that must be rethrown as they are (cassette mismatches). */
  rethrow?: unknown;
}

export const DEFAULTS = {
  concurrency: 4,
  timeoutMs: 120_000,
  maxRetries: 3,
  maxRateLimitRetries: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
} as const;

/**
 * Parses `retry-after-ms` (milliseconds), then `retry-after` (seconds or an HTTP-date).
 * Accepts a Headers instance or a plain header object; returns ms from `now`, or undefined.
 */
export function parseRetryAfter(headers: unknown, now = Date.now()): number | undefined {
  const get = (name: string): string | undefined => {
    if (!headers || typeof headers !== 'object') return undefined;
    const h = headers as { get?: (n: string) => string | null } & Record<string, unknown>;
    if (typeof h.get === 'function') return h.get(name) ?? undefined;
    for (const [k, v] of Object.entries(h)) {
      if (k.toLowerCase() === name) return Array.isArray(v) ? String(v[0]) : v == null ? undefined : String(v);
    }
    return undefined;
  };
  const ms = get('retry-after-ms');
  if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = get('retry-after');
  if (ra === undefined || ra.trim() === '') return undefined;
  if (Number.isFinite(Number(ra))) return Math.max(0, Number(ra) * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** Decides what the retry layer does with an error thrown by an SDK (OpenAI, Anthropic, LangChain). */
export function classifyError(err: unknown, now = Date.now()): ErrorClass {
  const mismatch = findInCauseChain(err, CassetteMismatchError);
  if (mismatch) return { kind: 'fatal', rethrow: mismatch };
  if (err instanceof LlmTimeoutError) return { kind: 'timeout' };
  const e = err as { status?: unknown; headers?: unknown; name?: unknown; code?: unknown; constructor?: { name?: string } } | null;
  if (!e || typeof e !== 'object') return { kind: 'fatal' };
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (status !== undefined) {
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(e.headers, now);
      return { kind: 'rate_limit', status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    if (status === 408 || status === 409 || status >= 500) return { kind: 'server', status };
    return { kind: 'fatal', status };
  }
  const names = new Set<string>();
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    const c = cur as { name?: unknown; code?: unknown; constructor?: { name?: string }; cause?: unknown; message?: unknown };
    if (typeof c.name === 'string') names.add(c.name);
    if (c.constructor?.name) names.add(c.constructor.name);
    if (typeof c.code === 'string' && CONNECTION_CODES.has(c.code)) return { kind: 'connection' };
    if (c.message === 'fetch failed' || c.message === 'terminated') return { kind: 'connection' };
    cur = c.cause;
  }
  if (names.has('APIConnectionTimeoutError') || names.has('TimeoutError')) return { kind: 'timeout' };
  if (names.has('APIConnectionError')) return { kind: 'connection' };
  return { kind: 'fatal' };
}

/**
 * One queue per provider endpoint. `run(fn)` queues fn, gives it an AbortSignal that fires at
 * timeoutMs, and retries it per the policy above. A 429 pauses the whole queue until
 * max(Retry-After, backoff) has passed: calls waiting in the queue wait for the same pause
 * instead of each hammering the endpoint.
 */
export class ProviderQueue {
  readonly key: string;
  readonly options: Required<Omit<QueueOptions, 'requestsPerMinute' | 'interval' | 'onRetry'>> &
    Pick<QueueOptions, 'requestsPerMinute' | 'interval' | 'onRetry'>;
  readonly stats = { calls: 0, attempts: 0, retries: 0, rateLimited: 0, timeouts: 0 };
  private readonly queue: PQueue;
  private resumeAt = 0;

  constructor(key: string, options: QueueOptions = {}) {
    this.key = key;
    this.options = {
      concurrency: options.concurrency ?? DEFAULTS.concurrency,
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      maxRetries: options.maxRetries ?? DEFAULTS.maxRetries,
      maxRateLimitRetries: options.maxRateLimitRetries ?? DEFAULTS.maxRateLimitRetries,
      baseDelayMs: options.baseDelayMs ?? DEFAULTS.baseDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULTS.maxDelayMs,
      clock: options.clock ?? systemClock,
      random: options.random ?? Math.random,
      ...(options.requestsPerMinute !== undefined ? { requestsPerMinute: options.requestsPerMinute } : {}),
      ...(options.interval !== undefined ? { interval: options.interval } : {}),
      ...(options.onRetry !== undefined ? { onRetry: options.onRetry } : {}),
    };
    const interval =
      options.interval ??
      (options.requestsPerMinute ? { cap: options.requestsPerMinute, ms: 60_000 } : undefined);
    this.queue = new PQueue({
      concurrency: this.options.concurrency,
      ...(interval ? { intervalCap: interval.cap, interval: interval.ms, strict: true } : {}),
    });
  }

  /** Calls waiting to start. */
  get size(): number {
    return this.queue.size;
  }
  /** Calls running. */
  get pending(): number {
    return this.queue.pending;
  }
  get isPaused(): boolean {
    return this.queue.isPaused;
  }
  /** Clock time until which the queue is paused by a 429 (0 when never paused). */
  get pausedUntil(): number {
    return this.resumeAt;
  }

  async run<T>(fn: (signal: AbortSignal) => Promise<T>, opts: { signal?: AbortSignal } = {}): Promise<T> {
    const o = this.options;
    this.stats.calls++;
    let failures = 0;
    let rateLimits = 0;
    for (;;) {
      let pausedFor: number | undefined;
      try {
        return await this.queue.add(
          async () => {
            try {
              return await this.attempt(fn, opts.signal);
            } catch (err) {
              // Pause before this job settles: p-queue starts the next job as soon as it does.
              const c = classifyError(err, o.clock.now());
              if (c.kind === 'rate_limit' && !opts.signal?.aborted) {
                pausedFor = this.rateLimitDelay(rateLimits + 1, c.retryAfterMs);
                this.pauseFor(pausedFor);
              }
              throw err;
            }
          },
          {
            // A retried call goes ahead of calls that have not started yet.
            priority: failures + rateLimits > 0 ? 1 : 0,
            ...(opts.signal ? { signal: opts.signal } : {}),
          },
        );
      } catch (err) {
        if (opts.signal?.aborted) throw abortReason(opts.signal);
        const c = classifyError(err, o.clock.now());
        if (c.kind === 'fatal') {
          if (c.rethrow) throw c.rethrow;
          throw c.status !== undefined ? this.wrap(err, 'client', c.status, failures + rateLimits + 1) : err;
        }
        if (c.kind === 'rate_limit') {
          this.stats.rateLimited++;
          rateLimits++;
          if (rateLimits > o.maxRateLimitRetries)
            throw this.wrap(err, 'rate_limit', c.status, failures + rateLimits, `still rate limited after ${rateLimits} attempts`);
          this.stats.retries++;
          const delayMs = pausedFor ?? this.rateLimitDelay(rateLimits, c.retryAfterMs);
          o.onRetry?.({ queueKey: this.key, kind: c.kind, attempt: rateLimits, delayMs, ...(c.status ? { status: c.status } : {}), error: err });
          continue; // re-queued: starts once the shared pause is over
        }
        failures++;
        if (c.kind === 'timeout') this.stats.timeouts++;
        if (failures > o.maxRetries) {
          if (c.kind === 'timeout') throw new LlmTimeoutError(o.timeoutMs, failures + rateLimits, this.key, { cause: err });
          throw this.wrap(err, c.kind, c.status, failures + rateLimits, `gave up after ${failures} attempts`);
        }
        const delayMs = this.backoff(failures);
        this.stats.retries++;
        o.onRetry?.({ queueKey: this.key, kind: c.kind, attempt: failures, delayMs, ...(c.status ? { status: c.status } : {}), error: err });
        await o.clock.sleep(delayMs, opts.signal);
      }
    }
  }

  /** Exponential backoff with jitter: base·2^(n-1), capped, scaled by a factor in [0.5, 1). */
  backoff(n: number): number {
    const o = this.options;
    const raw = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (n - 1));
    return Math.round(raw * (0.5 + o.random() / 2));
  }

  /** Retry-After is a floor; jitter (up to 10%, at most 1 s) is added on top so callers spread out. */
  rateLimitDelay(n: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs === undefined) return this.backoff(n);
    return Math.ceil(retryAfterMs + Math.min(1000, retryAfterMs * 0.1) * this.options.random());
  }

  /** Pauses the queue (for everyone) until now + ms; a later pause extends an earlier one. */
  pauseFor(ms: number): void {
    const clock = this.options.clock;
    const until = clock.now() + ms;
    if (until <= this.resumeAt && this.queue.isPaused) return;
    this.resumeAt = Math.max(this.resumeAt, until);
    this.queue.pause();
    const target = this.resumeAt;
    void clock.sleep(Math.max(0, target - clock.now())).then(() => {
      if (this.resumeAt === target) this.queue.start();
    });
  }

  private async attempt<T>(fn: (signal: AbortSignal) => Promise<T>, outer?: AbortSignal): Promise<T> {
    if (outer?.aborted) throw abortReason(outer);
    this.stats.attempts++;
    const o = this.options;
    const ctl = new AbortController();
    const timeoutError = new LlmTimeoutError(o.timeoutMs, 1, this.key);
    let timedOut = false;
    let rejectRace: (e: unknown) => void = () => {};
    const race = new Promise<never>((_, reject) => (rejectRace = reject));
    race.catch(() => {});
    const timer = setTimeout(() => {
      timedOut = true;
      ctl.abort(timeoutError);
      rejectRace(timeoutError);
    }, o.timeoutMs);
    const onOuter = () => {
      ctl.abort(abortReason(outer!));
      rejectRace(abortReason(outer!));
    };
    outer?.addEventListener('abort', onOuter, { once: true });
    try {
      // The race makes the timeout hold even if fn ignores its signal.
      return await Promise.race([fn(ctl.signal), race]);
    } catch (err) {
      if (timedOut) throw err === timeoutError ? err : new LlmTimeoutError(o.timeoutMs, 1, this.key, { cause: err });
      throw err;
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    }
  }

  private wrap(err: unknown, kind: LlmProviderError['kind'], status: number | undefined, attempts: number, why?: string) {
    const msg = (err as { message?: string })?.message ?? String(err);
    const hint =
      status === 401 || status === 403 ? ' (check the API key: OPENAI_API_KEY / ANTHROPIC_API_KEY)' : '';
    return new LlmProviderError(
      `${this.key}: ${status !== undefined ? `HTTP ${status}: ` : ''}${msg}${why ? ` (${why})` : ''}${hint}`,
      kind,
      status,
      attempts,
      { cause: err },
    );
  }
}

/** The key a provider's queue is shared under: provider name + base URL. */
export function queueKey(provider: string, baseURL?: string): string {
  return `${provider}@${baseURL ?? 'default'}`;
}

/**
 * Shared queues by endpoint. The queue is created with the options of its first user; later
 * users get the same queue (their options are ignored), so persona and reviewer calls to the
 * same endpoint share one concurrency / rate limit and one 429 pause.
 */
export class QueueRegistry {
  private readonly queues = new Map<string, ProviderQueue>();

  get(provider: string, baseURL: string | undefined, options: QueueOptions = {}): ProviderQueue {
    const key = queueKey(provider, baseURL);
    let q = this.queues.get(key);
    if (!q) {
      q = new ProviderQueue(key, options);
      this.queues.set(key, q);
    }
    return q;
  }

  all(): ProviderQueue[] {
    return [...this.queues.values()];
  }

  clear(): void {
    this.queues.clear();
  }
}

/** The process-wide registry createProvider uses unless given its own. */
export const defaultQueues = new QueueRegistry();

export function getProviderQueue(provider: string, baseURL: string | undefined, options: QueueOptions = {}): ProviderQueue {
  return defaultQueues.get(provider, baseURL, options);
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}
