// The whole TaskPilot roadmap with the scripted provider (no model), end to end on real Postgres.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadScenario, scenarioDir } from '../../src/scenario/scenario.js';
import type { RunOutcome } from '../../src/pipeline/run.js';
import { runPipeline } from '../helpers/run.js';
import { ScriptedProvider } from '../../src/llm/providers/scripted.js';
import { dropDatabase } from '../../src/db/sandbox.js';
import { EventLog } from '../../src/report/events.js';
import { HAZARD_RULES } from '../../src/checks/categories.js';
import { testServer } from '../helpers/scenario.js';
import type { Scenario } from '../../src/scenario/types.js';

const server = testServer();
let scenario: Scenario;
let runsDir: string;
let outcome: RunOutcome;
const database = `e2e_${randomBytes(4).toString('hex')}`;
let admin: pg.Client;

beforeAll(async () => {
  scenario = await loadScenario(scenarioDir('taskpilot'));
  runsDir = await mkdtemp(path.join(tmpdir(), 'schemacrew-runs-'));
  outcome = await runPipeline({ scenario, database, runsDir, runId: 'scripted-e2e', provider: new ScriptedProvider(scenario.roadmap) });
  admin = new pg.Client({ connectionString: server.urlFor(database) });
  await admin.connect();
}, 240_000);

afterAll(async () => {
  await admin?.end();
  await dropDatabase(server, database);
  await rm(runsDir, { recursive: true, force: true });
});

