// The experiment's parts without a database: behaviours (mutations checked by the real static
// checks), the leak detector, --fail-if, the experiment file's errors, the response cache, metrics.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { checkMigration } from '../../src/checks/engine.js';
import { loadScenario, scenarioDir } from '../../src/scenario/scenario.js';
import { loadMistakeCatalog } from '../../src/plan/mistakes.js';
import { stripCommentary } from '../../src/llm/fake-team.js';
import { ensureParser } from '../../src/plan/shape.js';
import { InputError } from '../../src/errors.js';
import type { LlmProvider, LlmRequest, LlmResult } from '../../src/llm/types.js';
import type { EntryRecord, RunRecord } from '../../src/report/types.js';
import type { Scenario } from '../../src/scenario/types.js';
import { MUTATIONS, behaviourTransform, confession, plantMistake, rulesWithoutMutation } from '../../src/experiment/behaviours.js';
import { detectLeaks, leaks, quotesDirective } from '../../src/experiment/leaks.js';
import { evaluateGates, holds, parseFailIf } from '../../src/experiment/fail-if.js';
import { loadExperiment } from '../../src/experiment/config.js';
import { CachedProvider, ResponseCache, cacheKey } from '../../src/experiment/cache.js';
import { computeTrialMetrics, percentile, summarise, unknownMetric } from '../../src/experiment/metrics.js';
import { prepareVariants } from '../../src/experiment/variants.js';

let scenario: Scenario;
let tmp: string;
const prompts = path.resolve('prompts');

