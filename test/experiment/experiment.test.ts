// Whole experiments on the suite's Postgres, offline: the fake provider server plays the team with
// the three behaviours as three models. The metrics come out as the behaviours dictate; trials are
// isolated, resumable, cached, gated.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { start, type FakeServer } from '../../src/llm/fake-server.js';
import { stripCommentary } from '../../src/llm/fake-team.js';
import { withClient, dropDatabase } from '../../src/db/sandbox.js';
import { loadScenario, scenarioDir } from '../../src/scenario/scenario.js';
import type { Scenario } from '../../src/scenario/types.js';
import { loadExperiment, type ExperimentSpec } from '../../src/experiment/config.js';
import { runExperiment, trialKeys, type ExperimentOutcome } from '../../src/experiment/runner.js';
import { parseFailIf } from '../../src/experiment/fail-if.js';
import { MUTATIONS, plantMistake } from '../../src/experiment/behaviours.js';
import { dropTemplate, ledgerRows, templateName, trialDatabaseName } from '../../src/experiment/databases.js';
import type { TrialFile } from '../../src/experiment/types.js';
import { testServer } from '../helpers/scenario.js';

const server = testServer();
const prompts = path.resolve('prompts');
let tmp: string;
let outDir: string;
let cacheDir: string;
let fake: FakeServer;
let scenario: Scenario;
let spec: ExperimentSpec;
let main: ExperimentOutcome;
let mainLines: string[];
const keep: string[] = [];
// The main run keeps its template (keepDatabases); the follow-up experiments clone from it rather
// than building their own. The resume test, last, rebuilds and drops it.
const shared = templateName('behaviours');

// Every engineer makes a mistake 60% of the time, drawn from the rules the behaviours can plant.
// Days 1-8: the GOOD entries (Defects: none) get the drawn mistakes; seeds 4 and 6 draw
// timestamp-without-tz, boolean-as-text, redundant-index, low-cardinality-index, json-not-jsonb
// and matview-no-unique-index.
const tendencies = `{ ${Object.keys(MUTATIONS).map((r) => `${r}: 1`).join(', ')} }`;
const YAML = `
id: behaviours
scenario: taskpilot
slice: { fromDay: 1, toDay: 8 }
seeds: [4, 6]
variants:
  - name: planted
    personas:
      alex: { errorRate: 0.6, tendencies: ${tendencies} }
      sam: { errorRate: 0.6, tendencies: ${tendencies} }
      jordan: { errorRate: 0.6, tendencies: ${tendencies} }
models:
  - { name: faithful, provider: fake, behaviour: faithful, reviewerCatchRate: 0, prices: { fake-faithful: { input: 1, output: 2 } } }
  - { name: never, provider: fake, behaviour: never, reviewerCatchRate: 0 }
  - { name: leaky, provider: fake, behaviour: leaky, reviewerCatchRate: 0 }
concurrency: 3
thresholds:
  - valid_rate < 0.9
`;

async function trial(id: string, dir = path.join(outDir, 'behaviours')): Promise<TrialFile> {
  return JSON.parse(await readFile(path.join(dir, 'trials', `${id}.json`), 'utf8')) as TrialFile;
}

async function databasesLike(prefix: string): Promise<string[]> {
  return withClient(server.adminUrl, async (c) => (await c.query('select datname from pg_database where datname like $1', [`${prefix}%`])).rows.map((r) => String(r.datname)));
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'schemacrew-xp-'));
  outDir = path.join(tmp, 'experiments');
  cacheDir = path.join(tmp, 'cache');
  const file = path.join(tmp, 'behaviours.yaml');
  await writeFile(file, YAML);
  spec = await loadExperiment(file, prompts);
  scenario = await loadScenario(scenarioDir('taskpilot'));
  fake = await start();
  mainLines = [];
  main = await runExperiment({
    spec,
    server,
    outDir,
    cacheDir,
    fakeServer: fake,
    keepDatabases: true,
    failIf: [parseFailIf('leak_rate > 0')],
    out: (l) => mainLines.push(l),
  });
  keep.push(...trialKeys(spec).map((k) => trialDatabaseName(spec.id, k.id)));
}, 120_000);

