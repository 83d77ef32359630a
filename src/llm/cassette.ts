// Record / replay of real HTTP exchanges with nock.
//
// Recording (`--record <cassette>`): nock's recorder captures every request the SDKs make;
// stopRecording() writes one readable JSON file per exchange into
// fixtures/cassettes/<cassette>/NNN-<method>-<path>.json. Bodies are stored decoded (gzip /
// deflate / br responses are decompressed before saving). No request header is stored at all;
// response headers are reduced to content-type, retry-after, retry-after-ms and request ids;
// API-key-looking strings are redacted from everything that is written.
//
// Replay (`--replay <cassette>`): the network is locked (nock.disableNetConnect, no loopback
// exception) and one catch-all interceptor answers every request from the cassette. A request
// matches a recorded exchange on method, path (origin is ignored: recordings against a fake
// server on a random port replay anywhere) and JSON body after normalising the volatile fields
// in VOLATILE_BODY_FIELDS. Identical requests are answered in recorded order. A request that
// matches nothing fails AT ONCE with CassetteMismatchError (never retried: the retry layer
// rethrows it) naming the cassette, with a short diff against the nearest recorded request.
//
// nock is imported lazily, so production code that never records or replays does not load it.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Definition } from 'nock';
import { ExitCode, SchemacrewError } from '../errors.js';
import { CassetteMismatchError } from './errors.js';

/** Where cassettes live by default: fixtures/cassettes/ under the current directory. */
export const defaultCassetteRoot = (): string => path.resolve('fixtures', 'cassettes');

/** Top-level body fields ignored when matching (they vary between runs, not the answer). */
export const VOLATILE_BODY_FIELDS = ['stream_options', 'user', 'metadata', 'store', 'prompt_cache_key', 'safety_identifier'] as const;
/** Body fields ignored at any depth: anything request-id-like. */
export const VOLATILE_FIELD_PATTERN = /(^|_|-)(request|trace|span|idempotency|correlation)[_-]?(id|key)$/i;

/** Response headers kept in cassettes; everything else (cookies, org ids, timings) is dropped. */
const KEPT_RESPONSE_HEADERS = /^(content-type|retry-after|retry-after-ms|(x-)?request-id|[a-z0-9-]*-request-id)$/i;
const SECRET_PATTERN = /\b(sk-(?:ant-)?[A-Za-z0-9_-]{16,}|Bearer\s+[A-Za-z0-9._-]{16,})/g;

export interface CassetteExchange {
  /** 1-based position in the recording. */
  index: number;
  request: {
    method: string;
    /** Informational (not matched). */
    origin: string;
    path: string;
    body: unknown;
  };
  response: {
    status: number;
    headers: Record<string, string>;
    /** Parsed JSON when the body was JSON, else the text (e.g. an SSE stream). */
    body: unknown;
  };
}

export interface CassetteFile extends CassetteExchange {
  cassette: string;
}

export function cassetteDir(name: string, root: string = defaultCassetteRoot()): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new SchemacrewError(`cassette name "${name}" may only contain letters, digits, ".", "_" and "-"`, ExitCode.BadInput);
  }
  return path.join(root, name);
}

type Nock = typeof import('nock');
async function loadNock(): Promise<Nock> {
  let m: { default?: Nock };
  try {
    m = (await import('nock')) as unknown as { default?: Nock };
  } catch {
    throw new SchemacrewError('recording and replaying cassettes needs the "nock" package (a dev dependency): run npm install in the schemacrew checkout', ExitCode.BadInput);
  }
  return m.default ?? (m as unknown as Nock);
}

// ---------------------------------------------------------------- recording

interface RecordingState {
  name: string;
  dir: string;
  nock: Nock;
  wasActive: boolean;
  secrets: string[];
}
let recording: RecordingState | undefined;

export interface RecordOptions {
  /** Root folder of cassettes (default fixtures/cassettes). */
  root?: string;
  /** Extra strings to redact (API keys in env are redacted anyway). */
  secrets?: string[];
}

/**
 * Starts recording every HTTP exchange of the process into cassette `name`. SDK clients built
 * with lateBoundFetch (all adapters here) are captured whenever they were created.
 */
