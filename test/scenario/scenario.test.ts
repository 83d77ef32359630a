import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rejects } from '../helpers/errors.js';
import { AGENTS_DIR, PROJECT_ROOT, listScenarios, loadScenario, scenarioDir } from '../../src/scenario/scenario.js';


describe('loadScenario on taskpilot', () => {
  it('loads the scenario, its files, cast and reviewer', async () => {
    const s = await loadScenario('taskpilot');
    expect(s).toMatchObject({
      id: 'taskpilot',
      name: 'TaskPilot',
      schema: 'taskpilot',
      extensions: ['uuid-ossp', 'pg_trgm', 'btree_gin', 'pg_stat_statements'],
      seed: { scale: 1 },
    });
    expect(s.description).toMatch(/multi-tenant issue tracker/);
    expect(s.dir).toBe(path.join(PROJECT_ROOT, 'roadmap', 'taskpilot'));
    expect([...s.cast.keys()]).toEqual(['alex', 'sam', 'jordan', 'database-engineer', 'data-engineer']);
    expect(s.reviewer.id).toBe('reviewer');
    expect(s.baseSchemaSql).toMatch(/CREATE TABLE issues/);
    expect(s.baseSchemaSql).not.toMatch(/CREATE EXTENSION|taskpilot\./i);
    expect(s.seed.sql).toMatch(/^SELECT setseed\(0\.42\);$/m);
    expect(s.roadmap).toHaveLength(59);
    expect(s.roadmap[0]!.file).toBe(path.join(s.dir, 'roadmap.md'));
  });

  it('resolves names and paths', async () => {
    expect(scenarioDir('taskpilot')).toBe(path.join(PROJECT_ROOT, 'roadmap', 'taskpilot'));
    expect(scenarioDir('./x/y')).toBe(path.resolve('x/y'));
    expect(scenarioDir('/abs/dir')).toBe('/abs/dir');
    expect(await listScenarios()).toContain('taskpilot');
    const byPath = await loadScenario(path.join(PROJECT_ROOT, 'roadmap', 'taskpilot'), { agentsDir: AGENTS_DIR });
    expect(byPath.id).toBe('taskpilot');
  });
});

describe('bad scenarios', () => {
  let root: string;
  let n = 0;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'schemacrew-scenario-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A copy of taskpilot with scenario.yaml edited. */
  async function variant(edit: (yaml: string) => string): Promise<string> {
    const dir = path.join(root, `s${n++}`);
    await cp(scenarioDir('taskpilot'), dir, { recursive: true });
    const file = path.join(dir, 'scenario.yaml');
    await writeFile(file, edit(await readFile(file, 'utf8')));
    return dir;
  }
  const lineOf = (text: string, start: string) => text.split('\n').findIndex((l) => l.startsWith(start)) + 1;

  it('names a missing field', async () => {
    const dir = await variant((y) => y.replace(/^schema: taskpilot\n/m, ''));
    const err = await rejects(loadScenario(dir));
    expect(err.file).toBe(path.join(dir, 'scenario.yaml'));
    expect(err.detail).toMatch(/missing required key "schema"/);
  });

  it('names the line of a bad value, an unknown key and a YAML error', async () => {
    let text = '';
    const dir = await variant((y) => (text = y.replace(/^schema: taskpilot$/m, 'schema: Task-Pilot')));
    const err = await rejects(loadScenario(dir));
    expect(err.line).toBe(lineOf(text, 'schema:'));
    expect(err.detail).toMatch(/"schema": must be a lower-case SQL identifier/);

    const dir2 = await variant((y) => (text = y.replace(/^reviewer: reviewer$/m, 'reviewer: reviewer\nreveiwer: x')));
    const err2 = await rejects(loadScenario(dir2));
    expect(err2.line).toBe(lineOf(text, 'reveiwer:'));
    expect(err2.detail).toMatch(/unknown key "reveiwer"/);

    const dir3 = await variant((y) => (text = y.replace(/^  scale: 1$/m, '  scale: [1')));
    const err3 = await rejects(loadScenario(dir3));
    expect(err3.detail).toMatch(/invalid YAML/);
    expect(err3.line).toBeGreaterThanOrEqual(lineOf(text, '  scale:'));
  });

  it('names the cast line of a persona that has no file, or has the wrong kind', async () => {
    let text = '';
    const dir = await variant((y) => (text = y.replace('cast: [alex, sam, jordan, database-engineer, data-engineer]', 'cast:\n  - alex\n  - casey\n')));
    const err = await rejects(loadScenario(dir));
    expect(err.line).toBe(lineOf(text, '  - casey'));
    expect(err.detail).toMatch(/no persona file .*casey\.md/);

    const dir2 = await variant((y) => (text = y.replace('reviewer: reviewer', 'reviewer: alex')));
    const err2 = await rejects(loadScenario(dir2));
    expect(err2.line).toBe(lineOf(text, 'reviewer:'));
  });

  it('names a missing scenario file', async () => {
    const dir = await variant((y) => y);
    await rm(path.join(dir, 'seed.sql'));
    const err = await rejects(loadScenario(dir));
    expect(err.file).toBe(path.join(dir, 'seed.sql'));
    const err2 = await rejects(loadScenario(path.join(root, 'nowhere')));
    expect(err2.detail).toMatch(/no scenario here/);
  });
});