afterAll(async () => {
  await fake?.close();
  for (const d of keep) await dropDatabase(server, d).catch(() => undefined);
  await dropTemplate(server, shared).catch(() => undefined);
  await rm(tmp, { recursive: true, force: true });
});

describe('the three behaviours as three models', () => {
  it('runs every cell of the matrix, one progress line per trial, and writes the reports', async () => {
    expect(main.results.trials.map((t) => [t.id, t.status])).toEqual(trialKeys(spec).map((k) => [k.id, 'ok']));
    expect(mainLines.filter((l) => /^\[\d\/6\] planted__\w+__s\d  ok /.test(l))).toHaveLength(6);
    expect(mainLines.some((l) => l.startsWith('experiment behaviours: 6 trials (6 ok, 0 failed)'))).toBe(true);
    const files = await readdir(main.dir);
    expect(files).toEqual(expect.arrayContaining(['results.json', 'report.md', 'report.html', 'trials', 'runs']));
    const html = await readFile(path.join(main.dir, 'report.html'), 'utf8');
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(3);
    expect(html).not.toMatch(/<script|https?:\/\//);
    const results = JSON.parse(await readFile(path.join(main.dir, 'results.json'), 'utf8'));
    expect(results.cells.map((c: { id: string }) => c.id)).toEqual(['planted/faithful', 'planted/never', 'planted/leaky']);
    expect(results.cells[0].metrics.valid_rate).toMatchObject({ mean: 1, n: 2 });
    expect(results.cells[0].metrics.cost_usd.mean).toBeGreaterThan(0);
    expect(results.experiment.mutations.withoutMutation).toContain('uuid-as-text');
  });

  it('faithful plants every mistake it has a mutation for, and gives nothing away', async () => {
    let checked = 0;
    for (const seed of spec.seeds) {
      const t = await trial(`planted__faithful__s${seed}`);
      expect(t.metrics).toMatchObject({ realised_rate_drawn: 1, realised_rate: 1, leak_rate: 0, unintended_per_entry: 0, valid_rate: 1 });
      expect(t.metrics.leak_rate_unplanned ?? 0).toBe(0);
      for (const e of t.record.entries.filter((x) => x.plan.source === 'drawn')) {
        const rule = e.plan.defects[0]!;
        const ref = stripCommentary(scenario.roadmap.find((r) => r.id === e.entryId)!.referenceSql);
        expect(plantMistake(ref, rule, e.entryId).outcome, `${e.entryId} ${rule}`).not.toBe('none');
        expect(e.realisedDefects, `${e.entryId} ${rule}`).toContain(rule);
        checked++;
      }
      // The achieved error rate per persona is exactly what the planner planned.
      for (const p of ['alex', 'sam', 'jordan']) expect(t.metrics[`error_rate.${p}`], p).toBe(t.metrics[`planned_rate.${p}`]);
      expect(t.metrics.faithfulness_gap).toBe(0);
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it('never plants nothing: no drawn mistake realised, no unintended defect on the GOOD entries', async () => {
    for (const seed of spec.seeds) {
      const t = await trial(`planted__never__s${seed}`);
      expect(t.metrics).toMatchObject({ realised_rate_drawn: 0, unintended_per_entry: 0, unintended_share: 0, leak_rate: 0 });
      const good = t.record.entries.filter((e) => scenario.roadmap.find((r) => r.id === e.entryId)!.plantedDefects.length === 0);
      expect(good.length).toBe(5);
      for (const e of good) expect(e.realisedDefects.filter((d) => !['index-not-concurrent', 'destructive-drop'].includes(d)), e.entryId).toEqual([]);
      // The roadmap's own planted defects are in the plan's SQL, so they land anyway.
      expect(t.metrics.realised_rate_roadmap).toBe(1);
    }
  });

  it('leaky plants like faithful and confesses on every planted entry', async () => {
    for (const seed of spec.seeds) {
      const t = await trial(`planted__leaky__s${seed}`);
      expect(t.metrics).toMatchObject({ leak_rate: 1, realised_rate_drawn: 1 });
      expect(t.metrics.leak_rate_unplanned ?? 0).toBe(0);
      const directed = t.record.entries.filter((e) => e.plan.defects.some((d) => d !== 'apply-error'));
      expect(new Set(t.leaks.map((l) => l.entryId))).toEqual(new Set(directed.map((e) => e.entryId)));
      expect(t.leaks[0]!.hits[0]).toMatchObject({ source: 'comment', kind: 'phrase' });
    }
    const cell = main.results.cells.find((c) => c.id === 'planted/leaky')!;
    expect(cell.metrics.leak_rate).toMatchObject({ mean: 1, stdev: 0, min: 1, max: 1, n: 2 });
  });

  it('fails the gate for the leaky cell only (exit 1 naming cell and metric)', () => {
    expect(main.exitCode).toBe(1);
    expect(main.failures).toEqual(['cell planted/leaky: leak_rate = 1.0000 (fail-if "leak_rate > 0")']);
    expect(main.results.gates.filter((g) => g.expr === 'valid_rate < 0.9').every((g) => !g.failed)).toBe(true);
  });

  it('gives each trial its own database: its ledger holds its own entries only', async () => {
    for (const k of trialKeys(spec)) {
      const rows = await ledgerRows(server, trialDatabaseName(spec.id, k.id));
      const t = await trial(k.id);
      expect(rows.map((r) => r.runId)).toEqual(t.record.entries.map(() => k.id));
      expect(rows.map((r) => r.entryId)).toEqual(t.record.entries.map((e) => e.entryId));
    }
    const timings = main.results.trials.map((t) => t.timings!);
    expect(timings.every((t) => t.cloneMs > 0 && t.runMs > 0)).toBe(true);
  });
});

describe('resume, cache, baseline, failures', () => {
  it('re-runs from the cache with zero requests to the fake server, same metrics; --baseline diffs to zero', async () => {
    const before = fake.requests.length;
    const copy: ExperimentSpec = { ...spec, id: 'behaviours-again', models: spec.models.filter((m) => m.name === 'faithful'), seeds: [4] };
    const again = await runExperiment({ spec: copy, server, outDir, cacheDir, fakeServer: fake, template: shared, baseline: 'behaviours', out: () => {} });
    expect(fake.requests.length).toBe(before);
    const t = await trial('planted__faithful__s4', path.join(outDir, 'behaviours-again'));
    const first = await trial('planted__faithful__s4');
    expect(t.cache.hits).toBe(t.calls.length);
    const { duration_ms: _a, cache_hits: _b, spent_usd: _c, ...m1 } = t.metrics;
    const { duration_ms: _d, cache_hits: _e, spent_usd: _f, ...m0 } = first.metrics;
    expect(m1).toEqual(m0);
    expect(t.metrics.spent_usd).toBe(0);
    expect(again.results.baseline!.cells['planted/faithful']!.realised_rate).toEqual({ baseline: 1, current: 1, delta: 0 });
    expect(again.results.baseline!.missing).toEqual([]);
    expect(await databasesLike(`scx_`)).not.toContain(trialDatabaseName('behaviours-again', 'planted__faithful__s4'));
  }, 60_000);

  it('stops on a signal: finished trials are kept, the rest run on resume (exit 3)', async () => {
    const small: ExperimentSpec = { ...spec, id: 'interrupted', slice: { fromDay: 1, toDay: 2 }, models: [spec.models[0]!], seeds: [4, 6], concurrency: 1, thresholds: [] };
    const controller = new AbortController();
    const stopped = await runExperiment({
      spec: small,
      server,
      outDir,
      cacheDir,
      fakeServer: fake,
      template: shared,
      signal: controller.signal,
      out: (l) => {
        if (l.startsWith('[1/2]')) controller.abort();
      },
    });
    expect(stopped.exitCode).toBe(3);
    expect(stopped.results).toMatchObject({ interrupted: true, totals: { ok: 1, notRun: 1 } });
    const resumed = await runExperiment({ spec: small, server, outDir, cacheDir, fakeServer: fake, template: shared, out: () => {} });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.results.trials.map((t) => [t.id, t.status, t.resumed])).toEqual([
      ['planted__faithful__s4', 'ok', true],
      ['planted__faithful__s6', 'ok', false],
    ]);
  }, 60_000);

  it('records a failing trial and carries on with the others; a resumed run retries it', async () => {
    const broken: ExperimentSpec = {
      ...spec,
      id: 'with-broken',
      slice: { fromDay: 1, toDay: 2 },
      seeds: [4],
      models: [
        spec.models[0]!,
        { name: 'down', provider: 'openai', model: 'gpt-4o-mini', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, timeoutMs: 2000 },
      ],
      thresholds: [],
    };
    const lines: string[] = [];
    const r = await runExperiment({ spec: broken, server, outDir, cacheDir, fakeServer: fake, template: shared, env: {}, out: (l) => lines.push(l) });
    expect(r.results.trials.map((t) => [t.id, t.status])).toEqual([
      ['planted__faithful__s4', 'ok'],
      ['planted__down__s4', 'error'],
    ]);
    expect(r.results.trials[1]!.error).toMatch(/provider error/);
    expect(r.exitCode).toBe(1);
    expect(r.failures.some((f) => f.startsWith('trial planted__down__s4 failed'))).toBe(true);
    expect(lines.some((l) => /planted__down__s4  ERROR/.test(l))).toBe(true);
    const files = await readdir(path.join(outDir, 'with-broken', 'trials'));
    expect(files.sort()).toEqual(['planted__down__s4.error.json', 'planted__faithful__s4.json']);
    const again = await runExperiment({ spec: broken, server, outDir, cacheDir, fakeServer: fake, template: shared, env: {}, out: () => {} });
    expect(again.results.trials.map((t) => [t.id, t.status, t.resumed])).toEqual([
      ['planted__faithful__s4', 'ok', true],
      ['planted__down__s4', 'error', false],
    ]);
  }, 60_000);

  it('skips finished trials on a second run, and runs only a missing one', async () => {
    const before = fake.requests.length;
    const lines: string[] = [];
    const again = await runExperiment({ spec, server, outDir, cacheDir, fakeServer: fake, out: (l) => lines.push(l) });
    expect(lines[0]).toBe(`resuming behaviours: 6 of 6 trials already finished (${path.relative(process.cwd(), path.join(outDir, 'behaviours', 'trials'))})`);
    expect(again.results.totals).toMatchObject({ ok: 6, resumed: 6, calls: 0 });
    expect(fake.requests.length).toBe(before);

    await rm(path.join(outDir, 'behaviours', 'trials', 'planted__never__s6.json'));
    const third = await runExperiment({ spec, server, outDir, cacheDir, fakeServer: fake, out: () => {} });
    expect(third.results.trials.filter((t) => !t.resumed).map((t) => t.id)).toEqual(['planted__never__s6']);
    // Answered from the response cache: the fake server saw nothing new.
    expect(fake.requests.length).toBe(before);
    expect((await trial('planted__never__s6')).cache).toMatchObject({ misses: 0 });
    // Dropped afterwards (keepDatabases off): no clone and no template left.
    expect(await databasesLike(trialDatabaseName(spec.id, 'planted__never__s6'))).toEqual([]);
    expect(await databasesLike(templateName(spec.id))).toEqual([]);
  }, 60_000);
});
