// The run's event stream: events.jsonl, append-only, one JSON object per line, written with a
// synchronous write per event so that a crash (even kill -9) loses nothing already emitted.
// Every event goes through redact() first: secrets never reach the log.
import fs from 'node:fs';
import path from 'node:path';

export type EventType =
  | 'run_started'
  | 'entry_started'
  | 'plan'
  | 'prompt'
  | 'answer'
  | 'finding'
  | 'review'
  | 'gate'
  | 'apply'
  | 'entry_finished'
  | 'run_finished'
  | 'error';

export const EVENT_TYPES: readonly EventType[] = [
  'run_started',
  'entry_started',
  'plan',
  'prompt',
  'answer',
  'finding',
  'review',
  'gate',
  'apply',
  'entry_finished',
  'run_finished',
  'error',
];

/** Payload of one event: anything JSON-serialisable. `ts`, `seq` and `type` are set by the log. */
export type EventPayload = Record<string, unknown>;

/** One line of events.jsonl. */
export interface RunEvent {
  /** ISO timestamp of the emit. */
  ts: string;
  /** 1-based, monotonic across the whole file (continues after a resume). */
  seq: number;
  type: EventType | (string & {});
  [key: string]: unknown;
}

export interface EventLogOptions {
  /** Clock, for tests. */
  now?: () => Date;
  /** More literal secrets to scrub (in addition to the API-key env vars). */
  secrets?: string[];
}

// ---------------------------------------------------------------------------------------------
// Redaction

export const REDACTED = '[redacted]';

/** Environment variables whose values are secrets wherever they appear. */
const SECRET_ENV_NAMES = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'PGPASSWORD'];
const SECRET_ENV_PATTERN = /(?:_API_KEY|_SECRET|_TOKEN|_PASSWORD)$/;
/** Keys whose string values are secrets whatever they look like. */
const SECRET_KEY_PATTERN = /^(?:api[-_]?key|apikey|password|passwd|secret|authorization|x-api-key|access[-_]?token|auth[-_]?token)$/i;

interface Pattern {
  re: RegExp;
  replace: string;
}

const PATTERNS: Pattern[] = [
  // Anthropic (sk-ant-…) and OpenAI (sk-…, sk-proj-…) keys. The word boundary keeps "task-…" safe.
  { re: /\bsk-(?:ant-)?[A-Za-z0-9_-]{16,}/g, replace: REDACTED },
  // HTTP bearer tokens.
  { re: /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, replace: `$1 ${REDACTED}` },
  // Passwords in postgres URLs: postgres://user:PASSWORD@host (postgresql:// too).
  { re: /\b(postgres(?:ql)?:\/\/[^\s:/@]*:)[^\s@]+(@)/gi, replace: `$1${REDACTED}$2` },
];

function envSecrets(): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(process.env)) {
    if (!value || value.length < 8) continue;
    if (SECRET_ENV_NAMES.includes(name) || SECRET_ENV_PATTERN.test(name)) out.add(value);
  }
  return [...out];
}

/** Scrubs one string: API-key shapes, bearer tokens, URL passwords and the literal secrets given. */
export function redactString(s: string, secrets: readonly string[] = envSecrets()): string {
  let out = s;
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 8 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const { re, replace } of PATTERNS) out = out.replace(re, replace);
  return out;
}

/**
 * A deep copy of `value` with every secret replaced by `[redacted]`. Dates become ISO strings,
 * Errors become { name, message, stack }, bigints become strings, functions and cycles are dropped.
 */
export function redact<T>(value: T, extraSecrets: readonly string[] = []): T {
  const secrets = [...envSecrets(), ...extraSecrets.filter((s) => s.length >= 8)];
  const seen = new WeakSet<object>();
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') {
      if (key !== undefined && SECRET_KEY_PATTERN.test(key) && v.length > 0) return REDACTED;
      return redactString(v, secrets);
    }
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
    if (seen.has(v)) return '[circular]';
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map((item) => walk(item) ?? null);
      if (v instanceof Error) {
        const err: Record<string, unknown> = { name: v.name, message: walk(v.message) };
        if (v.stack) err.stack = walk(v.stack);
        for (const [k, val] of Object.entries(v)) err[k] = walk(val, k);
        return err;
      }
      if (v instanceof Map) return walk(Object.fromEntries(v));
      if (v instanceof Set) return walk([...v]);
      const out: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(v)) {
        const w = walk(val, k);
        if (w !== undefined) out[k] = w;
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value) as T;
}

// ---------------------------------------------------------------------------------------------
// The log

export class EventLog {
  readonly file: string;
  private fd: number | undefined;
  private seq: number;
  private readonly now: () => Date;
  private readonly secrets: string[];

  /** Opens (creating folders as needed) or reopens `file`; a reopened log continues its seq. */
  constructor(file: string, options: EventLogOptions = {}) {
    this.file = file;
    this.now = options.now ?? (() => new Date());
    this.secrets = options.secrets ?? [];
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    this.seq = lastSeq(existing);
    this.fd = fs.openSync(file, 'a');
    // A crash mid-write can leave a partial last line: end it so the next event starts clean.
    if (existing.length > 0 && !existing.endsWith('\n')) fs.writeSync(this.fd, '\n');
  }

  static open(file: string, options?: EventLogOptions): EventLog {
    return new EventLog(file, options);
  }

  /** The seq of the last event written (0 for an empty log). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Appends one event and returns it as written (redacted). */
  emit(type: EventType | (string & {}), payload: EventPayload = {}): RunEvent {
    if (this.fd === undefined) throw new Error(`event log ${this.file} is closed`);
    const clean = redact(payload, this.secrets) as EventPayload;
    // ts, seq and type come first and cannot be overridden by the payload.
    const { ts: _ts, seq: _seq, type: _type, ...rest } = clean;
    const event: RunEvent = { ts: this.now().toISOString(), seq: this.seq + 1, type, ...rest };
    fs.writeSync(this.fd, JSON.stringify(event) + '\n');
    this.seq = event.seq;
    return event;
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * Every event of a log file, in order. Lines that do not parse (a write cut short by a crash)
   * are skipped; a missing file reads as no events.
   */
  static read(file: string): RunEvent[] {
    if (!fs.existsSync(file)) return [];
    return parseLines(fs.readFileSync(file, 'utf8'));
  }
}

function parseLines(text: string): RunEvent[] {
  const events: RunEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (v && typeof v === 'object' && typeof (v as RunEvent).seq === 'number' && typeof (v as RunEvent).type === 'string') {
        events.push(v as RunEvent);
      }
    } catch {
      // partial line from an interrupted write
    }
  }
  return events;
}

function lastSeq(text: string): number {
  let max = 0;
  for (const e of parseLines(text)) if (e.seq > max) max = e.seq;
  return max;
}
