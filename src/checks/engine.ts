// The checks stage: parse a migration, run the static rules on its AST, then (given a database)
// run it statement by statement inside a transaction as the sandbox role, read what each
// statement changed from pg_catalog, run the catalog rules, and ROLLBACK. Nothing of a checked
// migration survives the check.
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import { SchemacrewError, ExitCode } from '../errors.js';
import { parseMigration, quoteIdent, type ParsedMigration, type Statement } from './parse.js';
import { SourceText } from './source.js';
import { Prober, countRows, takeSnapshot, type StatementEffect } from './catalog.js';
import { buildContext, catalogView, type CatalogData } from './context.js';
import { loadRules } from './registry.js';
import { walkObjects } from './ast.js';
import {
  DEFAULT_EXTENSION_ALLOW_LIST,
  DEFAULT_WIDE_TABLE_COLUMNS,
  type CheckConfig,
  type ResolvedConfig,
  type Rule,
  type RuleContext,
  type RuleHit,
  type Severity,
  type RuleCategory,
} from './types.js';

export interface Finding {
  rule: string;
  severity: 'blocking' | 'advisory';
  /** 'defect' (schema left worse), 'hazard' (locks/rewrites while applying), 'gate' (cannot/must not run). */
  category: RuleCategory;
  statement: number;
  line: number;
  column: number;
  message: string;
  hint?: string;
  objects?: string[];
}

export interface CheckOptions {
  /** Sandbox-role connection to the target database; omit for static-only. */
  connectionString?: string;
  /** search_path schema, e.g. 'taskpilot'. */
  schema?: string;
  staticOnly?: boolean;
  config?: CheckConfig;
}

export interface CheckResult {
  findings: Finding[];
  suppressed: Finding[];
  statements: { index: number; line: number; column: number; kind: string; text: string; transactional: boolean }[];
  applyError?: { sqlstate: string; message: string; statement: number; line: number; column: number };
  timings: { parseMs: number; staticMs: number; catalogMs: number };
}

export type { CheckConfig } from './types.js';

/** Per-statement timeout inside the check transaction. */
const STATEMENT_TIMEOUT = '60s';
const LOCK_TIMEOUT = '2s';

/**
 * Splits a migration into statements with positions; used by the apply stage to run
 * non-transactional statements one by one. Throws (exit code 2) on a syntax error.
 */
export function splitStatements(sql: string): { index: number; text: string; line: number; column: number; transactional: boolean; kind: string }[] {
  const parsed = parseMigration(sql);
  if (parsed.error) {
    const pos = parsed.source.positionOfIndex(parsed.error.index);
    throw new SchemacrewError(`syntax error at ${pos.line}:${pos.column}: ${parsed.error.message}`, ExitCode.BadInput);
  }
  return parsed.statements.map((s) => ({
    index: s.index,
    text: s.text,
    line: s.line,
    column: s.column,
    transactional: s.transactional,
    kind: s.kind,
  }));
}

function resolveConfig(config: CheckConfig | undefined): ResolvedConfig {
  return {
    wideTableColumns: config?.wideTableColumns ?? DEFAULT_WIDE_TABLE_COLUMNS,
    extensionAllowList: (config?.extensionAllowList ?? DEFAULT_EXTENSION_ALLOW_LIST).map((e) => e.toLowerCase()),
  };
}

function severityOf(rule: Rule, config: CheckConfig | undefined): Severity | 'off' {
  return config?.severity?.[rule.id] ?? rule.severity;
}

interface PassOutcome {
  data?: CatalogData;
  applyError?: { sqlstate: string; message: string; statement: number; index: number };
  /** Sum of the statements' own execution times. */
  execMs: number;
  /** Where the pass spent its time (ms): connect, snapshot, count, probe, after, rollback. */
  profile: Record<string, number>;
}

/** Schemas the migration names explicitly (so their objects are in the snapshot too). */
function namedSchemas(parsed: ParsedMigration): string[] {
  const out = new Set<string>();
  for (const st of parsed.statements) {
    walkObjects(st.node, (obj) => {
      if (typeof obj.relname === 'string' && typeof obj.schemaname === 'string') out.add(obj.schemaname);
    });
  }
  out.delete('pg_catalog');
  out.delete('information_schema');
  return [...out];
}

