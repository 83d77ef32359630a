import { describe, it, expect, beforeAll } from 'vitest';
import path from 'node:path';
import { planEntry } from '../../src/plan/planner.js';
import { ensureParser, changeShape } from '../../src/plan/shape.js';
import { loadMistakeCatalog, type MistakeCatalog } from '../../src/plan/mistakes.js';
import { rngFor, weightedPick } from '../../src/plan/rng.js';
import type { Persona, RoadmapEntry } from '../../src/scenario/types.js';

const persona = (errorRate: number, tendencies: Record<string, number>): Persona => ({
  id: 'p',
  name: 'P',
  role: 'engineer',
  kind: 'engineer',
  years: 1,
  errorRate,
  tendencies,
  style: [],
  prompt: '',
  file: 'agents/p.md',
});

const entry = (id: string, sql: string, plantedDefects: string[] = []): RoadmapEntry => ({
  id,
  index: 0,
  dayStart: 1,
  dayEnd: 1,
  week: 1,
  weekTitle: 'Week 1',
  personaId: 'p',
  title: id,
  task: 'do it',
  referenceSql: sql,
  verdict: plantedDefects.length ? 'issue' : 'good',
  plantedDefects,
  expectations: [],
  file: 'roadmap.md',
  line: 1,
});

const createWithFk = 'CREATE TABLE t (id uuid PRIMARY KEY, issue_id uuid REFERENCES issues(id));';

let catalog: MistakeCatalog;
beforeAll(async () => {
  await ensureParser();
  catalog = await loadMistakeCatalog(path.resolve('prompts'));
});

describe('mistake planner', () => {
  it('is deterministic per (seed, entry) and differs across seeds', () => {
    const p = persona(0.5, { 'fk-missing-index': 1, 'boolean-as-text': 1 });
    const plans = (seed: number) => Array.from({ length: 40 }, (_, i) => planEntry(seed, entry(`day-${i}`, createWithFk), p, catalog));
    expect(plans(7)).toEqual(plans(7));
    expect(plans(7)).not.toEqual(plans(8));
  });

  it('lets the roadmap\'s own planted defect take precedence', () => {
    const plan = planEntry(1, entry('day-02', createWithFk, ['fk-missing-index']), persona(0, {}), catalog);
    expect(plan).toMatchObject({ defects: ['fk-missing-index'], source: 'roadmap' });
  });

  it('plants mistakes at about the persona\'s error rate over many entries', () => {
    for (const rate of [0.1, 0.25, 0.4]) {
      const p = persona(rate, { 'fk-missing-index': 1 });
      const n = 4000;
      let planted = 0;
      for (let i = 0; i < n; i++) if (planEntry(3, entry(`e${i}`, createWithFk), p, catalog).defects.length) planted++;
      expect(Math.abs(planted / n - rate)).toBeLessThan(0.025);
    }
  });

  it('only draws mistakes that fit the change', () => {
    const p = persona(1, { 'partition-missing-default': 5, 'boolean-as-text': 1 });
    const addColumn = entry('day-x', 'ALTER TABLE issues ADD COLUMN flag text;');
    for (let seed = 0; seed < 50; seed++) {
      expect(planEntry(seed, addColumn, p, catalog).defects).toEqual(['boolean-as-text']);
    }
    // Nothing in the persona's tendencies fits a comment-only change: no mistake, whatever the draw.
    const comment = entry('day-y', "COMMENT ON TABLE issues IS 'x';");
    expect(planEntry(1, comment, persona(1, { 'fk-missing-index': 1 }), catalog)).toMatchObject({ defects: [], source: 'none' });
  });

  it('reads the shape of a change from the parser', () => {
    expect([...changeShape(createWithFk)].sort()).toEqual(['any', 'create_table', 'foreign_key']);
    const part = changeShape(`CREATE TABLE l (id bigint, at timestamptz) PARTITION BY RANGE (at); CREATE UNIQUE INDEX u ON l (id, at);`);
    expect(part.has('partition') && part.has('unique') && part.has('create_index')).toBe(true);
    expect([...changeShape('this is not sql')]).toEqual(['any']);
  });

  it('weighted picks follow the weights', () => {
    const rng = rngFor(1, 'w');
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 3000; i++) counts[weightedPick(rng, { a: 3, b: 1 })!]++;
    expect(counts.a / 3000).toBeGreaterThan(0.7);
    expect(counts.a / 3000).toBeLessThan(0.8);
    expect(weightedPick(rng, { a: 0 })).toBeUndefined();
  });

  it('every directive in the catalog names a real shape and reads as a habit, not a confession', () => {
    expect(catalog.size).toBeGreaterThan(15);
    for (const m of catalog.values()) {
      expect(m.directive).not.toMatch(/mistake|defect|deliberate|on purpose/i);
    }
  });
});