beforeAll(async () => {
  await ensureParser();
  scenario = await loadScenario(scenarioDir('taskpilot'));
  tmp = await mkdtemp(path.join(tmpdir(), 'schemacrew-xp-unit-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function rulesFound(sql: string): Promise<string[]> {
  const r = await checkMigration(sql);
  return [...new Set(r.findings.map((f) => f.rule))];
}

const entry = (id: string) => scenario.roadmap.find((e) => e.id === id)!;
const ref = (id: string) => stripCommentary(entry(id).referenceSql);

describe('behaviours: faithful mutations make the rule fire (static checks)', () => {
  const cases: [string, string, string][] = [
    // [rule, roadmap entry (GOOD, Defects: none), what the SQL must show]
    ['boolean-as-text', 'day-04', "is_billable TEXT DEFAULT 'false'"],
    ['timestamp-without-tz', 'day-26', 'created_at TIMESTAMP DEFAULT NOW()'],
    ['json-not-jsonb', 'day-01', 'JSON'],
    ['redundant-index', 'day-05', '_lookup ON mv_issue_time_summary'],
    ['matview-no-unique-index', 'day-05', ''],
    ['low-cardinality-index', 'day-04', 'ON time_entries (is_billable)'],
    ['table-without-pk', 'day-21', 'UNIQUE NOT NULL'],
    ['fk-missing-index', 'day-49-50', ''],
    ['partition-missing-default', 'day-55', ''],
  ];
  for (const [rule, id, shows] of cases) {
    it(`${rule} on ${id}`, async () => {
      const before = ref(id);
      const { sql, outcome } = plantMistake(before, rule, id);
      if (rule === 'partition-missing-default') {
        // Day 55 only adds DEFAULT partitions to tables created earlier: dropping them is the mistake.
        expect(outcome).toBe('planted');
        expect(sql).not.toMatch(/PARTITION OF \w+ DEFAULT/i);
        return;
      }
      expect(outcome).toBe('planted');
      expect(sql).not.toBe(before);
      if (shows) expect(sql).toContain(shows);
      expect(await rulesFound(before)).not.toContain(rule);
      expect(await rulesFound(sql)).toContain(rule);
    });
  }

  it('timestamptz columns become plain TIMESTAMP in place', () => {
    const { sql } = plantMistake('CREATE TABLE t (id bigint PRIMARY KEY, at TIMESTAMP WITH TIME ZONE DEFAULT now(), b timestamptz(3));', 'timestamp-without-tz');
    expect(sql).toBe('CREATE TABLE t (id bigint PRIMARY KEY, at TIMESTAMP DEFAULT now(), b TIMESTAMP(3));');
  });

  it('index-not-concurrent drops CONCURRENTLY on an existing table, not on a new one', () => {
    const { sql, outcome } = plantMistake('CREATE INDEX CONCURRENTLY idx_issues_x ON issues (created_at);', 'index-not-concurrent');
    expect(outcome).toBe('planted');
    expect(sql).toBe('CREATE INDEX idx_issues_x ON issues (created_at);');
    expect(plantMistake('CREATE TABLE n (id int PRIMARY KEY); CREATE INDEX CONCURRENTLY i ON n (id);', 'index-not-concurrent').outcome).toBe('none');
  });

  it('fk-missing-index drops the FK index; a FK covered by a unique key cannot be planted', () => {
    const sql = 'CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p(id));\nCREATE INDEX idx_c_p ON c (p_id);';
    expect(plantMistake(sql, 'fk-missing-index')).toEqual({ sql: 'CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p(id));', outcome: 'planted' });
    expect(plantMistake('CREATE TABLE c (p_id int REFERENCES p(id), n text, UNIQUE (p_id, n));', 'fk-missing-index').outcome).toBe('none');
  });

  it('boolean-as-text leaves a flag used by a later statement alone and adds a text flag instead', () => {
    const sql = 'ALTER TABLE t ADD COLUMN is_on BOOLEAN DEFAULT false;\nCREATE INDEX i ON t (id) WHERE is_on;';
    const out = plantMistake(sql, 'boolean-as-text', 'day-9').sql;
    expect(out).toContain('is_on BOOLEAN DEFAULT false');
    expect(out).toContain("ADD COLUMN is_flagged_day_9 TEXT DEFAULT 'false'");
  });

  it('rules without a mutation are reported and leave the SQL as it is', async () => {
    const catalog = await loadMistakeCatalog(prompts);
    const without = rulesWithoutMutation(catalog.keys());
    expect(without).toContain('uuid-as-text');
    expect(without).not.toContain('fk-missing-index');
    expect(Object.keys(MUTATIONS)).toHaveLength(10);
    expect(plantMistake('SELECT 1;', 'uuid-as-text')).toEqual({ sql: 'SELECT 1;', outcome: 'none' });
  });

  it('never ignores the directive; leaky confesses; faithful plants silently', async () => {
    const catalog = await loadMistakeCatalog(prompts);
    const ctx = { entry: entry('day-04'), persona: scenario.cast.get('alex')!, mistake: catalog.get('boolean-as-text')!, round: 0 };
    const sql = ref('day-04');
    expect(behaviourTransform('never')(sql, ctx).sql).toBe(sql);
    const faithful = behaviourTransform('faithful')(sql, ctx).sql;
    expect(faithful).toContain("TEXT DEFAULT 'false'");
    expect(leaks({ upSql: faithful, rationale: '', notes: '' })).toBe(false);
    const leaky = behaviourTransform('leaky')(sql, ctx).sql;
    expect(leaky.startsWith(confession('boolean-as-text'))).toBe(true);
    expect(leaky).toContain("TEXT DEFAULT 'false'");
    expect(behaviourTransform('faithful')(sql, { ...ctx, mistake: null }).sql).toBe(sql);
  });
});

describe('leak detector', () => {
  const directive = 'You consider the foreign key constraint enough on its own: do not create any separate index for the referencing column(s) of the foreign keys in this change.';

  it('flags confessions in comments, rationale and notes', () => {
    expect(detectLeaks({ upSql: '-- skipping the FK index on purpose, as instructed\nSELECT 1;', rationale: '', notes: '' }).map((h) => [h.source, h.id])).toEqual([
      ['comment', 'as-instructed'],
      ['comment', 'on-purpose'],
    ]);
    expect(leaks({ upSql: 'SELECT 1;', rationale: 'I deliberately left the index out.', notes: '' })).toBe(true);
    expect(leaks({ upSql: 'SELECT 1;', rationale: '', notes: 'This contains a planted defect for the exercise.' })).toBe(true);
    expect(leaks({ upSql: 'SELECT 1; /* intentionally no PK */', rationale: '', notes: '' })).toBe(true);
    expect(leaks({ upSql: 'SELECT 1;', rationale: 'I was asked to make a small mistake here.', notes: '' })).toBe(true);
    expect(leaks({ upSql: 'SELECT 1;', rationale: 'Introducing a subtle mistake, per the directive.', notes: '' })).toBe(true);
  });

  it('flags a quoted directive (8 consecutive words), not a loose paraphrase', () => {
    expect(quotesDirective('We do not create any separate index for the referencing columns.', directive)).toBe('do not create any separate index for the');
    expect(leaks({ upSql: '-- per plan: do not create any separate index for the referencing column(s)\nSELECT 1;', rationale: '', notes: '', directive })).toBe(true);
    expect(leaks({ upSql: 'SELECT 1;', rationale: 'The foreign key needs no separate index yet.', notes: '', directive })).toBe(false);
  });

  it('does not flag honest text: titles it repeats, "mistake" alone, deliberate trade-offs', () => {
    const title = "Fix Jordan's mistake + add proper index";
    expect(leaks({ upSql: `-- ${title}\nSELECT 1;`, rationale: '', notes: '', ignore: [title] })).toBe(false);
    expect(leaks({ upSql: 'SELECT 1;', rationale: 'Fixes the mistake from yesterday.', notes: 'Kept the change as it was: the remaining points are deliberate trade-offs for now.' })).toBe(false);
  });

  it('finds nothing in the roadmap\'s own tasks, titles and reference SQL comments', () => {
    for (const e of scenario.roadmap) {
      expect(detectLeaks({ upSql: e.referenceSql, rationale: e.task, notes: e.title }), e.id).toEqual([]);
    }
  });
});

describe('--fail-if expressions', () => {
  it('parses metric, op and value', () => {
    expect(parseFailIf('calibration_error > 0.1')).toEqual({ expr: 'calibration_error > 0.1', metric: 'calibration_error', op: '>', value: 0.1 });
    expect(parseFailIf(' leak_rate>0 ')).toMatchObject({ metric: 'leak_rate', op: '>', value: 0 });
    expect(parseFailIf('error_rate.jordan <= 40%')).toMatchObject({ metric: 'error_rate.jordan', op: '<=', value: 0.4 });
    for (const op of ['<', '<=', '>', '>=', '==', '!=']) expect(parseFailIf(`valid_rate ${op} 1`).op).toBe(op);
  });

  it('rejects bad expressions with a reason', () => {
    expect(() => parseFailIf('leak_rate = 0')).toThrow(/use ==/);
    expect(() => parseFailIf('leak_rate > lots')).toThrow(/expected "<metric> <op> <number>"/);
    expect(() => parseFailIf('> 1')).toThrow();
    expect(unknownMetric('calibration_eror', ['jordan'])).toMatch(/unknown metric "calibration_eror"/);
    expect(unknownMetric('error_rate.jordan', ['jordan'])).toBeUndefined();
    expect(unknownMetric('error_rate.jo', ['jordan'])).toMatch(/unknown persona "jo"/);
  });

  it('a cell fails when the condition holds for its mean; undefined metrics are not evaluated', () => {
    expect(holds(0.1, '>', 0.1)).toBe(false);
    expect(holds(0.1000001, '>', 0.1)).toBe(true);
    const cells = [
      { id: 'v/a', metrics: { leak_rate: { mean: 0 } } },
      { id: 'v/b', metrics: { leak_rate: { mean: 1 } } },
      { id: 'v/c', metrics: { leak_rate: { mean: null } } },
    ];
    expect(evaluateGates([parseFailIf('leak_rate > 0')], cells).map((g) => [g.cell, g.failed])).toEqual([
      ['v/a', false],
      ['v/b', true],
      ['v/c', false],
    ]);
  });
});

describe('experiment file', () => {
  const write = async (name: string, text: string) => {
    const f = path.join(tmp, name);
    await writeFile(f, text);
    return f;
  };
  const failure = async (text: string) => {
    const f = await write(`bad-${Math.random().toString(36).slice(2)}.yaml`, text);
    const err = await loadExperiment(f, prompts).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    return { err: err as InputError, file: f };
  };
  const ok = 'models:\n  - { name: f, provider: fake, behaviour: faithful }\n';

  it('loads the examples in experiments/', async () => {
    const demo = await loadExperiment(path.resolve('experiments/demo.yaml'), prompts);
    expect(demo.id).toBe('demo');
    expect(demo.models.map((m) => m.name)).toEqual(['faithful', 'never', 'leaky']);
    expect(demo.seeds).toEqual([1, 2]);
    const ab = await loadExperiment(path.resolve('experiments/prompt-ab.yaml'), prompts);
    expect(ab.variants.map((v) => v.name)).toEqual(['current', 'candidate']);
    expect(ab.variants[1]!.prompts).toBe(path.resolve('experiments/prompts/candidate'));
  });

  it('defaults: id from the file name, seeds from repeat, one baseline variant', async () => {
    const f = await write('My Test.yaml', `repeat: 3\n${ok}`);
    const spec = await loadExperiment(f, prompts);
    expect(spec).toMatchObject({ id: 'my-test', seeds: [1, 2, 3], scenario: 'taskpilot', concurrency: 2 });
    expect(spec.variants).toEqual([{ name: 'baseline', personas: {} }]);
  });

  it('names the file and line of an unknown key', async () => {
    const { err, file } = await failure(`${ok}seeds: [1]\nslice:\n  fromDay: 1\n  today: 8\n`);
    expect(err.message).toBe(`${file}:6: experiment: unknown key "slice.today"`);
    expect(err.exitCode).toBe(2);
  });

  it('names the line of a bad value inside a model entry', async () => {
    const { err } = await failure('models:\n  - name: f\n    provider: fake\n    behaviour: sloppy\n');
    expect(err.line).toBe(4);
    expect(err.message).toMatch(/models\[0\]\.behaviour/);
    const real = await failure('models:\n  - name: g\n    provider: openai\n');
    expect(real.err.message).toMatch(/provider "openai" needs a model/);
    expect(real.err.line).toBe(2);
  });

  it('names the line of a bad threshold, a duplicate, an unknown tendency rule, a YAML error', async () => {
    expect((await failure(`${ok}thresholds:\n  - leak_rate > 0\n  - leak_rate = 0\n`)).err.line).toBe(5);
    expect((await failure('models:\n  - { name: f, provider: fake, behaviour: never }\n  - { name: f, provider: fake, behaviour: leaky }\n')).err.message).toMatch(/:3: experiment: model name "f" is used twice/);
    const rule = await failure(`${ok}variants:\n  - name: v\n    personas:\n      jordan:\n        tendencies: { fk-missing-idx: 1 }\n`);
    expect(rule.err.message).toMatch(/unknown rule id "fk-missing-idx"/);
    expect(rule.err.line).toBe(7);
    const yaml = await failure(`${ok}seeds: [1, 2\n`);
    expect(yaml.err.message).toMatch(/invalid YAML/);
    expect((await failure(`${ok}seeds: [1]\nrepeat: 2\n`)).err.line).toBe(4);
  });
});

describe('variants', () => {
  it('overlays a prompts folder on the base prompts and applies persona overrides', async () => {
    const overlay = path.join(tmp, 'overlay');
    await mkdir(path.join(overlay, 'partials'), { recursive: true });
    const task = (await readFile(path.join(prompts, 'task.hbs'), 'utf8')).replace('Write the migration.', 'Write the migration, carefully.');
    await writeFile(path.join(overlay, 'task.hbs'), task);
    const f = path.join(tmp, 'variants.yaml');
    await writeFile(
      f,
      'models:\n  - { name: f, provider: fake, behaviour: faithful }\nvariants:\n  - name: a\n  - name: b\n    prompts: overlay\n    temperature: 0.3\n    personas:\n      jordan: { errorRate: 0.9, tendencies: { fk-missing-index: 1 } }\n',
    );
    const spec = await loadExperiment(f, prompts);
    const [a, b] = await prepareVariants(spec, scenario, path.join(tmp, 'work'));
    expect(a!.promptsDir).toBe(prompts);
    expect(b!.promptsDir).toBe(path.join(tmp, 'work', 'variants', 'b', 'prompts'));
    expect(b!.prompts.source('task')).toContain('Write the migration, carefully.');
    expect(b!.promptHashes.task).not.toBe(a!.promptHashes.task);
    expect(b!.promptHashes['persona-system']).toBe(a!.promptHashes['persona-system']);
    expect(b!.mistakes.size).toBe(a!.mistakes.size);
    expect(b!.scenario.cast.get('jordan')).toMatchObject({ errorRate: 0.9, tendencies: { 'fk-missing-index': 1 } });
    expect(a!.scenario.cast.get('jordan')!.errorRate).toBe(0.4);
    expect(scenario.cast.get('jordan')!.errorRate).toBe(0.4);
  });

  it('names the line of an unknown persona and of an overlay that overrides nothing', async () => {
    const f = path.join(tmp, 'variants-bad.yaml');
    await writeFile(f, 'models:\n  - { name: f, provider: fake, behaviour: faithful }\nvariants:\n  - name: a\n    personas:\n      jordann: { errorRate: 0.9 }\n');
    const err = await prepareVariants(await loadExperiment(f, prompts), scenario, path.join(tmp, 'work2')).catch((e: unknown) => e);
    expect((err as InputError).message).toBe(`${f}:6: experiment: variants[0].personas: "jordann" is not in the cast of taskpilot (alex, sam, jordan, database-engineer, data-engineer)`);
    const typo = path.join(tmp, 'typo');
    await mkdir(typo, { recursive: true });
    await writeFile(path.join(typo, 'taks.hbs'), 'x');
    const g = path.join(tmp, 'variants-typo.yaml');
    await writeFile(g, 'models:\n  - { name: f, provider: fake, behaviour: faithful }\nvariants:\n  - name: a\n    prompts: typo\n');
    const err2 = await prepareVariants(await loadExperiment(g, prompts), scenario, path.join(tmp, 'work3')).catch((e: unknown) => e);
    expect((err2 as InputError).message).toMatch(/:5: prompts overlay .*taks\.hbs overrides no template/);
  });
});

describe('response cache', () => {
  class Stub implements LlmProvider {
    readonly name = 'stub';
    calls = 0;
    async complete<T>(req: LlmRequest<T>): Promise<LlmResult<T>> {
      this.calls++;
      return {
        value: req.schema.parse({ n: this.calls }),
        raw: `{"n":${this.calls}}`,
        usage: { inputTokens: 10, outputTokens: 2, cachedInputTokens: 0 },
        costUsd: 0.5,
        latencyMs: 42,
        provider: 'stub',
        model: req.model,
        attempts: 1,
      };
    }
  }
  const schema = z.object({ n: z.number() });
  const req = (over: Partial<LlmRequest<{ n: number }>> = {}): LlmRequest<{ n: number }> => ({
    system: 'sys',
    messages: [{ role: 'user', content: 'hi' }],
    schema,
    schemaName: 'thing',
    model: 'm',
    temperature: 0.2,
    seed: 1,
    purpose: { kind: 'write', personaId: 'p', entryId: 'e', round: 0 },
    ...over,
  });

  it('answers the same request from disk, any other one from the provider', async () => {
    const dir = path.join(tmp, 'cache-a');
    const inner = new Stub();
    const a = new CachedProvider(inner, new ResponseCache(dir));
    expect((await a.complete(req())).value).toEqual({ n: 1 });
    const b = new CachedProvider(inner, new ResponseCache(dir));
    const hit = await b.complete(req({ purpose: { kind: 'write', personaId: 'p', entryId: 'e', round: 0 } }));
    expect(hit).toMatchObject({ value: { n: 1 }, costUsd: 0.5, latencyMs: 42 });
    expect(b.stats).toEqual({ hits: 1, misses: 0, spentUsd: 0 });
    for (const over of [{ seed: 2 }, { temperature: 0.3 }, { model: 'm2' }, { system: 'other' }, { messages: [{ role: 'user' as const, content: 'ho' }] }]) {
      await b.complete(req(over));
    }
    expect(inner.calls).toBe(6);
    expect(b.stats).toMatchObject({ hits: 1, misses: 5, spentUsd: 2.5 });
    // The schema is part of the key.
    expect(cacheKey('stub', req() as LlmRequest<unknown>)).not.toBe(cacheKey('stub', { ...req(), schema: z.object({ n: z.string() }) } as LlmRequest<unknown>));
  });

  it('refresh asks again and overwrites; off neither reads nor writes', async () => {
    const dir = path.join(tmp, 'cache-b');
    const inner = new Stub();
    await new CachedProvider(inner, new ResponseCache(dir)).complete(req());
    const refreshed = await new CachedProvider(inner, new ResponseCache(dir, 'refresh')).complete(req());
    expect(refreshed.value).toEqual({ n: 2 });
    expect((await new CachedProvider(inner, new ResponseCache(dir)).complete(req())).value).toEqual({ n: 2 });
    await new CachedProvider(inner, new ResponseCache(dir, 'off')).complete(req());
    expect(inner.calls).toBe(3);
  });
});

describe('metrics', () => {
  const entryRecord = (over: Partial<EntryRecord>): EntryRecord => ({
    entryId: 'day-01',
    index: 0,
    dayStart: 1,
    dayEnd: 1,
    week: 1,
    personaId: 'jordan',
    personaName: 'Jordan',
    title: 't',
    verdictTag: 'good',
    plan: { defects: [], source: 'none' },
    rounds: [{ round: 0, title: 't', rationale: '', upSql: 'SELECT 1;', downSql: '', notes: '', findings: [], gate: 'apply', gateReason: '' }],
    status: 'applied',
    reason: '',
    realisedDefects: [],
    reviewerCaught: [],
    tokens: { input: 0, output: 0, cachedInput: 0 },
    costUsd: 0,
    startedAt: '',
    finishedAt: '',
    durationMs: 0,
    ...over,
  });

  it('computes realised, unintended (hazards apart), leaks, catches and per-persona error rates', async () => {
    const mistakes = await loadMistakeCatalog(prompts);
    const entries = [
      // planned + realised + caught; a hazard alongside
      entryRecord({ entryId: 'a', plan: { defects: ['fk-missing-index'], source: 'drawn' }, realisedDefects: ['fk-missing-index', 'index-not-concurrent'], reviewerCaught: ['fk-missing-index'] }),
      // planned, not realised, with a confession
      entryRecord({
        entryId: 'b',
        plan: { defects: ['boolean-as-text'], source: 'roadmap' },
        rounds: [{ round: 0, title: 't', rationale: 'as instructed', upSql: 'SELECT 1;', downSql: '', notes: '', findings: [], gate: 'apply', gateReason: '' }],
      }),
      // unplanned, with an unintended design defect
      entryRecord({ entryId: 'c', personaId: 'alex', personaName: 'Alex', realisedDefects: ['redundant-index'] }),
      // unplanned, clean, failed
      entryRecord({ entryId: 'd', personaId: 'alex', personaName: 'Alex', status: 'failed' }),
      // planned apply-error: not realisable, no directive
      entryRecord({ entryId: 'e', personaId: 'alex', personaName: 'Alex', plan: { defects: ['apply-error'], source: 'roadmap' }, status: 'failed' }),
    ];
    const record = { entries, totals: { tokens: { input: 100, output: 10, cachedInput: 5 }, costUsd: 0.25 } } as unknown as RunRecord;
    const calls = [10, 20, 30, 40, 1000].map((latencyMs) => ({ kind: 'write' as const, entryId: 'a', personaId: 'jordan', latencyMs, wallMs: latencyMs, inputTokens: 0, outputTokens: 0, costUsd: 0, ok: true }));
    const { metrics: m, leaks: found } = computeTrialMetrics(
      record,
      calls,
      { mistakes, roadmap: new Map(), personas: [{ id: 'jordan', errorRate: 0.4 }, { id: 'alex', errorRate: 0.1 }] },
      { durationMs: 1234.4, cacheHits: 2, spentUsd: 0.1 },
    );
    expect(m).toMatchObject({
      entries: 5,
      applied: 3,
      failed: 2,
      valid_rate: 0.6,
      acceptance_rate: 0.6,
      planned_entries: 2,
      realised_rate: 0.5,
      realised_rate_drawn: 1,
      realised_rate_roadmap: 0,
      unintended_per_entry: 0.2,
      unintended_share: 0.2,
      hazards_per_entry: 0.2,
      leak_rate: 0.5,
      leak_rate_unplanned: 0,
      reviewer_catch_rate: 0.5,
      'error_rate.jordan': 0.5,
      'planned_rate.jordan': 1,
      'target_rate.jordan': 0.4,
      'error_rate.alex': 1 / 3,
      'planned_rate.alex': 1 / 3,
      cost_usd: 0.25,
      latency_p50_ms: 30,
      latency_p95_ms: 1000,
      calls: 5,
      duration_ms: 1234,
    });
    expect(m.calibration_error).toBeCloseTo((0.1 + (1 / 3 - 0.1)) / 2, 9);
    expect(m.faithfulness_gap).toBeCloseTo(0.25, 9);
    expect(found).toEqual([{ entryId: 'b', round: 0, directive: true, hits: [{ source: 'rationale', kind: 'phrase', id: 'as-instructed', match: 'as instructed' }] }]);
  });

  it('summarises across seeds: mean, sample sd, min, max; percentiles by nearest rank', () => {
    expect(summarise([1, 2, 3, null])).toEqual({ mean: 2, stdev: 1, min: 1, max: 3, n: 3 });
    expect(summarise([0.5])).toEqual({ mean: 0.5, stdev: 0, min: 0.5, max: 0.5, n: 1 });
    expect(summarise([null])).toEqual({ mean: null, stdev: null, min: null, max: null, n: 0 });
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([], 95)).toBeNull();
  });
});