/**
 * Names the migration mentions (relations, and every identifier-like string, which covers DROP
 * lists and index names), plus the tables a `<x>_id` column implies (x, xs, xes, x->ies): the
 * catalog snapshots are limited to these and to what the migration creates.
 */
function referencedNames(parsed: ParsedMigration): Set<string> {
  const out = new Set<string>();
  const implied = (col: string) => {
    const m = /^(.+)_id$/.exec(col);
    if (m) for (const n of [m[1]!, `${m[1]}s`, `${m[1]}es`, m[1]!.replace(/y$/, 'ies')]) out.add(n);
  };
  for (const st of parsed.statements) {
    walkObjects(st.node, (obj) => {
      if (typeof obj.relname === 'string') out.add(obj.relname);
      if (typeof obj.idxname === 'string') out.add(obj.idxname);
      if (typeof obj.colname === 'string') implied(obj.colname);
      if (obj.String && typeof obj.String.sval === 'string' && obj.String.sval.length < 64) {
        out.add(obj.String.sval);
        implied(obj.String.sval);
      }
    });
  }
  return out;
}

function errorPosition(parsed: ParsedMigration, st: Statement, position: number | undefined): number {
  const startIdx = parsed.source.indexOfByte(st.start);
  if (!position || !st.runText) return startIdx;
  const run = new SourceText(st.runText);
  let idx = run.indexAfterChars(0, position - 1);
  if (st.runText !== st.text && !st.runCut) return startIdx; // rebuilt statement: no mapping
  if (st.runCut && idx >= st.runCut.at) idx += st.runCut.length;
  return startIdx + Math.min(idx, st.text.length);
}

/**
 * Statements that create no relation, constraint or trigger and take no lock or rewrite a rule
 * reports on: no per-statement probe (saves a round trip each; a trigger's side effects, if any,
 * show up in the next probe).
 */
const NO_PROBE = new Set([
  'CommentStmt', 'SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'VariableSetStmt', 'VariableShowStmt',
  'CreateFunctionStmt', 'CreateEnumStmt', 'AlterEnumStmt', 'VacuumStmt', 'NotifyStmt', 'CreateExtensionStmt', 'ExplainStmt',
]);

function quietEffect(index: number, ms: number): StatementEffect {
  return { index, ran: true, ms, locks: [], rewritten: [], createdRels: [], createdCons: [], createdTrigs: [] };
}

async function catalogPass(parsed: ParsedMigration, opts: CheckOptions, skip: Set<number>): Promise<PassOutcome> {
  const outcome: PassOutcome = { execMs: 0, profile: {} };
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    outcome.profile[name] = (outcome.profile[name] ?? 0) + now - mark;
    mark = now;
  };
  let client: pg.PoolClient;
  try {
    client = await poolFor(opts.connectionString!).connect();
    lap('connect');
  } catch (err) {
    throw new SchemacrewError(`checks: cannot connect to the target database: ${(err as Error).message}`, ExitCode.BadInput);
  }
  let reusable = true;
  try {
    // One round trip: the transaction and its limits.
    await client.query(
      `BEGIN; SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'; SET LOCAL statement_timeout = '${STATEMENT_TIMEOUT}'` +
        (opts.schema ? `; SET LOCAL search_path TO ${quoteIdent(opts.schema)}, public` : ''),
    );
    const schemas = opts.schema ? [...new Set([opts.schema, 'public', ...namedSchemas(parsed)])] : null;
    lap('begin');
    const names = referencedNames(parsed);
    const before = await takeSnapshot(client, schemas, opts.schema, [...names]);
    lap('snapshot');
    const { rows, counted } = await countRows(
      client,
      [...before.rels.values()].filter((r) => names.has(r.name)),
    );
    lap('count');
    const prober = new Prober(client, schemas, before);
    prober.assumeHeld(counted);
    const effects: (StatementEffect | undefined)[] = [];
    for (const st of parsed.statements) {
      if (st.runText === null || skip.has(st.index)) {
        effects.push(undefined);
        continue;
      }
      lap('other');
      const t0 = performance.now();
      try {
        await client.query(st.runText);
      } catch (err) {
        const e = err as { code?: string; message?: string; position?: string };
        outcome.applyError = {
          sqlstate: e.code ?? 'XX000',
          message: e.message ?? String(err),
          statement: st.index,
          index: errorPosition(parsed, st, e.position ? Number(e.position) : undefined),
        };
        break;
      }
      const ms = performance.now() - t0;
      outcome.execMs += ms;
      lap('exec');
      if (NO_PROBE.has(st.type)) effects.push(quietEffect(st.index, ms));
      else {
        effects.push(await prober.after(st.index, ms));
        lap('probe');
      }
    }
    if (!outcome.applyError) {
      // The same relations as before (a parent whose partition was dropped, say), plus everything new.
      const afterNames = new Set([...names, ...[...before.rels.values()].map((r) => r.name)]);
      const after = await takeSnapshot(client, schemas, opts.schema, [...afterNames], before);
      lap('after');
      outcome.data = { before, after, effects, rows };
    }
  } finally {
    // Always ROLLBACK: nothing of a checked migration survives the check. Then what a rollback does
    // not undo (session advisory locks, cursors, LISTEN, PREPAREd statements of the migration) is
    // dropped before the connection goes back to the pool — but not with DISCARD ALL, which would
    // also drop the client's own named statements behind its back. On any failure the connection
    // is thrown away instead.
    try {
      await client.query('ROLLBACK');
      await client.query('SELECT pg_advisory_unlock_all(); RESET ALL; CLOSE ALL; UNLISTEN *');
      const prepared = await client.query<{ name: string }>('SELECT name FROM pg_prepared_statements WHERE from_sql');
      for (const p of prepared.rows) await client.query(`DEALLOCATE ${quoteIdent(p.name)}`);
    } catch {
      reusable = false;
    }
    lap('rollback');
    client.release(!reusable);
  }
  return outcome;
}

