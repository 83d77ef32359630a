// The run command as a user meets it: a subprocess, flags, exit codes, messages.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { urlFor, adminUrl } from '../helpers/db.js';
import { dropDatabase } from '../../src/db/sandbox.js';
import { testServer } from '../helpers/scenario.js';

const CLI = ['--import', 'tsx', path.resolve('src/cli/main.ts')];
const temp: string[] = [];
const databases: string[] = [];

afterAll(async () => {
  for (const d of temp) await rm(d, { recursive: true, force: true });
  for (const db of databases) await dropDatabase(testServer(), db);
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}, opts: { onStdout?: (chunk: string) => void } = {}): { done: Promise<Result>; kill: (sig: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, [...CLI, ...args], {
    env: { ...process.env, DATABASE_URL: '', ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
    opts.onStdout?.(String(d));
  });
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<Result>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { done, kill: (sig) => child.kill(sig) };
}

async function scenarioCopy(edit: (roadmap: string) => string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'schemacrew-scn-'));
  temp.push(dir);
  await cp(path.resolve('roadmap/taskpilot'), dir, { recursive: true });
  const file = path.join(dir, 'roadmap.md');
  await writeFile(file, edit(await readFile(file, 'utf8')));
  return dir;
}

describe('schemacrew run: bad input stops before anything runs', () => {
  it('names the roadmap file and line of an unknown persona, exit 2', async () => {
    const dir = await scenarioCopy((md) => md.replace('### Day 2 (Sam)', '### Day 2 (Samantha)'));
    const lines = (await readFile(path.join(dir, 'roadmap.md'), 'utf8')).split('\n');
    const line = lines.findIndex((l) => l.startsWith('### Day 2 (Samantha)')) + 1;
    const r = await run(['run', '--scenario', dir]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, 'roadmap.md')}:${line}`);
    expect(r.stderr).toMatch(/Samantha/);
    expect(r.stdout).toBe('');
  });

  it('rejects an unknown --persona and an unknown provider with exit 2', async () => {
    const a = await run(['run', '--persona', 'nobody']).done;
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--persona: "nobody" is not in the cast/);
    const b = await run(['run', '--provider', 'gpt']).done;
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--provider/);
  });

  it('says in one line that DATABASE_URL cannot be reached, exit 2', async () => {
    const r = await run(['run'], { DATABASE_URL: 'postgres://u:secret-pw@127.0.0.1:1/taskpilot' }).done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('127.0.0.1:1/taskpilot');
    expect(r.stderr).not.toContain('secret-pw');
  });

  it('refuses --continue without a persistent database', async () => {
    const r = await run(['run', '--continue']).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--continue needs a persistent database/);
  });
});

describe('schemacrew run --data-dir: an embedded cluster kept between runs', () => {
  it('continues where the previous run stopped, and --entries 0 only rewrites the answer key', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'schemacrew-data-'));
    temp.push(dir);
    const runsDir = path.join(dir, 'runs');
    const common = ['run', '--data-dir', path.join(dir, 'pg'), '--continue', '--runs-dir', runsDir, '--quiet'];
    const first = await run([...common, '--entries', '2', '--run-id', 'n1']).done;
    expect(first.code, first.stderr).toBe(0);
    const second = await run([...common, '--entries', '1', '--run-id', 'n2']).done;
    expect(second.code, second.stderr).toBe(0);
    const n2 = JSON.parse(await readFile(path.join(runsDir, 'n2', 'report.json'), 'utf8'));
    expect(n2.entries.map((e: { entryId: string }) => e.entryId)).toEqual(['day-03']);
    const key = await run([...common, '--entries', '0', '--run-id', 'n3']).done;
    expect(key.code, key.stderr).toBe(0);
    const expected = JSON.parse(await readFile(path.join(runsDir, 'n3', 'expected-findings.json'), 'utf8'));
    // Day 2's unindexed issue_id and user_id, Day 3's TEXT flag: all landed on earlier nights.
    expect(expected.live.map((d: { entryId: string }) => d.entryId).sort()).toEqual(['day-02', 'day-02', 'day-03']);
  }, 120_000);
});

describe('schemacrew run: Ctrl-C', () => {
  it('stops at the next safe point on SIGINT, writes the reports and exits 3', async () => {
    const runsDir = await mkdtemp(path.join(tmpdir(), 'schemacrew-runs-'));
    temp.push(runsDir);
    let sent = false;
    const child = run(['run', '--runs-dir', runsDir, '--run-id', 'interrupted'], {}, {
      onStdout: (chunk) => {
        if (!sent && /^day /m.test(chunk)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    const r = await child.done;
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/stopped \(signal\)/);
    expect(r.stderr).toMatch(/SIGINT: stopping after the current step/);
    const report = JSON.parse(await readFile(path.join(runsDir, 'interrupted', 'report.json'), 'utf8'));
    expect(report.meta.outcome).toBe('stopped');
    expect(report.entries.length).toBeLessThan(59);
  }, 120_000);
});

describe('schemacrew run --continue: killed mid-run, resumed, nothing applied twice or lost', () => {
  it('resumes after SIGKILL and completes the roadmap with each entry in the ledger once', async () => {
    const database = `resume_${randomBytes(4).toString('hex')}`;
    databases.push(database);
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = urlFor(database);
    const runsDir = await mkdtemp(path.join(tmpdir(), 'schemacrew-runs-'));
    temp.push(runsDir);
    const common = ['run', '--continue', '--runs-dir', runsDir, '--quiet'];

    // First night: killed with SIGKILL (no cleanup at all) once a few entries are in the ledger.
    const first = run([...common, '--run-id', 'night-1'], { DATABASE_URL: url });
    const watcher = new pg.Client({ connectionString: url });
    await watcher.connect();
    let seen = 0;
    for (let i = 0; i < 1200 && seen < 5; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const q = await watcher.query(`select count(*)::int as n from pg_tables where schemaname = 'schemacrew' and tablename = 'ledger'`);
      if (q.rows[0].n) seen = (await watcher.query(`select count(*)::int as n from schemacrew.ledger`)).rows[0].n;
    }
    first.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.code, `first run ended on its own: ${killed.stderr}`).toBeNull();
    const before = (await watcher.query(`select count(*)::int as n from schemacrew.ledger`)).rows[0].n;
    expect(before).toBeGreaterThanOrEqual(5);
    expect(before).toBeLessThan(59);

    // Second night: picks up after the last ledger entry and finishes.
    const second = await run([...common, '--run-id', 'night-2'], { DATABASE_URL: url }).done;
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    const { rows } = await watcher.query(`select entry_id, count(*)::int as n, min(run_id) as run from schemacrew.ledger group by entry_id`);
    await watcher.end();
    expect(rows).toHaveLength(59);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const night2 = rows.filter((r) => r.run === 'night-2').length;
    expect(night2).toBe(59 - before);
    const report = JSON.parse(await readFile(path.join(runsDir, 'night-2', 'report.json'), 'utf8'));
    expect(report.entries).toHaveLength(59 - before);
  }, 180_000);
});
