import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dayLabel,
  escapeTextBinds,
  personaInitials,
  planMigrations,
  simulatedTime,
  slugify,
} from '../../src/report/migrations-export.js';
import { mappedRules, postgresAiReportFor, reportMappingFor } from '../../src/report/postgres-ai.js';
import { KNOWN_RULE_IDS } from '../../src/scenario/rule-ids.js';
import type { GroundTruthDefect, RunRecord } from '../../src/report/types.js';
import { summarisePersonas, totals, writeRunReports, type ExpectedFindings } from '../../src/report/write-run.js';
import { PERSONAS, fixtureEntries, fixtureRun } from './fixture.js';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'schemacrew-report-'));
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const read = (p: string) => fs.readFileSync(p, 'utf8');

describe('summarisePersonas and totals', () => {
  it('computes the rates over attempted entries and sums cost and tokens', () => {
    const run = fixtureRun();
    const s = summarisePersonas(run.entries, PERSONAS);
    expect(s.map((p) => p.personaId)).toEqual(['alex', 'sam', 'jordan']);
    const [alex, sam, jordan] = s;
    expect(alex).toMatchObject({ name: 'Alex Chen', targetErrorRate: 0.1, entries: 2, plannedRate: 0, realisedRate: 0.5, costUsd: 0.0256 });
    expect(alex!.tokens).toEqual({ input: 5000, output: 1300, cachedInput: 2700 });
    expect(sam).toMatchObject({ entries: 1, plannedRate: 1, realisedRate: 1, costUsd: 0.0171 });
    // Jordan: one planned mistake (rejected, so not realised) and one clean failure.
    expect(jordan).toMatchObject({ entries: 2, plannedRate: 0.5, realisedRate: 0, costUsd: 0.041 });
  });

  it('appends personas seen only in entries, and ignores planned/skipped entries in rates', () => {
    const entries = fixtureEntries();
    entries.push({ ...entries[0]!, entryId: 'day-09', index: 5, personaId: 'dana', personaName: 'Dana DBA', status: 'skipped' });
    const s = summarisePersonas(entries, PERSONAS.slice(0, 1));
    expect(s.map((p) => p.personaId)).toEqual(['alex', 'sam', 'jordan', 'dana']);
    expect(s[3]).toMatchObject({ name: 'Dana DBA', targetErrorRate: 0, entries: 0, plannedRate: 0, realisedRate: 0 });
  });

  it('totals count statuses and sum tokens and cost', () => {
    expect(totals(fixtureEntries())).toEqual(fixtureRun().totals);
    expect(totals([])).toEqual({ entries: 0, applied: 0, rejected: 0, failed: 0, skipped: 0, tokens: { input: 0, output: 0, cachedInput: 0 }, costUsd: 0 });
  });
});

describe('postgres_ai mapping', () => {
  it('maps the index defects to their reports and leaves unreportable rules out', () => {
    expect(postgresAiReportFor('fk-missing-index')).toBe('H003');
    expect(postgresAiReportFor('redundant-index')).toBe('H004');
    expect(postgresAiReportFor('low-cardinality-index')).toBe('H002');
    expect(postgresAiReportFor('btree-on-large-text')).toBe('H002');
    expect(postgresAiReportFor('timestamp-without-tz')).toBeUndefined();
    expect(postgresAiReportFor('index-not-concurrent')).toBeUndefined();
    expect(postgresAiReportFor('no-such-rule')).toBeUndefined();
    expect(postgresAiReportFor('constructor')).toBeUndefined();
    expect(mappedRules()).toEqual(['btree-on-large-text', 'fk-missing-index', 'low-cardinality-index', 'redundant-index']);
  });

  it('has a documented decision for every rule of the vocabulary', () => {
    for (const rule of KNOWN_RULE_IDS) {
      const m = reportMappingFor(rule);
      expect(m, rule).toBeDefined();
      expect(m!.why.length, rule).toBeGreaterThan(10);
    }
  });
});