/**
 * One small pool per target: a checked migration costs a connection and a cold catalog cache
 * otherwise (about half of the catalog pass). Idle connections close after a few seconds and never
 * keep the process alive.
 */
const pools = new Map<string, pg.Pool>();
function poolFor(connectionString: string): pg.Pool {
  let pool = pools.get(connectionString);
  if (!pool) {
    pool = new pg.Pool({ connectionString, application_name: 'schemacrew-check', max: 4, idleTimeoutMillis: 5_000, allowExitOnIdle: true });
    // A server-side error on an idle connection (a dropped database, say) must not crash the process.
    pool.on('error', () => undefined);
    pools.set(connectionString, pool);
  }
  return pool;
}

/** Closes the checks' connection pools (tests and long-lived callers that drop databases). */
export async function closeCheckPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.allSettled(all.map((p) => p.end()));
}

function toFinding(ctx: RuleContext, rule: Rule, severity: Severity, hit: RuleHit): Finding {
  const st = ctx.statements[hit.statement];
  let line = st?.line ?? 1;
  let column = st?.column ?? 1;
  if (typeof hit.location === 'number' && hit.location >= 0) {
    const pos = ctx.source.positionOfByte(hit.location);
    line = pos.line;
    column = pos.column;
  }
  const f: Finding = { rule: rule.id, severity, category: rule.category, statement: hit.statement, line, column, message: hit.message };
  if (hit.hint) f.hint = hit.hint;
  if (hit.objects?.length) f.objects = hit.objects;
  return f;
}

export async function checkMigration(sql: string, opts: CheckOptions = {}): Promise<CheckResult> {
  return (await runCheck(sql, opts)).result;
}

