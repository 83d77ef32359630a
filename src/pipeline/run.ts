// Drives roadmap entries through the stages, one at a time, in roadmap order:
// plan -> write -> check -> review -> gate -> (revise…) -> apply, with the ledger as source of truth.
import path from 'node:path';
import pg from 'pg';
import type { Scenario, RoadmapEntry, Persona } from '../scenario/types.js';
import type { DatabaseServer } from '../db/server.js';
import {
  prepareScenarioDatabase,
  openScenarioDatabase,
  createDatabase,
  databaseExists,
  hasLedger,
  withClient,
  type ScenarioDatabase,
} from '../db/sandbox.js';
import { readLedger, recordRunStart, recordRunEnd, readDefects, type LedgerRow } from '../db/ledger.js';
import { applyMigration, recordUnapplied } from '../db/apply.js';
import { schemaSummary } from '../db/catalog-summary.js';
import { syncDefects } from '../db/defects.js';
import { checkMigration, type Finding, type CheckOptions } from '../checks/engine.js';
import { decide, type GatePolicy, type GateDecision } from '../gate/policy.js';
import { DEFAULT_WIDE_TABLE_COLUMNS } from '../checks/types.js';
import { planEntry } from '../plan/planner.js';
import { ensureParser } from '../plan/shape.js';
import type { MistakeCatalog } from '../plan/mistakes.js';
import type { PromptLibrary } from '../agents/prompts.js';
import { openConversation, askForMigration, addFeedback, type ModelSettings } from '../agents/writer.js';
import { reviewMigration } from '../agents/reviewer.js';
import type { ReviewAnswer, MigrationAnswer } from '../agents/schemas.js';
import type { LlmResult } from '../llm/types.js';
import { SchemaError, LlmProviderError, LlmTimeoutError, CassetteMismatchError, findInCauseChain } from '../llm/errors.js';
import { EventLog } from '../report/events.js';
import { writeRunReports, summarisePersonas, totals } from '../report/write-run.js';
import type { EntryRecord, RoundRecord, RunMeta, RunRecord } from '../report/types.js';
import { SchemacrewError, ExitCode } from '../errors.js';

export interface EntryFilter {
  /** First and last day (inclusive) of the slice of the roadmap to run. */
  fromDay?: number;
  toDay?: number;
  /** Only these persona ids. */
  personas?: string[];
  /** At most this many entries this run (nightly mode). */
  limit?: number;
}

export type Phase = 'plan' | 'write' | 'check' | 'review' | 'revise' | 'apply';

/** Hooks for a progress view; all optional. */
export interface RunObserver {
  onStart?(info: { total: number; alreadyDone: number; database: string }): void;
  onPhase?(info: { position: number; total: number; entry: RoadmapEntry; persona: Persona; phase: Phase; round: number; tokens: number; costUsd: number }): void;
  onEntry?(record: EntryRecord, position: number, total: number): void;
  log?(line: string): void;
}

export interface RunOptions {
  scenario: Scenario;
  server: DatabaseServer;
  /** Database name on the server. */
  database: string;
  /** 'fresh' needs a database without a ledger (creates it when missing); 'continue' picks up where the ledger ends. */
  mode: 'fresh' | 'continue';
  scale?: number;
  seed: number;
  runId: string;
  /** runs/<run-id>/ goes under this folder. */
  runsDir: string;
  writer: ModelSettings;
  reviewer: ModelSettings;
  prompts: PromptLibrary;
  mistakes: MistakeCatalog;
  gate: GatePolicy;
  checkConfig?: CheckOptions['config'];
  filter?: EntryFilter;
  dryRun?: boolean;
  /** Stop cleanly (resumable) once the run's cost crosses this many USD. */
  maxCostUsd?: number;
  /** Exit 1 when the share of failed + rejected entries of this run is above this. */
  failThreshold?: number;
  signal?: AbortSignal;
  packageVersion: string;
  observer?: RunObserver;
  /** Called when the scenario database is ready (tests use it to inspect or interfere). */
  onDatabaseReady?(db: ScenarioDatabase): void;
}