describe('scripted run of the TaskPilot roadmap', () => {
  it('visits every roadmap entry once, in order, and exits 0', () => {
    expect(outcome.record.entries.map((e) => e.entryId)).toEqual(scenario.roadmap.map((e) => e.id));
    expect(outcome.exitCode).toBe(0);
    expect(outcome.record.meta.outcome).toBe('completed');
  });

  it('fails exactly the entries whose reference SQL cannot apply, with Postgres\'s own error', () => {
    const failed = outcome.record.entries.filter((e) => e.status === 'failed');
    // Day 17 inserts a placeholder user id and an enum value that does not exist yet; Day 54 drops a
    // partition that was never created; Day 40 re-adds batch_id, which Day 38-39 could add NOT NULL
    // because nothing had written to the log table yet.
    expect(failed.map((e) => e.entryId).sort()).toEqual(['day-17', 'day-40', 'day-54']);
    expect(failed.find((e) => e.entryId === 'day-17')!.reason).toMatch(/22P02/);
    expect(failed.find((e) => e.entryId === 'day-40')!.reason).toMatch(/batch_id.*already exists/);
    expect(failed.find((e) => e.entryId === 'day-54')!.reason).toMatch(/activity_log_y2024m01.*does not exist/);
  });

  it('has ledger rows that match the summary', async () => {
    const { rows } = await admin.query(`select status, count(*)::int as n from schemacrew.ledger group by status`);
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    const t = outcome.record.totals;
    expect(byStatus.applied ?? 0).toBe(t.applied);
    expect(byStatus.failed ?? 0).toBe(t.failed);
    expect(byStatus.rejected ?? 0).toBe(t.rejected);
    expect(t.applied + t.failed + t.rejected).toBe(scenario.roadmap.length);
    const applied = await admin.query(`select entry_id, up_sql from schemacrew.ledger where status = 'applied' order by entry_index`);
    for (const r of applied.rows) {
      expect(r.up_sql).toBe(scenario.roadmap.find((e) => e.id === r.entry_id)!.referenceSql);
    }
  });

  it('leaves nothing of a failed entry in the database', async () => {
    // Day 17 only inserts a row; Day 54 only drops; so check the failed entries left no ledger SQL and the enum is unchanged until Day 18-19.
    const { rows } = await admin.query(`select up_sql from schemacrew.ledger where entry_id in ('day-17','day-40','day-54')`);
    expect(rows.every((r) => r.up_sql === null)).toBe(true);
    const n = await admin.query(`select count(*)::int as n from taskpilot.notifications where title = 'SLA Breached!'`);
    expect(n.rows[0].n).toBe(0);
  });

  it('records the planted defects that landed as ground truth, and the fixes', async () => {
    const expected = JSON.parse(await readFile(path.join(outcome.dir, 'expected-findings.json'), 'utf8'));
    const all = [...expected.live, ...expected.fixed];
    const find = (rule: string, object: string) => all.find((d: { rule: string; objects: string[] }) => d.rule === rule && d.objects.some((o) => o.includes(object)));
    // Day 2: time_entries.issue_id without an index (H003), fixed by Alex on Day 4.
    const day2 = find('fk-missing-index', 'time_entries.issue_id');
    expect(day2).toMatchObject({ entryId: 'day-02', postgresAiReport: 'H003', planned: true, fixedByEntryId: 'day-04' });
    // Day 3: TEXT for a boolean, dropped and re-added as BOOLEAN on Day 4.
    expect(find('boolean-as-text', 'is_billable')).toMatchObject({ entryId: 'day-03', fixedByEntryId: 'day-04' });
    // Day 47's PR table keeps its unindexed issue_id to the end: a live H003 for monitoring tools.
    expect(expected.live.find((d: { rule: string; objects: string[] }) => d.rule === 'fk-missing-index' && d.objects.includes('taskpilot.github_pull_requests.issue_id'))).toMatchObject({ entryId: 'day-47', planned: true });
    // Day 29-30: the redundant index of template versions is still there at the end (H004).
    const redundant = expected.live.filter((d: { rule: string; entryId: string }) => d.rule === 'redundant-index' && d.entryId === 'day-29-30');
    expect(redundant.length).toBeGreaterThan(0);
    expect(redundant[0].postgresAiReport).toBe('H004');
    // Day 52-53: the partitioned request log has no DEFAULT partition until Day 55 adds one.
    expect(find('partition-missing-default', 'api_request_log_partitioned')).toMatchObject({ entryId: 'day-52-53', fixedByEntryId: 'day-55' });
    // Day 13's never-populated search vector is fixed by the trigger of Day 14-15.
    expect(find('column-never-populated', 'comments')).toMatchObject({ entryId: 'day-13', fixedByEntryId: 'day-14-15' });
  });

  it('flags every planted defect of the plan, and nothing the plan did not mean on its GOOD entries', () => {
    // Lock and rewrite hazards are the checks' own business: the plan does not list them.
    const hazards = new Set(HAZARD_RULES);
    expect(hazards).toContain('index-not-concurrent');
    for (const entry of scenario.roadmap) {
      const record = outcome.record.entries.find((e) => e.entryId === entry.id)!;
      const found = new Set(record.rounds.flatMap((r) => r.findings.map((f) => f.rule)));
      for (const defect of entry.plantedDefects) expect(found, `${entry.id} should flag ${defect}`).toContain(defect);
      if (entry.verdict === 'good') {
        // Advisory only: Day 40's apply-error (blocking) is the known knock-on of Day 38-39.
        const advisory = new Set(record.rounds.flatMap((r) => r.findings.filter((f) => f.severity === 'advisory').map((f) => f.rule)));
        const allowed = new Set(entry.incidentalDefects ?? []);
        const unexpected = [...advisory].filter((r) => !hazards.has(r) && !allowed.has(r));
        expect(unexpected, `${entry.id} (GOOD) got ${unexpected.join(', ')}`).toEqual([]);
      }
    }
  });

  it('writes the full run directory', async () => {
    const files = await readdir(outcome.dir);
    for (const f of ['events.jsonl', 'report.md', 'report.html', 'report.json', 'expected-findings.json', 'migrations']) {
      expect(files).toContain(f);
    }
    const migrations = await readdir(path.join(outcome.dir, 'migrations'));
    const applied = outcome.record.entries.filter((e) => e.status === 'applied').length;
    expect(migrations.filter((f) => f.endsWith('.up.sql'))).toHaveLength(applied);
    expect(migrations.filter((f) => f.endsWith('.py'))).toHaveLength(applied);
    const events = EventLog.read(path.join(outcome.dir, 'events.jsonl'));
    expect(events[0]!.type).toBe('run_started');
    expect(events.at(-1)!.type).toBe('run_finished');
    expect(events.filter((e) => e.type === 'entry_finished')).toHaveLength(scenario.roadmap.length);
  });
});