/** checkMigration plus the statements' own execution time in the catalog pass (for the bench). */
export async function runCheck(
  sql: string,
  opts: CheckOptions = {},
): Promise<{ result: CheckResult; execMs: number; profile: Record<string, number> }> {
  let execMs = 0;
  let profile: Record<string, number> = {};
  const t0 = performance.now();
  const parsed = parseMigration(sql);
  const parseMs = performance.now() - t0;
  const rules = await loadRules();
  const config = resolveConfig(opts.config);
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  const result: CheckResult = {
    findings,
    suppressed,
    statements: parsed.statements.map((s) => ({
      index: s.index,
      line: s.line,
      column: s.column,
      kind: s.kind,
      text: s.text,
      transactional: s.transactional,
    })),
    timings: { parseMs, staticMs: 0, catalogMs: 0 },
  };
  const applyErrorRule = rules.find((r) => r.id === 'apply-error');
  const applyErrorSeverity = applyErrorRule ? severityOf(applyErrorRule, opts.config) : 'blocking';

  if (parsed.error) {
    const pos = parsed.source.positionOfIndex(parsed.error.index);
    result.applyError = { sqlstate: '42601', message: parsed.error.message, statement: parsed.error.statement, ...pos };
    if (applyErrorSeverity !== 'off') {
      findings.push({
        rule: 'apply-error',
        severity: applyErrorSeverity,
        category: 'gate',
        statement: parsed.error.statement,
        ...pos,
        message: `syntax error (SQLSTATE 42601): ${parsed.error.message}`,
        hint: 'Fix the SQL so Postgres can parse it.',
      });
    }
    return { result, execMs, profile };
  }

  const emit = (ctx: RuleContext, rule: Rule, severity: Severity, hits: RuleHit[]) => {
    const seen = new Set<string>();
    for (const hit of hits) {
      const f = toFinding(ctx, rule, severity, hit);
      const key = `${f.statement}:${f.line}:${f.column}:${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const st = parsed.statements[hit.statement];
      if (st && (st.ignored.has(rule.id) || st.ignored.has('all'))) suppressed.push(f);
      else findings.push(f);
    }
  };

  // Static rules first: what they flag as unsafe is not executed by the catalog pass.
  const t1 = performance.now();
  const staticCtx = buildContext(parsed, config, opts.schema, undefined);
  const skip = new Set<number>();
  const active = rules.filter((r) => r.check && severityOf(r, opts.config) !== 'off');
  for (const rule of active.filter((r) => r.needs === 'static' || r.blocksExecution)) {
    const hits = rule.check!(staticCtx);
    if (rule.blocksExecution) for (const h of hits) skip.add(h.statement);
    if (rule.needs === 'static') emit(staticCtx, rule, severityOf(rule, opts.config) as Severity, hits);
  }
  let staticMs = performance.now() - t1;

  let catalogMs = 0;
  let ctx = staticCtx;
  // Nothing to execute (no statements, or only ones the pass does not run): no catalog pass.
  const runnable = parsed.statements.some((st) => st.runText !== null && !skip.has(st.index));
  if (opts.connectionString && !opts.staticOnly && runnable) {
    const t2 = performance.now();
    const outcome = await catalogPass(parsed, opts, skip);
    catalogMs = performance.now() - t2;
    execMs = outcome.execMs;
    profile = outcome.profile;
    if (outcome.applyError) {
      const a = outcome.applyError;
      const pos = parsed.source.positionOfIndex(a.index);
      result.applyError = { sqlstate: a.sqlstate, message: a.message, statement: a.statement, ...pos };
      if (applyErrorSeverity !== 'off') {
        const f: Finding = {
          rule: 'apply-error',
          severity: applyErrorSeverity,
          category: 'gate',
          statement: a.statement,
          ...pos,
          message: `statement ${a.statement} fails (SQLSTATE ${a.sqlstate}): ${a.message}`,
          hint: 'Postgres rejects this statement against the current schema; the statements after it were not run.',
        };
        const st = parsed.statements[a.statement];
        if (st && (st.ignored.has('apply-error') || st.ignored.has('all'))) suppressed.push(f);
        else findings.push(f);
      }
    } else if (outcome.data) {
      ctx = buildContext(parsed, config, opts.schema, catalogView(outcome.data));
    }
  }

  const t3 = performance.now();
  for (const rule of active.filter((r) => r.needs === 'catalog')) {
    emit(ctx, rule, severityOf(rule, opts.config) as Severity, rule.check!(ctx));
  }
  staticMs += ctx.catalog ? 0 : performance.now() - t3;
  if (ctx.catalog) catalogMs += performance.now() - t3;

  const order = (a: Finding, b: Finding) => a.statement - b.statement || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule);
  findings.sort(order);
  suppressed.sort(order);
  result.timings = { parseMs, staticMs, catalogMs };
  if (ctx.catalog) profile.rules = performance.now() - t3;
  return { result, execMs, profile };
}

export { loadRules } from './registry.js';
