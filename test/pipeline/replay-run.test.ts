// The whole TaskPilot roadmap through the real OpenAI SDK, replayed from the recorded cassette
// (fixtures/cassettes/taskpilot-openai, recorded by scripts/record-roadmap-cassette.ts against the
// fake provider server). No network, no key.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadScenario, scenarioDir } from '../../src/scenario/scenario.js';
import type { RunOutcome } from '../../src/pipeline/run.js';
import { runPipeline } from '../helpers/run.js';
import { dropDatabase, withClient } from '../../src/db/sandbox.js';
import { buildModels } from '../../src/pipeline/models.js';
import { testServer } from '../helpers/scenario.js';
import type { Scenario } from '../../src/scenario/types.js';

const server = testServer();
let scenario: Scenario;
let runsDir: string;
const databases: string[] = [];

async function replayRun(runId: string): Promise<{ outcome: RunOutcome; ledger: unknown[]; database: string }> {
  const database = `replay_${randomBytes(4).toString('hex')}`;
  databases.push(database);
  // No key in the environment: replaying needs none.
  const models = await buildModels({
    config: {},
    flags: { provider: 'openai', model: 'gpt-4o-mini', seed: 42, replay: 'taskpilot-openai' },
    env: {},
    scenario,
  });
  try {
    const outcome = await runPipeline({ scenario, database, runsDir, runId, writer: models.writer, reviewer: models.reviewer });
    const ledger = await withClient(server.urlFor(database), async (c) =>
      (
        await c.query(
          `select entry_id, entry_index, persona_id, status, up_sql, down_sql, checksum,
                  record->'plan' as plan, record->'realisedDefects' as realised, record->'reviewerCaught' as caught,
                  jsonb_array_length(record->'rounds') as rounds, record->'tokens' as tokens
             from schemacrew.ledger order by entry_index`,
        )
      ).rows,
    );
    return { outcome, ledger, database };
  } finally {
    await models.close();
  }
}

let first: Awaited<ReturnType<typeof replayRun>>;
let second: Awaited<ReturnType<typeof replayRun>>;

beforeAll(async () => {
  scenario = await loadScenario(scenarioDir('taskpilot'));
  runsDir = await mkdtemp(path.join(tmpdir(), 'schemacrew-replay-'));
  first = await replayRun('replay-1');
  second = await replayRun('replay-2');
}, 300_000);

afterAll(async () => {
  for (const d of databases) await dropDatabase(server, d);
  await rm(runsDir, { recursive: true, force: true });
});

describe('replayed LLM run of the whole roadmap (openai adapter)', () => {
  it('completes every entry with the personas\' own SQL and tokens counted', () => {
    const { record } = first.outcome;
    expect(record.entries.map((e) => e.entryId)).toEqual(scenario.roadmap.map((e) => e.id));
    expect(record.meta.providers.persona).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(record.totals.tokens.input).toBeGreaterThan(100_000);
    expect(record.totals.costUsd).toBeGreaterThan(0);
    // The answers are in the personas' voices, not the plan's text.
    const alex = record.entries.find((e) => e.entryId === 'day-01')!;
    expect(alex.rounds[0]!.upSql).toMatch(/Author: Alex/);
    const jordan = record.entries.find((e) => e.entryId === 'day-03')!;
    expect(jordan.rounds[0]!.upSql.split('\n')[0]).toMatch(/^-- Add billable flag/);
    expect(jordan.rounds[0]!.upSql).not.toMatch(/ISSUE|Should be/);
  });

  it('sends a change back when the reviewer asks, and applies the revision', () => {
    const revised = first.outcome.record.entries.filter((e) => e.rounds.length > 1 && e.status === 'applied');
    expect(revised.length).toBeGreaterThan(0);
    for (const e of revised) {
      expect(e.rounds[0]!.review?.verdict).toBe('request_changes');
      expect(e.rounds.at(-1)!.gate).toBe('apply');
      expect(e.appliedSql!.up).toBe(e.rounds.at(-1)!.upSql);
    }
    // Day 16's missing FK indexes were caught and fixed in the revision: none landed.
    const day16 = first.outcome.record.entries.find((e) => e.entryId === 'day-16')!;
    if (day16.rounds.length > 1) {
      expect(day16.reviewerCaught).toContain('fk-missing-index');
      expect(day16.realisedDefects).not.toContain('fk-missing-index');
    }
  });

  it('writes a run directory that agrees with the ledger', async () => {
    const dir = first.outcome.dir;
    const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8'));
    const applied = first.ledger.filter((r) => (r as { status: string }).status === 'applied');
    expect(report.totals.applied).toBe(applied.length);
    const migrations = (await readdir(path.join(dir, 'migrations'))).filter((f) => f.endsWith('.up.sql')).sort();
    expect(migrations).toHaveLength(applied.length);
    const firstUp = await readFile(path.join(dir, 'migrations', migrations[0]!), 'utf8');
    expect(firstUp).toContain((applied[0] as { up_sql: string }).up_sql.trim().split('\n')[0]);
    const expected = JSON.parse(await readFile(path.join(dir, 'expected-findings.json'), 'utf8'));
    const live = await withClient(server.urlFor(first.database), async (c) =>
      Number((await c.query(`select count(*) as n from schemacrew.defects where fixed_by_entry is null`)).rows[0].n),
    );
    expect(expected.live).toHaveLength(live);
    const html = await readFile(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
  });

  it('produces an identical ledger from the same seed and cassette', () => {
    expect(second.ledger).toEqual(first.ledger);
    expect(second.outcome.record.defects.map((d) => [d.id, d.fixedByEntryId])).toEqual(
      first.outcome.record.defects.map((d) => [d.id, d.fixedByEntryId]),
    );
  });

  it('keeps keys out of the cassette', async () => {
    const dir = path.resolve('fixtures/cassettes/taskpilot-openai');
    for (const f of await readdir(dir)) {
      const text = await readFile(path.join(dir, f), 'utf8');
      expect(text).not.toMatch(/sk-fake-recording-key|authorization|x-api-key/i);
    }
  });
});

void pg;