export interface RunOutcome {
  record: RunRecord;
  dir: string;
  files: string[];
  exitCode: ExitCode;
}

class StopRun extends Error {}

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}

function selectEntries(roadmap: RoadmapEntry[], done: Set<string>, filter: EntryFilter = {}): RoadmapEntry[] {
  const chosen = roadmap.filter(
    (e) =>
      !done.has(e.id) &&
      (filter.fromDay === undefined || e.dayEnd >= filter.fromDay) &&
      (filter.toDay === undefined || e.dayStart <= filter.toDay) &&
      (!filter.personas || filter.personas.includes(e.personaId)),
  );
  return filter.limit !== undefined ? chosen.slice(0, filter.limit) : chosen;
}

async function openTarget(opts: RunOptions): Promise<ScenarioDatabase> {
  const { server, database, scenario } = opts;
  const log = opts.observer?.log ?? (() => {});
  const exists = await databaseExists(server, database);
  if (!exists) {
    if (!server.embedded && opts.mode === 'continue') {
      throw new SchemacrewError(`database "${database}" does not exist on ${redactUrl(server.adminUrl)}`, ExitCode.BadInput);
    }
    await createDatabase(server, database);
  }
  const ledger = await hasLedger(server.urlFor(database));
  // A prepared database with an empty ledger (e.g. a clone of a template) counts as fresh.
  if (ledger && opts.mode === 'fresh' && (await ledgerRows(server.urlFor(database))) > 0) {
    throw new SchemacrewError(
      `database "${database}" already holds a schemacrew ledger: use --continue to carry on, or point at an empty database`,
      ExitCode.BadInput,
    );
  }
  if (ledger) return openScenarioDatabase(server, database, scenario);
  log(`preparing ${scenario.name} in database "${database}" (base schema and seed data)`);
  return prepareScenarioDatabase(server, database, scenario, { scale: opts.scale ?? scenario.seed.scale, log });
}

async function ledgerRows(url: string): Promise<number> {
  return withClient(url, async (c) => Number((await c.query('select count(*) as n from schemacrew.ledger')).rows[0].n));
}