export async function startRecording(name: string, options: RecordOptions = {}): Promise<void> {
  if (recording) throw new SchemacrewError(`already recording cassette "${recording.name}"`);
  const dir = cassetteDir(name, options.root);
  const nock = await loadNock();
  const wasActive = nock.isActive();
  nock.recorder.clear();
  nock.recorder.rec({ output_objects: true, dont_print: true, enable_reqheaders_recording: false });
  const envSecrets = [process.env.OPENAI_API_KEY, process.env.ANTHROPIC_API_KEY].filter(
    (s): s is string => typeof s === 'string' && s.length >= 8,
  );
  recording = { name, dir, nock, wasActive, secrets: [...(options.secrets ?? []), ...envSecrets] };
}

/** Stops recording and writes the cassette (replacing an older one). Returns the files written. */
export async function stopRecording(): Promise<{ cassette: string; dir: string; files: string[] }> {
  const state = recording;
  if (!state) throw new SchemacrewError('not recording');
  recording = undefined;
  const { nock } = state;
  const defs = nock.recorder.play() as Definition[];
  nock.recorder.clear();
  nock.restore(); // removes the recorder's interceptors (and nock's own)
  if (state.wasActive && !nock.isActive()) nock.activate();

  const exchanges = defs.map((d, i) => toExchange(d, i + 1));
  await rm(state.dir, { recursive: true, force: true });
  await mkdir(state.dir, { recursive: true });
  const files: string[] = [];
  for (const ex of exchanges) {
    const slug = ex.request.path.replace(/\?.*$/, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
    const file = path.join(state.dir, `${String(ex.index).padStart(3, '0')}-${ex.request.method.toLowerCase()}-${slug}.json`);
    const out: CassetteFile = { cassette: state.name, ...ex };
    await writeFile(file, redact(JSON.stringify(out, null, 2), state.secrets) + '\n');
    files.push(file);
  }
  return { cassette: state.name, dir: state.dir, files };
}

export function isRecording(): boolean {
  return recording !== undefined;
}

function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[REDACTED]');
  return out.replace(SECRET_PATTERN, '[REDACTED]');
}

function toExchange(def: Definition, index: number): CassetteExchange {
  const d = def as Definition & { rawHeaders?: Record<string, string> | string[]; responseIsBinary?: boolean };
  const headers = headerObject(d.rawHeaders);
  const encoding = (headers['content-encoding'] ?? '').toLowerCase();
  let body: unknown = d.response;
  if (encoding && encoding !== 'identity') body = decodeBody(body, encoding);
  else if (d.responseIsBinary && typeof body === 'string') body = Buffer.from(body, 'hex').toString('utf8');
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (KEPT_RESPONSE_HEADERS.test(k)) kept[k.toLowerCase()] = v;
  const rawPath = d.path ?? '/';
  return {
    index,
    request: {
      method: (d.method ?? 'GET').toUpperCase(),
      // Loopback ports are random (fake servers): drop them so re-recording gives the same file.
      origin: String(d.scope ?? '').replace(/^(https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\])):\d+$/, '$1:*'),
      path: stripSecretQuery(String(rawPath)),
      body: d.body === undefined || d.body === '' ? null : typeof d.body === 'string' ? tryJson(d.body) : d.body,
    },
    response: { status: d.status ?? 200, headers: kept, body },
  };
}

function headerObject(raw: Record<string, string> | string[] | undefined): Record<string, string> {
  if (!raw) return {};
  if (Array.isArray(raw)) {
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < raw.length; i += 2) out[raw[i]!.toLowerCase()] = raw[i + 1]!;
    return out;
  }
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]));
}

