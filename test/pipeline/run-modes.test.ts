// Dry runs, budgets and signals on a tiny scenario: what gets recorded and what does not.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { runPipeline } from '../helpers/run.js';
import type { RunOptions } from '../../src/pipeline/run.js';
import { ScriptedProvider } from '../../src/llm/providers/scripted.js';
import { dropDatabase, withClient } from '../../src/db/sandbox.js';
import type { LlmProvider, LlmRequest, LlmResult } from '../../src/llm/types.js';
import { testServer, tinyScenario } from '../helpers/scenario.js';

const server = testServer();
const cleanup: string[] = [];
const databases: string[] = [];
afterAll(async () => {
  for (const d of databases) await dropDatabase(server, d);
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
});

const scenario = tinyScenario([
  { referenceSql: 'CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL);' },
  { referenceSql: 'ALTER TABLE notes ADD COLUMN tag_id integer REFERENCES tags(id);' },
  { referenceSql: 'CREATE INDEX notes_tag ON notes (tag_id);' },
]);

/** Charges a fixed price per call, so budgets can be tested without a model. */
class PricedProvider implements LlmProvider {
  readonly name = 'priced';
  calls = 0;
  constructor(private readonly inner: LlmProvider, private readonly price: number, private readonly onCall?: (n: number) => void) {}
  async complete<T>(req: LlmRequest<T>): Promise<LlmResult<T>> {
    this.calls++;
    this.onCall?.(this.calls);
    return { ...(await this.inner.complete(req)), costUsd: this.price, provider: this.name };
  }
}

async function run(extra: Partial<RunOptions> & { provider?: LlmProvider } = {}) {
  const database = `modes_${randomBytes(4).toString('hex')}`;
  databases.push(database);
  const runsDir = await mkdtemp(path.join(tmpdir(), 'schemacrew-modes-'));
  cleanup.push(runsDir);
  const outcome = await runPipeline({ scenario, database, runsDir, seed: 1, runId: 'modes', provider: new ScriptedProvider(scenario.roadmap), ...extra });
  const ledger = await withClient(server.urlFor(database), async (c) => (await c.query('select entry_id, status from schemacrew.ledger order by entry_index')).rows);
  const tags = await withClient(server.urlFor(database), async (c) => (await c.query(`select to_regclass('app.tags') as t`)).rows[0].t);
  return { outcome, ledger, tags };
}

describe('run modes', () => {
  it('--dry-run plans, writes, checks and reviews, but applies and records nothing', async () => {
    const { outcome, ledger, tags } = await run({ dryRun: true });
    // Each entry is checked against the unchanged database: entry 1 would apply; entries 2 and 3
    // reference the table entry 1 never created, so their checks fail (documented in the README).
    expect(outcome.record.entries.map((e) => e.status)).toEqual(['planned', 'failed', 'failed']);
    expect(outcome.record.entries[0]!.reason).toMatch(/^dry run: would apply/);
    expect(outcome.record.entries[1]!.rounds[0]!.findings.some((f) => f.rule === 'apply-error')).toBe(true);
    expect(ledger).toEqual([]);
    expect(tags).toBeNull();
  });

  it('a wet run applies all three and records them', async () => {
    const { outcome, ledger, tags } = await run();
    expect(outcome.exitCode).toBe(0);
    expect(ledger.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    expect(tags).toBe('app.tags');
  });

  it('stops cleanly when the budget is crossed: exit 3, the entry in flight not recorded', async () => {
    // Two calls per entry (write + review) at $1 each; a $3 budget is crossed during entry 2.
    const provider = new PricedProvider(new ScriptedProvider(scenario.roadmap), 1);
    const { outcome, ledger } = await run({ provider, maxCostUsd: 3 });
    expect(outcome.exitCode).toBe(3);
    expect(outcome.record.meta).toMatchObject({ outcome: 'stopped' });
    expect(outcome.record.meta.stopReason).toMatch(/^budget/);
    expect(ledger.map((r) => r.entry_id)).toEqual(['day-1']);
  });

  it('stops at the next safe point on a signal: exit 3, resumable', async () => {
    const controller = new AbortController();
    const provider = new PricedProvider(new ScriptedProvider(scenario.roadmap), 0, (n) => {
      if (n === 3) controller.abort();
    });
    const { outcome, ledger } = await run({ provider, signal: controller.signal });
    expect(outcome.exitCode).toBe(3);
    expect(outcome.record.meta.stopReason).toBe('signal');
    // The third call (entry 2's draft) saw the abort before its check: entry 2 is not recorded.
    expect(ledger.map((r) => r.entry_id)).toEqual(['day-1']);
  });
});