export async function runRoadmap(opts: RunOptions): Promise<RunOutcome> {
  await ensureParser();
  const { scenario } = opts;
  const db = await openTarget(opts);
  opts.onDatabaseReady?.(db);
  const admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  const dir = path.join(opts.runsDir, opts.runId);
  const events = new EventLog(path.join(dir, 'events.jsonl'));
  try {
    const ledger = await readLedger(admin);
    const stuck = ledger.find((r) => r.status === 'applying' || r.status === 'partial');
    if (stuck) {
      throw new SchemacrewError(
        `entry ${stuck.entryId} was applied statement by statement and did not finish (ledger status '${stuck.status}'); ` +
          `inspect the database, then delete that ledger row (schemacrew.ledger) to retry it`,
        ExitCode.Failed,
      );
    }
    // A crash between a commit and the defect bookkeeping is repaired here.
    if (!opts.dryRun) await reconcileDefects(admin, db, ledger, opts);
    const done = new Set(ledger.map((r) => r.entryId));
    const todo = selectEntries(scenario.roadmap, done, opts.filter);
    const serverVersion = Number((await admin.query(`select current_setting('server_version_num') as v`)).rows[0].v);
    const meta: RunMeta = {
      runId: opts.runId,
      scenario: scenario.id,
      seed: opts.seed,
      startedAt: new Date().toISOString(),
      packageVersion: opts.packageVersion,
      providers: {
        persona: { provider: opts.writer.provider.name, model: opts.writer.model, ...(opts.writer.temperature !== undefined ? { temperature: opts.writer.temperature } : {}) },
        reviewer: { provider: opts.reviewer.provider.name, model: opts.reviewer.model, ...(opts.reviewer.temperature !== undefined ? { temperature: opts.reviewer.temperature } : {}) },
      },
      promptHashes: Object.fromEntries(
        ['persona-system', 'task', 'revision', 'reviewer-system', 'review-request'].map((n) => [n, opts.prompts.hash(n)]),
      ),
      dryRun: Boolean(opts.dryRun),
      database: redactUrl(db.adminUrl),
      outcome: 'completed',
    };
    if (!opts.dryRun) await recordRunStart(admin, meta);
    events.emit('run_started', { meta, entries: todo.map((e) => e.id), alreadyDone: done.size });
    opts.observer?.onStart?.({ total: todo.length, alreadyDone: done.size, database: meta.database });

    const ctx: EntryContext = {
      opts,
      db,
      admin,
      events,
      postgresMajor: Math.floor(serverVersion / 10000),
      history: ledger.map((r) => r.record),
      runCost: 0,
    };
    const records: EntryRecord[] = [];
    for (const [i, entry] of todo.entries()) {
      if (opts.signal?.aborted) {
        meta.outcome = 'stopped';
        meta.stopReason = 'signal';
        break;
      }
      let record: EntryRecord;
      try {
        record = await processEntry(ctx, entry, i + 1, todo.length);
      } catch (err) {
        if (err instanceof StopRun) {
          meta.outcome = 'stopped';
          meta.stopReason = err.message;
          events.emit('error', { entryId: entry.id, message: `entry abandoned, not recorded: ${err.message}` });
          break;
        }
        throw err;
      }
      records.push(record);
      ctx.history.push(record);
      opts.observer?.onEntry?.(record, i + 1, todo.length);
      if (record.status === 'failed' && record.reason.startsWith('partial apply')) {
        meta.outcome = 'stopped';
        meta.stopReason = record.reason;
        break;
      }
      if (opts.maxCostUsd !== undefined && ctx.runCost >= opts.maxCostUsd) {
        meta.outcome = 'stopped';
        meta.stopReason = `budget: spent $${ctx.runCost.toFixed(4)} of $${opts.maxCostUsd}`;
        break;
      }
    }
    meta.finishedAt = new Date().toISOString();
    if (!opts.dryRun) await recordRunEnd(admin, meta);
    const defects = await readDefects(admin);
    const personaList = [...scenario.cast.values()].map((p) => ({ id: p.id, name: p.name, errorRate: p.errorRate }));
    const record: RunRecord = {
      meta,
      entries: records,
      personas: summarisePersonas(records, personaList),
      defects,
      totals: totals(records),
    };
    events.emit('run_finished', { outcome: meta.outcome, stopReason: meta.stopReason, totals: record.totals });
    const files = await writeRunReports(dir, record, { previousEntries: ledger.map((r) => r.record) });
    const bad = records.filter((r) => r.status === 'failed' || r.status === 'rejected').length;
    const threshold = opts.failThreshold ?? 0.25;
    const exitCode =
      meta.outcome === 'stopped'
        ? meta.stopReason?.startsWith('partial apply')
          ? ExitCode.Failed
          : ExitCode.Stopped
        : records.length > 0 && bad / records.length > threshold
          ? ExitCode.Failed
          : ExitCode.Ok;
    return { record, dir, files, exitCode };
  } finally {
    events.close();
    await admin.end().catch(() => undefined);
  }
}

interface EntryContext {
  opts: RunOptions;
  db: ScenarioDatabase;
  admin: pg.Client;
  events: EventLog;
  postgresMajor: number;
  /** Every entry recorded in this database so far (previous runs included), in order. */
  history: EntryRecord[];
  runCost: number;
}

/**
 * Brings the ground-truth table in line with the catalog before work starts: on a new database this
 * records the base schema's own defects; after a crash between a commit and the bookkeeping, it
 * attributes what appeared to the last applied entry. A no-op when nothing changed.
 */