/** nock stores encoded responses as hex chunks; decode them so people can read the cassette. */
function decodeBody(body: unknown, encoding: string): unknown {
  const hex = Array.isArray(body) ? body.join('') : typeof body === 'string' ? body : undefined;
  if (hex === undefined || !/^[0-9a-f]*$/i.test(hex)) return body;
  let buf: Buffer = Buffer.from(hex, 'hex');
  for (const coding of encoding.split(',').map((c) => c.trim()).reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') buf = gunzipSync(buf);
    else if (coding === 'deflate') buf = inflateSync(buf);
    else if (coding === 'br') buf = brotliDecompressSync(buf);
  }
  return tryJson(buf.toString('utf8'));
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function stripSecretQuery(p: string): string {
  return p.replace(/([?&](?:key|api_key|api-key|apikey|token|access_token)=)[^&]*/gi, '$1[REDACTED]');
}

// ---------------------------------------------------------------- replay

export interface ReplayOptions {
  root?: string;
  /** Clock for `served[].at` (default Date.now), e.g. a test's fake clock. */
  now?: () => number;
  /**
   * Hosts allowed to connect after restore() (default: loopback only, the test suite's
   * lockdown). Pass `'all'` to re-enable every connection.
   */
  netConnectAfter?: ((host: string) => boolean) | 'all' | 'none';
}

export interface ServedExchange {
  index: number;
  at: number;
  method: string;
  path: string;
}

export interface ReplayHandle {
  cassette: string;
  dir: string;
  exchanges: readonly CassetteExchange[];
  /** Exchanges answered so far, in order, with the time they were asked for. */
  served: ServedExchange[];
  /** Requests that matched nothing (each also failed its caller). */
  mismatches: CassetteMismatchError[];
  /** Exchanges never asked for. */
  unused(): CassetteExchange[];
  /** Reports unused exchanges; with `{ strict: true }` throws when any is left or any request mismatched. */
  done(options?: { strict?: boolean }): { unused: CassetteExchange[]; mismatches: CassetteMismatchError[] };
  /** Removes the interceptors and restores net connect (see ReplayOptions.netConnectAfter). */
  restore(): void;
}

export async function loadCassette(name: string, root?: string): Promise<CassetteExchange[]> {
  const dir = cassetteDir(name, root);
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    throw new SchemacrewError(`cassette "${name}" not found (looked in ${dir})`, ExitCode.BadInput);
  }
  if (files.length === 0) throw new SchemacrewError(`cassette "${name}" is empty (${dir})`, ExitCode.BadInput);
  const out: CassetteExchange[] = [];
  for (const f of files) {
    const parsed = JSON.parse(await readFile(path.join(dir, f), 'utf8')) as CassetteFile;
    out.push({ index: parsed.index, request: parsed.request, response: parsed.response });
  }
  return out.sort((a, b) => a.index - b.index);
}

const LOOPBACK = (host: string) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host);

/** Serves cassette `name` to every HTTP request of the process until restore(). */
export async function replayCassette(name: string, options: ReplayOptions = {}): Promise<ReplayHandle> {
  const exchanges = await loadCassette(name, options.root);
  const dir = cassetteDir(name, options.root);
  const nock = await loadNock();
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  const now = options.now ?? Date.now;
  const used = new Set<number>();
  const served: ServedExchange[] = [];
  const mismatches: CassetteMismatchError[] = [];
  const normalised = exchanges.map((e) => ({ e, key: requestKey(e.request.method, e.request.path, e.request.body) }));

  const answer = (method: string, uri: string, rawBody: unknown) => {
    const body = typeof rawBody === 'string' ? (rawBody === '' ? null : tryJson(rawBody)) : (rawBody ?? null);
    const pathOnly = uri.replace(/^[a-z]+:\/\/[^/]+/i, '');
    const key = requestKey(method, pathOnly, body);
    const hit = normalised.find((x) => !used.has(x.e.index) && x.key === key);
    if (!hit) {
      const err = new CassetteMismatchError(name, method, pathOnly, nearestDiff(exchanges, used, method, pathOnly, body));
      mismatches.push(err);
      throw err;
    }
    used.add(hit.e.index);
    served.push({ index: hit.e.index, at: now(), method, path: pathOnly });
    const r = hit.e.response;
    const payload = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    const headers = { ...r.headers };
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type') && typeof r.body !== 'string') headers['content-type'] = 'application/json';
    return [r.status, payload, headers] as [number, string, Record<string, string>];
  };

  const interceptors: ReturnType<ReturnType<Nock>['post']>[] = [];
  // A scope whose filteringScope accepts every origin: once its interceptors are removed it
  // matches nothing (a RegExp scope would keep claiming every host with no interceptor left).
  const scope = nock('http://cassette-replay.invalid', { filteringScope: () => true }).persist();
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
    const ic = scope.intercept(() => true, method);
    // Callback form: a thrown error would escape nock; cb(err) fails the request itself.
    ic.reply(function (uri: string, body: unknown, cb: (err: NodeJS.ErrnoException | null, result: [number, string, Record<string, string>]) => void) {
      let result: [number, string, Record<string, string>];
      try {
        result = answer(method, uri, body);
      } catch (err) {
        return cb(err as NodeJS.ErrnoException, [500, '', {}]);
      }
      cb(null, result);
    });
    interceptors.push(ic);
  }

  let restored = false;
  const handle: ReplayHandle = {
    cassette: name,
    dir,
    exchanges,
    served,
    mismatches,
    unused: () => exchanges.filter((e) => !used.has(e.index)),
    done(opts = {}) {
      const unused = handle.unused();
      if (opts.strict && (unused.length || mismatches.length)) {
        throw new SchemacrewError(
          `cassette "${name}": ${unused.length} recorded exchange(s) not replayed` +
            (unused.length ? ` (#${unused.map((u) => u.index).join(', #')})` : '') +
            (mismatches.length ? `, ${mismatches.length} request(s) matched nothing` : ''),
        );
      }
      return { unused, mismatches: [...mismatches] };
    },
    restore() {
      if (restored) return;
      restored = true;
      for (const ic of interceptors) nock.removeInterceptor(ic);
      const after = options.netConnectAfter ?? LOOPBACK;
      if (after === 'all') nock.enableNetConnect();
      else if (after !== 'none') nock.enableNetConnect(after);
    },
  };
  return handle;
}

