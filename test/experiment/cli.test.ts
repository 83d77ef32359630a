// `schemacrew experiment` as a user meets it: a subprocess, exit codes, messages.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { adminUrl } from '../helpers/db.js';

const CLI = ['--import', 'tsx', path.resolve('src/cli/main.ts'), 'experiment'];
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'schemacrew-xp-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...CLI, ...args], {
    env: { ...process.env, DATABASE_URL: '', ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function file(name: string, text: string): Promise<string> {
  const f = path.join(tmp, name);
  await writeFile(f, text);
  return f;
}

const LEAKY = `
scenario: taskpilot
slice: { fromDay: 1, toDay: 2 }
seeds: [1]
models:
  - { name: leaky, provider: fake, behaviour: leaky, reviewerCatchRate: 0 }
concurrency: 1
`;

describe('schemacrew experiment', () => {
  it('names the file and line of a bad key, exit 2, before anything starts', async () => {
    const f = await file('bad.yaml', `${LEAKY}gate:\n  maxRevisions: lots\n`);
    const r = await run([f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:9: experiment: "gate.maxRevisions": Invalid input: expected number, received string (got "lots")`);
  });

  it('a bad --fail-if expression is exit 2 naming the flag', async () => {
    const f = await file('ok.yaml', LEAKY);
    const r = await run([f, '--fail-if', 'leak_rate = 0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fail-if "leak_rate = 0": use ==/);
    const unknown = await run([f, '--fail-if', 'leak_rat > 0', '--out', tmp], { DATABASE_URL: adminUrl() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--fail-if "leak_rat > 0": unknown metric "leak_rat"/);
  });

  it('runs, prints a line per trial and the totals, and exits 1 when a gate fails', async () => {
    const f = await file('tiny.yaml', LEAKY);
    const r = await run([f, '--out', path.join(tmp, 'out'), '--cache-dir', path.join(tmp, 'cache'), '--fail-if', 'leak_rate > 0', '--fail-if', 'valid_rate < 1'], { DATABASE_URL: adminUrl() });
    expect(r.stderr).not.toMatch(/unexpected error/);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\[1\/1\] baseline__leaky__s1 {2}ok {2}2 entries {2}valid 100% {2}realised 100%.* leak 100%/m);
    expect(r.stdout).toMatch(/^experiment tiny: 1 trials \(1 ok, 0 failed\)/m);
    expect(r.stdout).toContain('FAIL cell baseline/leaky: leak_rate = 1.0000 (fail-if "leak_rate > 0")');
    expect(r.stdout).not.toContain('valid_rate <');
    const results = JSON.parse(await readFile(path.join(tmp, 'out', 'tiny', 'results.json'), 'utf8'));
    expect(results.gates).toHaveLength(2);
  }, 60_000);
});