async function reconcileDefects(admin: pg.Client, db: ScenarioDatabase, ledger: LedgerRow[], opts: RunOptions): Promise<void> {
  const applied = ledger.filter((r) => r.status === 'applied');
  const last = applied[applied.length - 1];
  const audit = { wideTableColumns: opts.checkConfig?.wideTableColumns ?? DEFAULT_WIDE_TABLE_COLUMNS };
  await syncDefects(admin, db.schema, last ? last.record : { entryId: 'base', personaId: 'base' }, new Date().toISOString(), audit);
}

function addUsage(record: EntryRecord, ctx: EntryContext, result: LlmResult<unknown>): void {
  record.tokens.input += result.usage.inputTokens;
  record.tokens.output += result.usage.outputTokens;
  record.tokens.cachedInput += result.usage.cachedInputTokens;
  record.costUsd += result.costUsd;
  ctx.runCost += result.costUsd;
}

/**
 * One model call with the run's error policy: usage and cost always counted; an answer that failed
 * the schema twice is logged with its raw text and returns undefined (that round failed); a provider
 * that stays down after its retries stops the run (resumable: the entry is not recorded).
 */
async function callModel<T>(ctx: EntryContext, record: EntryRecord, call: () => Promise<LlmResult<T>>): Promise<LlmResult<T> | undefined> {
  try {
    const result = await call();
    addUsage(record, ctx, result);
    return result;
  } catch (err) {
    const schema = findInCauseChain(err, SchemaError);
    if (schema) {
      addUsage(record, ctx, { usage: schema.usage, costUsd: schema.costUsd } as LlmResult<unknown>);
      ctx.events.emit('error', { entryId: record.entryId, kind: 'schema', message: schema.message, rawAnswers: schema.rawAnswers });
      return undefined;
    }
    const down = findInCauseChain(err, LlmProviderError) ?? findInCauseChain(err, LlmTimeoutError);
    if (down && !findInCauseChain(err, CassetteMismatchError)) throw new StopRun(`provider error: ${down.message}`);
    throw err;
  }
}

function checkStop(ctx: EntryContext): void {
  if (ctx.opts.signal?.aborted) throw new StopRun('signal');
  const max = ctx.opts.maxCostUsd;
  if (max !== undefined && ctx.runCost > max) throw new StopRun(`budget: spent $${ctx.runCost.toFixed(4)} of $${max}`);
}

/** Advisory rule ids found in the SQL (the realised defects). */
function realised(findings: Finding[]): string[] {
  return [...new Set(findings.filter((f) => f.severity === 'advisory').map((f) => f.rule))].sort();
}

