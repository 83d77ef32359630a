import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../src/errors.js';
import { parseRoadmap, entryId, verdictOf, expectationsOf } from '../../src/scenario/roadmap.js';
import { KNOWN_RULE_IDS } from '../../src/scenario/rule-ids.js';
import { SCENARIOS_DIR } from '../../src/scenario/scenario.js';
import type { RoadmapEntry } from '../../src/scenario/types.js';

const CAST = [
  { id: 'alex', name: 'Alex' },
  { id: 'sam', name: 'Sam' },
  { id: 'jordan', name: 'Jordan' },
  { id: 'database-engineer', name: 'Morgan' },
  { id: 'data-engineer', name: 'Priya' },
];

const FILE = path.join(SCENARIOS_DIR, 'taskpilot', 'roadmap.md');
const roadmap = parseRoadmap(readFileSync(FILE, 'utf8'), FILE, CAST);
const byId = new Map(roadmap.map((e) => [e.id, e]));

// Every entry of the 60-day plan: id, persona, title, verdict tag, planted defects.
const SEED_PLAN: Array<[string, string, string, string, string[]]> = [
  ['day-01', 'alex', 'Add time tracking columns to issues', 'good', []],
  ['day-02', 'sam', 'Create time entries table', 'issue', ['fk-missing-index']],
  ['day-03', 'jordan', 'Add billable flag', 'issue', ['boolean-as-text']],
  ['day-04', 'alex', "Fix Jordan's mistake + add proper index", 'good', []],
  ['day-05', 'sam', 'Add time tracking summary view', 'good', []],
  ['day-06', 'alex', 'Add custom fields JSONB column', 'good', []],
  ['day-07', 'sam', 'Create custom field definitions table', 'issue', ['redundant-index']],
  ['day-08', 'jordan', 'Add default value column', 'issue', []],
  ['day-09-10', 'alex', 'Add field validation', 'good', []],
  ['day-11', 'alex', 'Add tsvector column for search', 'good', []],
  ['day-12', 'sam', 'Add trigram index for fuzzy search', 'issue', []],
  ['day-13', 'jordan', 'Add search to comments', 'issue', ['column-never-populated']],
  ['day-14-15', 'alex', 'Fix comment search + add unified search view', 'good', []],
  ['day-16', 'sam', 'Add SLA tables', 'mixed', ['fk-missing-index']],
  ['day-17', 'jordan', 'Add SLA breach notifications', 'issue', ['apply-error']],
  ['day-18-19', 'alex', 'Fix SLA issues', 'good', []],
  ['day-20', 'sam', 'Add SLA metrics materialized view', 'good', []],
  ['day-21', 'alex', 'Add rate limiting table', 'good', []],
  ['day-22', 'sam', 'Add request body logging', 'issue', []],
  ['day-23', 'jordan', 'Try to add index on request_body', 'issue', ['btree-on-large-text']],
  ['day-24-25', 'alex', 'Fix and optimize', 'good', []],
  ['day-26', 'sam', 'Create issue templates table', 'good', []],
  ['day-27', 'jordan', 'Add template usage tracking', 'issue', ['fk-missing-index']],
  ['day-28', 'alex', 'Add template index + usage stats', 'good', []],
  ['day-29-30', 'sam', 'Template versioning', 'mixed', ['redundant-index']],
  ['day-31', 'alex', 'Recurring issue configuration', 'good', []],
  ['day-32', 'jordan', 'Track created issues', 'issue', ['uuid-as-text']],
  ['day-33-34', 'sam', 'Add failure tracking', 'mixed', ['low-cardinality-index']],
  ['day-35', 'alex', 'Cleanup and fixes', 'good', []],
  ['day-36', 'alex', 'Automation rules table', 'good', []],
  ['day-37', 'sam', 'Automation execution log', 'issue', ['fk-missing-index']],
  ['day-38-39', 'jordan', 'Add batch processing', 'issue', ['not-null-without-default']],
  ['day-40', 'alex', 'Fix batch_id and add missing indexes', 'good', []],
  ['day-41', 'alex', 'Project metrics table', 'good', []],
  ['day-42', 'sam', 'User activity metrics', 'issue', ['wide-table']],
  ['day-43', 'jordan', 'Add real-time counters', 'issue', []],
  ['day-44-45', 'alex', 'Add materialized views for dashboards', 'good', []],
  ['day-46', 'sam', 'External sync status table', 'mixed', ['fk-missing-index']],
  ['day-47', 'jordan', 'Add GitHub PR linking', 'issue', ['fk-missing-index']],
  ['day-48', 'alex', 'Fix external links indexing', 'good', []],
  ['day-49-50', 'sam', 'Webhook delivery tracking', 'good', []],
  ['day-51', 'alex', 'Partition activity_log', 'good', []],
  ['day-52-53', 'sam', 'Partition api_request_log', 'issue', ['partition-missing-default']],
  ['day-54', 'jordan', 'Try to drop old partition', 'issue', ['destructive-drop', 'apply-error']],
  ['day-55', 'alex', 'Add default partitions + cleanup script', 'good', []],
  ['day-56', 'alex', 'Add read-replica safe views', 'good', []],
  ['day-57-58', 'sam', 'Add dashboard aggregations', 'mixed', []],
  ['day-59', 'jordan', 'Add query hints', 'issue', ['ineffective-hint']],
  ['day-60', 'alex', 'Final cleanup and documentation', 'good', []],
];