describe('migration naming helpers', () => {
  it('slugs, day labels, initials and the simulated clock', () => {
    expect(slugify('Create time entries table')).toBe('create_time_entries_table');
    expect(slugify('Index time entries by project (reports page)')).toBe('index_time_entries_by_project_reports_pa');
    expect(slugify('Index time entries by project (reports page)').length).toBeLessThanOrEqual(40);
    expect(slugify('Ünïcode -- títle!')).toBe('unicode_title');
    expect(slugify('!!!')).toBe('change');
    expect(slugify('a'.repeat(39) + ' b')).toBe('a'.repeat(39));
    expect(dayLabel(2, 2)).toBe('d02');
    expect(dayLabel(9, 10)).toBe('d09-10');
    expect(personaInitials('Alex Chen')).toBe('ac');
    expect(personaInitials('Sam')).toBe('sa');
    expect(personaInitials('Mary Ann Lee')).toBe('mal');
    expect(simulatedTime('2025-01-06', 1, 0).toISOString()).toBe('2025-01-06T10:00:00.000Z');
    expect(simulatedTime('2025-01-06', 9, 12).toISOString()).toBe('2025-01-14T10:00:12.000Z');
  });

  it('escapes only what SQLAlchemy text() would read as a bind parameter', () => {
    expect(escapeTextBinds("SELECT 1::int, ':x', y := 2")).toBe("SELECT 1::int, '\\:x', y := 2");
    expect(escapeTextBinds("'10:30'")).toBe("'10:30'");
  });
});