async function processEntry(ctx: EntryContext, entry: RoadmapEntry, position: number, total: number): Promise<EntryRecord> {
  const { opts, events } = ctx;
  const persona = opts.scenario.cast.get(entry.personaId);
  if (!persona) throw new SchemacrewError(`${entry.file}:${entry.line}: persona "${entry.personaId}" is not in the cast`, ExitCode.BadInput);
  const reviewer = opts.scenario.reviewer;
  const started = Date.now();
  const phase = (p: Phase, round: number) =>
    opts.observer?.onPhase?.({
      position,
      total,
      entry,
      persona,
      phase: p,
      round,
      tokens: record.tokens.input + record.tokens.output,
      costUsd: ctx.runCost,
    });

  const plan = planEntry(opts.seed, entry, persona, opts.mistakes);
  const record: EntryRecord = {
    entryId: entry.id,
    index: entry.index,
    dayStart: entry.dayStart,
    dayEnd: entry.dayEnd,
    week: entry.week,
    personaId: persona.id,
    personaName: persona.name,
    title: entry.title,
    verdictTag: entry.verdict,
    plan,
    rounds: [],
    status: 'planned',
    reason: '',
    realisedDefects: [],
    reviewerCaught: [],
    tokens: { input: 0, output: 0, cachedInput: 0 },
    costUsd: 0,
    startedAt: new Date(started).toISOString(),
    finishedAt: '',
    durationMs: 0,
  };
  events.emit('entry_started', { entryId: entry.id, persona: persona.id, title: entry.title, position, total });
  phase('plan', 0);
  events.emit('plan', { entryId: entry.id, ...plan });

  const directiveRule = plan.defects.find((d) => opts.mistakes.has(d));
  const mistake = directiveRule ? { rule: directiveRule, directive: opts.mistakes.get(directiveRule)!.directive } : null;
  const summaryBefore = await schemaSummary(ctx.admin, ctx.db.schema);
  const recentWork = ctx.history
    .filter((r) => r.personaId === persona.id)
    .slice(-3)
    .map((r) => ({ day: r.dayStart === r.dayEnd ? `${r.dayStart}` : `${r.dayStart}-${r.dayEnd}`, title: r.title, status: r.status }));
  const conv = openConversation(opts.prompts, opts.scenario, persona, entry, {
    schemaSummary: summaryBefore,
    recentWork,
    mistake,
    postgresMajor: ctx.postgresMajor,
  });

  let final: { migration: MigrationAnswer; findings: Finding[] } | undefined;
  let decision: GateDecision = { action: 'reject', reason: 'no rounds ran' };
  for (let round = 0; round <= opts.gate.maxRevisions; round++) {
    checkStop(ctx);
    phase(round === 0 ? 'write' : 'revise', round);
    events.emit('prompt', { entryId: entry.id, round, kind: round === 0 ? 'write' : 'revise', system: conv.system, messages: conv.messages });
    const answer = await callModel(ctx, record, () => askForMigration(conv, opts.writer, round));
    if (!answer) {
      // Two answers in a row failed the schema: this round produced nothing to check.
      decision = round < opts.gate.maxRevisions
        ? { action: 'revise', reason: 'the answer did not match the migration schema twice' }
        : { action: 'fail', reason: 'the persona\'s answers did not match the migration schema' };
      events.emit('gate', { entryId: entry.id, round, ...decision });
      if (decision.action !== 'revise') break;
      conv.messages.push({ role: 'user', content: 'Your last answer was not a JSON object with title, rationale, up_sql, down_sql and notes. Answer again with only that object.' });
      continue;
    }
    events.emit('answer', {
      entryId: entry.id,
      round,
      raw: answer.raw,
      attempts: answer.attempts,
      usage: answer.usage,
      costUsd: answer.costUsd,
      latencyMs: answer.latencyMs,
      model: answer.model,
      provider: answer.provider,
      requestId: answer.requestId,
    });
    const migration = answer.value;

    phase('check', round);
    const check = await checkMigration(migration.up_sql, {
      connectionString: ctx.db.sandboxUrl,
      schema: ctx.db.schema,
      ...(opts.checkConfig ? { config: opts.checkConfig } : {}),
    });
    for (const f of check.findings) events.emit('finding', { entryId: entry.id, round, ...f });

    let review: ReviewAnswer | undefined;
    if (!check.findings.some((f) => f.severity === 'blocking')) {
      checkStop(ctx);
      phase('review', round);
      const reviewed = await callModel(ctx, record, () => reviewMigration(opts.prompts, opts.reviewer, {
        scenario: opts.scenario,
        reviewer,
        author: persona,
        entry,
        migration,
        findings: check.findings,
        schemaSummary: summaryBefore,
        round,
      }));
      if (!reviewed) {
        decision = { action: 'fail', reason: 'the reviewer\'s answers did not match the review schema' };
        events.emit('gate', { entryId: entry.id, round, ...decision });
        final = { migration, findings: check.findings };
        break;
      }
      review = reviewed.value;
      events.emit('review', { entryId: entry.id, round, ...review, usage: reviewed.usage, costUsd: reviewed.costUsd });
    }

    decision = decide({ round, findings: check.findings, ...(review ? { review } : {}) }, opts.gate);
    events.emit('gate', { entryId: entry.id, round, ...decision });
    const roundRecord: RoundRecord = {
      round,
      title: migration.title,
      rationale: migration.rationale,
      upSql: migration.up_sql,
      downSql: migration.down_sql,
      notes: migration.notes,
      findings: check.findings,
      ...(review ? { review: { round, ...review } } : {}),
      gate: decision.action === 'fail' ? 'reject' : decision.action,
      gateReason: decision.reason,
    };
    record.rounds.push(roundRecord);
    final = { migration, findings: check.findings };
    if (decision.action !== 'revise') break;
    addFeedback(conv, opts.prompts, { round: round + 1, findings: check.findings, review: review ?? null, reviewerName: reviewer.name });
  }

  // Caught = the reviewer raised it: a comment in a review that sent the change back, or a blocker/major one.
  const mentioned = new Set(
    record.rounds.flatMap(
      (r) =>
        r.review?.comments
          .filter((c) => r.review!.verdict !== 'approve' || c.severity === 'blocker' || c.severity === 'major')
          .map((c) => c.rule)
          .filter((x): x is string => Boolean(x)) ?? [],
    ),
  );
  record.reviewerCaught = plan.defects.filter((d) => mentioned.has(d));
  record.realisedDefects = final ? realised(final.findings) : [];
  record.hazards = final ? realised(final.findings.filter((f) => f.category === 'hazard')) : [];

  await settleEntry(ctx, entry, record, decision, final, () => phase('apply', record.rounds.length - 1));
  events.emit('entry_finished', {
    entryId: entry.id,
    status: record.status,
    reason: record.reason,
    planned: plan.defects,
    realised: record.realisedDefects,
    reviewerCaught: record.reviewerCaught,
    tokens: record.tokens,
    costUsd: record.costUsd,
    durationMs: record.durationMs,
  });
  return record;
}