const NEW_WEEKS: Array<[string, string, string, string[]]> = [
  ['day-61', 'database-engineer', 'good', []],
  ['day-62', 'database-engineer', 'good', []],
  ['day-63', 'database-engineer', 'issue', ['tenant-unique-missing-tenant']],
  ['day-64', 'database-engineer', 'good', []],
  ['day-65', 'database-engineer', 'good', []],
  ['day-66', 'data-engineer', 'good', []],
  ['day-67', 'data-engineer', 'mixed', ['partition-missing-default']],
  ['day-68', 'data-engineer', 'issue', ['json-not-jsonb', 'timestamp-without-tz']],
  ['day-69', 'data-engineer', 'issue', ['matview-no-unique-index']],
  ['day-70', 'data-engineer', 'good', []],
];

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('the TaskPilot roadmap', () => {
  it('has the 49 entries of the 60-day plan plus the two new weeks, in order', () => {
    expect(roadmap).toHaveLength(SEED_PLAN.length + NEW_WEEKS.length);
    expect(roadmap.map((e) => e.id)).toEqual([...SEED_PLAN.map((p) => p[0]), ...NEW_WEEKS.map((p) => p[0])]);
    roadmap.forEach((e, i) => expect(e.index).toBe(i));
  });

  it.each(SEED_PLAN)('%s: %s, "%s", %s, planted %j', (id, persona, title, verdict, defects) => {
    const e = byId.get(id)!;
    expect(e).toBeDefined();
    expect(e.personaId).toBe(persona);
    expect(e.title).toBe(title);
    expect(e.verdict).toBe(verdict);
    expect(e.plantedDefects).toEqual(defects);
  });

  it.each(NEW_WEEKS)('%s: %s, %s, planted %j', (id, persona, verdict, defects) => {
    const e = byId.get(id)!;
    expect(e.personaId).toBe(persona);
    expect(e.verdict).toBe(verdict);
    expect(e.plantedDefects).toEqual(defects);
  });

  it('counts entries per persona', () => {
    const count = (id: string) => roadmap.filter((e) => e.personaId === id).length;
    expect(count('alex')).toBe(21);
    expect(count('sam')).toBe(16);
    expect(count('jordan')).toBe(12);
    expect(count('database-engineer')).toBe(5);
    expect(count('data-engineer')).toBe(5);
  });

  it('reads day ranges and weeks', () => {
    expect(byId.get('day-09-10')).toMatchObject({ dayStart: 9, dayEnd: 10, week: 2, weekTitle: 'Custom Fields' });
    expect(byId.get('day-57-58')).toMatchObject({ dayStart: 57, dayEnd: 58, week: 12 });
    expect(byId.get('day-02')).toMatchObject({ dayStart: 2, dayEnd: 2, week: 1, weekTitle: 'Time Tracking Feature' });
    expect(byId.get('day-61')).toMatchObject({ week: 13, weekTitle: 'Multi-tenant hardening' });
    expect(byId.get('day-70')).toMatchObject({ week: 14, weekTitle: 'Analytics modelling' });
    // Every day from 1 to 70 is planned exactly once.
    const days = roadmap.flatMap((e) => Array.from({ length: e.dayEnd - e.dayStart + 1 }, (_, k) => e.dayStart + k));
    expect(days).toEqual(Array.from({ length: 70 }, (_, k) => k + 1));
  });

  it('points each entry at its heading line', () => {
    const lines = readFileSync(FILE, 'utf8').split('\n');
    for (const e of roadmap) {
      expect(e.file).toBe(FILE);
      expect(lines[e.line - 1]).toMatch(/^### Day \d+/);
      expect(lines[e.line - 1]).toContain(e.title);
    }
  });

  it('gives every entry a product task without SQL', () => {
    for (const e of roadmap) {
      expect(e.task.length, e.id).toBeGreaterThan(40);
      expect(e.task, e.id).not.toMatch(/\b(CREATE|ALTER|DROP|INSERT|UPDATE|SELECT|ADD)\s+(TABLE|INDEX|UNIQUE|MATERIALIZED|VIEW|TYPE|COLUMN|CONSTRAINT|TRIGGER|FUNCTION|INTO|FROM)\b/i);
      // No identifiers either (snake_case names, backticks).
      expect(e.task, e.id).not.toMatch(/\b[a-z]+_[a-z_]+\b|`/);
    }
  });

  it('keeps the reference SQL, intended failures included', () => {
    expect(byId.get('day-17')!.referenceSql).toContain("VALUES ('...', 'sla_breach', 'SLA Breached!');");
    expect(byId.get('day-54')!.referenceSql).toContain('DROP TABLE activity_log_y2024m01;');
    expect(byId.get('day-38-39')!.referenceSql).toContain('ADD COLUMN batch_id UUID NOT NULL;');
    expect(byId.get('day-59')!.referenceSql).toMatch(/^SELECT \/\*\+ IndexScan\(issues idx_issues_status\) \*\/ count\(\*\) FROM issues/m);
    // Day 43 is application code: comments only.
    expect(byId.get('day-43')!.referenceSql.split('\n').every((l) => !l.trim() || l.trim().startsWith('--'))).toBe(true);
    for (const e of roadmap) expect(e.referenceSql).not.toMatch(/^```/m);
  });

  it('records incidental findings and notes, and what the plan says should be detected', () => {
    expect(byId.get('day-21')!.incidentalDefects).toEqual(['fk-missing-index']);
    expect(byId.get('day-51')!.incidentalDefects).toEqual(['partition-missing-default']);
    expect(byId.get('day-01')!.incidentalDefects).toEqual([]);
    expect(byId.get('day-43')!.notes).toMatch(/application code/i);
    expect(byId.get('day-02')!.expectations).toContain('postgres_ai should detect: FK without supporting index');
    expect(byId.get('day-07')!.expectations.some((x) => x.startsWith('REDUNDANT!'))).toBe(true);
    expect(byId.get('day-01')!.expectations).toEqual([]);
    for (const e of roadmap) {
      if (e.verdict !== 'good') expect(e.expectations.length, e.id).toBeGreaterThan(0);
      for (const id of [...e.plantedDefects, ...(e.incidentalDefects ?? [])]) expect(KNOWN_RULE_IDS).toContain(id);
    }
  });
});

describe('parseRoadmap helpers', () => {
  it('builds zero-padded ids', () => {
    expect(entryId(2, 2)).toBe('day-02');
    expect(entryId(9, 10)).toBe('day-09-10');
    expect(entryId(61, 61)).toBe('day-61');
  });

  it('takes the verdict from the first tag, else from the defects', () => {
    expect(verdictOf('-- MIXED: a\n-- ISSUE: b\nSELECT 1;', [])).toBe('mixed');
    expect(verdictOf("SELECT '-- GOOD';", ['wide-table'])).toBe('issue');
    expect(verdictOf('SELECT 1; -- fine', [])).toBe('good');
  });

  it('joins wrapped comment sentences into one expectation', () => {
    expect(expectationsOf('-- ISSUE: this is wrapped\n-- over two lines.\n-- Should detect: x\nSELECT 1;')).toEqual([
      'ISSUE: this is wrapped over two lines.',
      'Should detect: x',
    ]);
  });
});

describe('bad roadmaps', () => {
  const entry = (heading: string, body = 'Task: Users want a thing done well for them.\n\nDefects: none\n\n```sql\nSELECT 1;\n```\n') =>
    `${heading}\n\n${body}`;
  const doc = (...entries: string[]) => `# Plan\n\nIntro prose.\n\n## Week 1: Start\n\n${entries.join('\n')}`;
  const parse = (md: string) => parseRoadmap(md, 'plan.md', CAST);

  it('accepts a minimal roadmap and ignores prose and other headings', () => {
    const md = `# Plan\n\n## Cast\n\n### Alex\nprose\n\n## Week 1: Start\n\n### Notes on style\nignored\n\n${entry('### Day 1 (alex) - One')}`;
    const [e] = parse(md);
    expect(e).toMatchObject({ id: 'day-01', personaId: 'alex', title: 'One', verdict: 'good', plantedDefects: [], line: 13 });
  });

  it('rejects an unknown persona at its heading line', () => {
    const err = thrown(() => parse(doc(entry('### Day 1 (Alex) - One'), entry('### Day 2 (Casey) - Two'))));
    expect(err.file).toBe('plan.md');
    expect(err.line).toBe(17);
    expect(err.message).toMatch(/^plan\.md:17: unknown persona "Casey"/);
  });

  it('rejects an entry without a sql block', () => {
    const err = thrown(() => parse(doc(entry('### Day 1 (Sam) - One', 'Task: Users want things.\n\nDefects: none\n'))));
    expect(err.line).toBe(7);
    expect(err.detail).toMatch(/no ```sql block/);
  });

  it('rejects an unknown rule id at the Defects line', () => {
    const err = thrown(() =>
      parse(doc(entry('### Day 1 (Sam) - One', 'Task: Users want things.\n\nDefects: fk-missing-index, missing-everything\n\n```sql\nSELECT 1;\n```\n'))),
    );
    expect(err.line).toBe(11);
    expect(err.detail).toMatch(/unknown rule id "missing-everything"/);
  });

  it('rejects a backwards day range, a duplicate day, a missing Task or Defects line', () => {
    expect(thrown(() => parse(doc(entry('### Day 5-3 (Sam) - One')))).line).toBe(7);
    const dup = thrown(() => parse(doc(entry('### Day 1-2 (Sam) - One'), entry('### Day 2 (Alex) - Two'))));
    expect(dup.line).toBe(17);
    expect(dup.detail).toMatch(/day 2 is already planned by the entry at line 7/);
    const noTask = thrown(() => parse(doc(entry('### Day 1 (Sam) - One', 'Defects: none\n\n```sql\nSELECT 1;\n```\n'))));
    expect(noTask.line).toBe(7);
    expect(noTask.detail).toMatch(/no Task:/);
    const noDefects = thrown(() => parse(doc(entry('### Day 1 (Sam) - One', 'Task: Users want things.\n\n```sql\nSELECT 1;\n```\n'))));
    expect(noDefects.detail).toMatch(/no Defects: line/);
  });

  it('rejects malformed headings, entries outside a week and empty roadmaps', () => {
    expect(thrown(() => parse(doc(entry('### Day one (Sam) - One')))).line).toBe(7);
    expect(thrown(() => parse(`# Plan\n\n${entry('### Day 1 (Sam) - One')}`)).detail).toMatch(/outside a "## Week/);
    expect(thrown(() => parse('# Plan\n\nNothing yet.\n')).detail).toMatch(/no roadmap entries/);
  });

  it('accepts the cast as a Map of personas', () => {
    const cast = new Map(CAST.map((p) => [p.id, p]));
    const [e] = parseRoadmap(doc(entry('### Day 3 (morgan) - Three')), 'x.md', cast) as [RoadmapEntry];
    expect(e.personaId).toBe('database-engineer');
    const [f] = parseRoadmap(doc(entry('### Day 3 (Jordan) - Three')), 'x.md', ['jordan']) as [RoadmapEntry];
    expect(f.personaId).toBe('jordan');
  });
});