/** method + path + canonical JSON of the normalised body. */
export function requestKey(method: string, p: string, body: unknown): string {
  return `${method.toUpperCase()} ${p}\n${canonicalJson(normaliseBody(body))}`;
}

/** Drops VOLATILE_BODY_FIELDS at the top level and request-id-like fields at any depth. */
export function normaliseBody(body: unknown, depth = 0): unknown {
  if (Array.isArray(body)) return body.map((b) => normaliseBody(b, depth + 1));
  if (!body || typeof body !== 'object') return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (depth === 0 && (VOLATILE_BODY_FIELDS as readonly string[]).includes(k)) continue;
    if (VOLATILE_FIELD_PATTERN.test(k)) continue;
    out[k] = normaliseBody(v, depth + 1);
  }
  return out;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function flatten(v: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(v)) {
    if (v.length === 0) out.set(prefix || '(root)', '[]');
    v.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out));
  } else if (v && typeof v === 'object') {
    const keys = Object.keys(v as object);
    if (keys.length === 0) out.set(prefix || '(root)', '{}');
    for (const k of keys) flatten((v as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix || '(root)', JSON.stringify(v) ?? 'undefined');
  }
  return out;
}

const clip = (s: string, n = 100) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A short diff of `body` against the closest recorded request (same method+path first). */
function nearestDiff(exchanges: readonly CassetteExchange[], used: Set<number>, method: string, p: string, body: unknown): string {
  if (exchanges.length === 0) return '  (the cassette has no exchanges)';
  const actual = flatten(normaliseBody(body));
  let best: { e: CassetteExchange; diff: string[]; score: number } | undefined;
  for (const e of exchanges) {
    const rec = flatten(normaliseBody(e.request.body));
    const diff: string[] = [];
    for (const [k, v] of rec) if (actual.get(k) !== v) diff.push(`  - ${k}: ${clip(v)}`);
    for (const [k, v] of actual) if (rec.get(k) !== v) diff.push(`  + ${k}: ${clip(v)}`);
    const samePlace = e.request.method === method && e.request.path === p;
    const score = diff.length + (samePlace ? 0 : 1000) + (used.has(e.index) ? 0.5 : 0);
    if (!best || score < best.score) best = { e, diff, score };
  }
  const { e, diff } = best!;
  const head = `nearest recorded request: #${e.index} ${e.request.method} ${e.request.path}` + (used.has(e.index) ? ' (already replayed)' : '');
  if (e.request.method !== method || e.request.path !== p) return `${head}\n  (no recorded request has ${method} ${p})`;
  if (diff.length === 0) return `${head}\n  (same body: the request was made more times than it was recorded)`;
  diff.sort((a, b) => a.slice(4).localeCompare(b.slice(4)));
  const shown = diff.slice(0, 12);
  return `${head}; body differs (- recorded, + this request):\n${shown.join('\n')}${diff.length > shown.length ? `\n  … ${diff.length - shown.length} more` : ''}`;
}