describe('writeRunReports', () => {
  let dir: string;
  let files: string[];
  const run = fixtureRun();

  beforeAll(async () => {
    dir = path.join(root, run.meta.runId);
    files = await writeRunReports(dir, run, { generatedAt: '2025-03-01T10:00:00.000Z' });
  });

  it('writes every file and returns the paths', () => {
    for (const name of ['report.json', 'report.md', 'report.html', 'expected-findings.json']) {
      expect(files).toContain(path.join(dir, name));
    }
    for (const f of files) expect(fs.existsSync(f)).toBe(true);
    // No temporary files left behind.
    expect(fs.readdirSync(dir).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it('report.json is the RunRecord, with a stable key order and 2-space indent', async () => {
    const text = read(path.join(dir, 'report.json'));
    expect(JSON.parse(text)).toEqual(run);
    expect(text.startsWith('{\n  "meta": {')).toBe(true);
    // Same record built with another key order gives the same bytes.
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverseKeys)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]))
          : v;
    const shuffled = reverseKeys(run) as RunRecord;
    expect(Object.keys(shuffled)[0]).toBe('totals');
    const other = path.join(root, 'shuffled');
    await writeRunReports(other, shuffled);
    expect(read(path.join(other, 'report.json'))).toBe(text);
  });

  it('expected-findings.json splits live and fixed, sorted, with postgres_ai report ids', () => {
    const key = JSON.parse(read(path.join(dir, 'expected-findings.json'))) as ExpectedFindings;
    expect(Object.keys(key)).toEqual(['scenario', 'database', 'generatedAt', 'runId', 'live', 'fixed']);
    expect(key).toMatchObject({
      scenario: 'taskpilot',
      database: '127.0.0.1:5432/taskpilot_s42',
      generatedAt: '2025-03-01T10:00:00.000Z',
      runId: run.meta.runId,
    });
    expect(key.live.map((d) => [d.entryId, d.rule, d.postgresAiReport])).toEqual([
      ['day-02', 'timestamp-without-tz', undefined],
      ['day-08', 'redundant-index', 'H004'],
    ]);
    expect('postgresAiReport' in key.live[0]!).toBe(false);
    expect(key.fixed).toHaveLength(1);
    expect(Object.keys(key.fixed[0]!)).toEqual([
      'id', 'rule', 'postgresAiReport', 'postgresAiConfidence', 'objects', 'message', 'entryId', 'personaId', 'planned', 'reviewerCaught', 'introducedAt', 'fixedByEntryId', 'fixedAt',
    ]);
    const fixed = key.fixed[0] as GroundTruthDefect;
    expect(fixed).toMatchObject({ rule: 'fk-missing-index', postgresAiReport: 'H003', postgresAiConfidence: 'direct', fixedByEntryId: 'day-08', planned: true });
  });

  it('exports applied migrations with the specified names', () => {
    const names = fs.readdirSync(path.join(dir, 'migrations')).sort();
    expect(names).toEqual(
      [
        '0001_d01_alex_create_users_and_projects_tables.up.sql',
        '0001_d01_alex_create_users_and_projects_tables.down.sql',
        '0002_d02_sam_create_time_entries_table.up.sql',
        '0002_d02_sam_create_time_entries_table.down.sql',
        '0003_d08_alex_index_time_entries_by_project_reports_pa.up.sql',
        '0003_d08_alex_index_time_entries_by_project_reports_pa.down.sql',
        '20250106_100000_ac_create_users_and_projects_tables.py',
        '20250107_100001_sa_create_time_entries_table.py',
        '20250113_100004_ac_index_time_entries_by_project_reports_pa.py',
      ].sort(),
    );
    const up = read(path.join(dir, 'migrations', '0002_d02_sam_create_time_entries_table.up.sql'));
    expect(up).toMatch(/^-- schemacrew migration 0002 \(up\)\n/);
    expect(up).toContain('-- entry:   day-02');
    expect(up).toContain('-- persona: Sam (sam)');
    expect(up).toContain('-- title:   Create time entries table');
    expect(up).toContain(`-- run:     ${run.meta.runId}`);
    expect(up).toContain(run.entries[1]!.appliedSql!.up);
    const down = read(path.join(dir, 'migrations', '0002_d02_sam_create_time_entries_table.down.sql'));
    expect(down).toContain('DROP TABLE taskpilot.time_entries;');
  });

  it('chains the Alembic revisions and escapes triple quotes', () => {
    const m = (f: string) => read(path.join(dir, 'migrations', f));
    const a = m('20250106_100000_ac_create_users_and_projects_tables.py');
    const b = m('20250107_100001_sa_create_time_entries_table.py');
    const c = m('20250113_100004_ac_index_time_entries_by_project_reports_pa.py');
    expect(a).toContain('revision = "20250106_100000_ac"');
    expect(a).toContain('down_revision = None');
    expect(b).toContain('revision = "20250107_100001_sa"');
    expect(b).toContain('down_revision = "20250106_100000_ac"');
    expect(c).toContain('down_revision = "20250107_100001_sa"');
    expect(a).toMatch(/^"""Create users and projects tables\n/);
    expect(a).toContain('Author: Alex Chen (alex)');
    expect(a).toContain('def upgrade() -> None:\n    op.execute("""\nCREATE TABLE taskpilot.users');
    expect(a).toContain('def downgrade() -> None:\n    op.execute("""\nDROP TABLE taskpilot.projects;');
    // The bind-like ':pending' is escaped for text(), the backslash doubled for Python.
    expect(a).toContain("DEFAULT '\\\\:pending'");
    // Triple quotes in the SQL and the rationale never close the Python string.
    expect(c).toContain(`IS 'the \\"\\"\\"hot\\"\\"\\" path \\\\ reports'`);
    expect(c).toContain('sorts by \\"\\"\\"logged_at\\"\\"\\".');
    for (const text of [a, b, c]) {
      const body = text.replace(/\\"""/g, '').replace(/\\"/g, '');
      // Outside escapes, """ appears only as openers/closers: docstring 2 + upgrade 2 + downgrade 2.
      expect(body.match(/"""/g)).toHaveLength(6);
    }
    const revs = planMigrations(run).map((x) => x.revision);
    for (const r of revs) expect(r.length).toBeLessThanOrEqual(32);
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!python)('Alembic files are valid Python whose SQL round-trips', () => {
    const file = path.join(dir, 'migrations', '20250113_100004_ac_index_time_entries_by_project_reports_pa.py');
    const script = `
import ast, json, sys
src = open(sys.argv[1]).read()
tree = ast.parse(src)
doc = ast.get_docstring(tree)
calls = [n.args[0].value for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, 'attr', '') == 'execute']
assigns = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(n.value, ast.Constant)}
print(json.dumps({"doc": doc, "calls": calls, "revision": assigns.get("revision"), "down": assigns.get("down_revision")}))
`;
    const r = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { doc: string; calls: string[]; revision: string; down: string };
    const entry = run.entries[4]!;
    expect(out.calls[0]!.trim()).toBe(escapeTextBinds(entry.appliedSql!.up.trim()));
    expect(out.calls[1]!.trim()).toBe(entry.appliedSql!.down.trim());
    expect(out.doc).toContain('sorts by """logged_at""".');
    expect(out.revision).toBe('20250113_100004_ac');
    expect(out.down).toBe('20250107_100001_sa');
  });

  it('report.html is self-contained, escapes SQL and has the charts and details', () => {
    const html = read(path.join(dir, 'report.html'));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain('<svg');
    expect(html).toContain('0%');
    expect(html).toContain('100%');
    // SQL comparisons are escaped, never raw.
    expect(html).toContain('CHECK (minutes &gt; 0 AND minutes &lt;= 1440)');
    expect(html).not.toContain('minutes > 0');
    expect(html).toContain('WHERE is_done = false &lt;or drop it&gt;.');
    for (const e of run.entries) expect(html).toContain(`<details class="entry" id="entry-${e.entryId}">`);
    for (const rule of ['fk-missing-index', 'low-cardinality-index', 'redundant-index']) expect(html).toContain(rule);
    expect(html).toContain('request changes');
    expect(html).toContain('relation &quot;taskpilot.task&quot; does not exist');
    // Per persona: planned vs realised vs target in the legend.
    for (const l of ['target', 'planned', 'realised']) expect(html).toContain(`>${l}</text>`);
    for (const p of PERSONAS) expect(html).toContain(`>${p.name}</text>`);
  });

  it('report.md has the header, every entry, the personas, defects and totals', () => {
    const md = read(path.join(dir, 'report.md'));
    expect(md).toContain(`# schemacrew run ${run.meta.runId}`);
    expect(md).toContain('- **Seed:** 42');
    expect(md).toContain('openai/gpt-4.1-mini');
    expect(md).toContain('- **Outcome:** completed');
    for (const e of run.entries) expect(md).toContain(e.title);
    expect(md).toContain('| 5 | 3 | 1 | 1 | 0 | 3 | 2 | 1 | 15,300 / 4,000 | $0.08 |');
    expect(md).toContain('| Jordan Lee | 40% | 50% | 0% | 2 |');
    expect(md).toContain('### Live (2)');
    expect(md).toContain('### Fixed (1)');
    expect(md).toContain('H003 Non-indexed foreign keys');
    expect(md).toContain('| 03-04 | Jordan Lee | Index tasks by completion flag | **rejected** | 2 | `low-cardinality-index` | – | `low-cardinality-index` |');
    expect(md).toContain('| **Total** | 15,300 | 4,700 | 4,000 | **$0.08** |');
  });

  it('keeps secrets out of every report', async () => {
    const leaky = fixtureRun();
    leaky.entries[0]!.rounds[0]!.notes = 'used key sk-test-FAKEKEY1234567890abcdef and postgres://app:hunter2secret@db:5432/x';
    leaky.entries[0]!.rounds[0]!.upSql += '\n-- postgres://app:hunter2secret@db:5432/x';
    const out = path.join(root, 'leaky');
    const written = await writeRunReports(out, leaky);
    for (const f of written) {
      const text = read(f);
      expect(text).not.toContain('FAKEKEY1234567890');
      expect(text).not.toContain('hunter2secret');
    }
    expect(read(path.join(out, 'report.html'))).toContain('postgres://app:[redacted]@db:5432/x');
  });

  it('continues numbering after earlier runs and removes stale migration files', async () => {
    const all = fixtureRun();
    const earlier = all.entries.slice(0, 2);
    const later: RunRecord = { ...all, meta: { ...all.meta, runId: 'second-run' }, entries: all.entries.slice(2), defects: [] };
    const out = path.join(root, 'continued');
    fs.mkdirSync(path.join(out, 'migrations'), { recursive: true });
    fs.writeFileSync(path.join(out, 'migrations', '0009_d99_x_stale.up.sql'), 'stale');
    fs.writeFileSync(path.join(out, 'migrations', 'README.txt'), 'mine');
    await writeRunReports(out, later, { previousEntries: earlier });
    const names = fs.readdirSync(path.join(out, 'migrations')).sort();
    expect(names).toEqual([
      '0003_d08_alex_index_time_entries_by_project_reports_pa.down.sql',
      '0003_d08_alex_index_time_entries_by_project_reports_pa.up.sql',
      '20250113_100004_ac_index_time_entries_by_project_reports_pa.py',
      'README.txt',
    ]);
    expect(read(path.join(out, 'migrations', '20250113_100004_ac_index_time_entries_by_project_reports_pa.py'))).toContain(
      'down_revision = "20250107_100001_sa"',
    );
  });

  it('uses the configured calendar start', () => {
    const m = planMigrations(fixtureRun(), { startDate: '2024-09-02' });
    expect(m.map((x) => x.alembicFile)).toEqual([
      '20240902_100000_ac_create_users_and_projects_tables.py',
      '20240903_100001_sa_create_time_entries_table.py',
      '20240909_100004_ac_index_time_entries_by_project_reports_pa.py',
    ]);
  });
});