/**
 * The end of an entry: apply an accepted change (and bring the ground truth up to date), or record
 * why it was not applied. Dry runs record nothing.
 */
async function settleEntry(
  ctx: EntryContext,
  entry: RoadmapEntry,
  record: EntryRecord,
  decision: GateDecision,
  final: { migration: MigrationAnswer; findings: Finding[] } | undefined,
  onApply: () => void,
): Promise<void> {
  const { opts, events } = ctx;
  const started = Date.parse(record.startedAt);
  const finish = (status: EntryRecord['status'], reason: string) => {
    record.status = status;
    record.reason = reason;
    record.finishedAt = new Date().toISOString();
    record.durationMs = Date.now() - started;
  };

  if (decision.action === 'apply' && final) {
    checkStop(ctx);
    if (opts.dryRun) {
      finish('planned', `dry run: would apply (${decision.reason})`);
    } else {
      onApply();
      record.appliedSql = { up: final.migration.up_sql, down: final.migration.down_sql };
      finish('applied', decision.reason);
      const outcome = await applyMigration(ctx.db, opts.runId, record);
      events.emit('apply', { entryId: entry.id, ...outcome });
      if (outcome.status === 'applied') {
        record.durationMs = Date.now() - started;
        const sync = await syncDefects(ctx.admin, ctx.db.schema, record, record.finishedAt, {
          wideTableColumns: opts.checkConfig?.wideTableColumns ?? DEFAULT_WIDE_TABLE_COLUMNS,
        });
        events.emit('ground_truth', { entryId: entry.id, landed: sync.landed.map((d) => d.id), fixed: sync.fixed });
      } else if (outcome.status === 'failed') {
        delete record.appliedSql;
        finish('failed', `${outcome.error.sqlstate}: ${outcome.error.message}`);
        record.realisedDefects = [];
        record.hazards = [];
        await recordUnapplied(ctx.db, opts.runId, record, 'failed');
      } else {
        finish('failed', `partial apply: ${outcome.executed} statement(s) ran before ${outcome.error.sqlstate}: ${outcome.error.message}`);
      }
    }
  } else {
    const status = decision.action === 'fail' ? 'failed' : 'rejected';
    finish(status, decision.reason);
    record.realisedDefects = [];
    record.hazards = [];
    if (!opts.dryRun) await recordUnapplied(ctx.db, opts.runId, record, status);
  }
}
