// `schemacrew check` as a subprocess: exit codes, the exact JSON shape, SARIF, missing files,
// and a catalog check against a scratch database of the shared test server.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { adminUrl } from '../helpers/db.js';
import { TASKPILOT_MINI } from '../../src/checks/fixtures.js';
import { checkSandbox, type CheckSandbox } from './sandbox.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete base.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'check', ...args],
      { cwd: ROOT, env: { ...base, ...env }, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let dir: string;
let sb: CheckSandbox;
let schema: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'schemacrew-check-cli-'));
  await writeFile(file('clean.sql'), `CREATE TABLE labels_extra (\n  id UUID PRIMARY KEY,\n  name VARCHAR(50) NOT NULL\n);\n`);
  await writeFile(file('blocking.sql'), `-- ✓ non-ASCII first\nALTER TABLE issues ADD COLUMN payload json;\nGRANT SELECT ON issues TO reporting;\n`);
  await writeFile(file('day2.sql'), `CREATE TABLE time_entries (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    issue_id UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    minutes INTEGER NOT NULL
);\n`);
  await writeFile(file('base.sql'), TASKPILOT_MINI);
  sb = await checkSandbox('cli');
  schema = await sb.schema(TASKPILOT_MINI);
});

afterAll(async () => {
  await sb?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.concurrent('schemacrew check', () => {
  it('exits 0 without blocking findings, saying on stderr that it is static only', async () => {
    const r = await cli([file('clean.sql')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/static checks only/);
    expect(r.stdout).toMatch(/0 blocking, 0 advisory/);
  });

  it('exits 1 with a blocking finding; --format json prints exactly the findings', async () => {
    const r = await cli([file('blocking.sql'), '--format', 'json', '--static']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['findings']);
    expect(out.findings).toEqual([
      { rule: 'json-not-jsonb', severity: 'advisory', statement: 0, line: 2, column: 31, message: expect.any(String) },
      { rule: 'unsafe-statement', severity: 'blocking', statement: 1, line: 3, column: 1, message: expect.any(String) },
    ]);
    for (const f of out.findings) expect(Object.keys(f)).toEqual(['rule', 'severity', 'statement', 'line', 'column', 'message']);
  });

  it('prints SARIF 2.1.0', async () => {
    const r = await cli([file('blocking.sql'), '--format', 'sarif', '--static']);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe('schemacrew');
    const ruleIds = run.tool.driver.rules.map((x: { id: string }) => x.id);
    expect(ruleIds).toContain('unsafe-statement');
    expect(run.tool.driver.rules.every((x: { shortDescription: { text: string }; help: { text: string } }) => x.shortDescription.text && x.help.text)).toBe(true);
    const blocking = run.results.find((x: { ruleId: string }) => x.ruleId === 'unsafe-statement');
    expect(blocking.level).toBe('error');
    expect(blocking.locations[0].physicalLocation.region).toEqual({ startLine: 3, startColumn: 1 });
    expect(run.results.find((x: { ruleId: string }) => x.ruleId === 'json-not-jsonb').level).toBe('warning');
    expect(run.tool.driver.rules[blocking.ruleIndex].id).toBe('unsafe-statement');
  });

  it('exits 2 on a missing file, naming it', async () => {
    const missing = file('no-such-migration.sql');
    const r = await cli([missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(missing);
    expect(r.stdout).toBe('');
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli([file('clean.sql'), '--format', 'xml'])).code).toBe(2);
    expect((await cli([file('clean.sql'), '--schema', file('base.sql'), '--database-url', 'postgres://x@127.0.0.1/x'])).code).toBe(2);
  });

  it('runs the catalog pass with --database-url and --search-path', async () => {
    const r = await cli([file('day2.sql'), '--database-url', sb.sandboxUrl, '--search-path', schema, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.findings.map((f: { rule: string }) => f.rule)).toEqual(['fk-missing-index']);
    expect(out.findings[0]).toMatchObject({ statement: 0, line: 3, column: 5 });
  });

  it('builds a throwaway database with --schema (on the DATABASE_URL server here) and removes it', async () => {
    const r = await cli([file('day2.sql'), '--schema', file('base.sql'), '--search-path', 'taskpilot'], { DATABASE_URL: adminUrl() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/fk-missing-index/);
    const left = await sb.admin.query(`SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'schemacrew_check_%'`);
    expect(left.rows[0].n).toBe(0);
  });

  it('exits 2 when the base schema file is missing', async () => {
    const missing = file('no-such-base.sql');
    const r = await cli([file('day2.sql'), '--schema', missing], { DATABASE_URL: adminUrl() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(missing);
  });
});
