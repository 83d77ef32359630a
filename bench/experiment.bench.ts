// npm run bench:experiment
//
// 8 trials (1 variant × 2 fake models × 4 seeds, TaskPilot days 1-8) at concurrency 4 against the
// fake provider server with a fixed simulated latency of 150 ms per model call, response cache off.
// Prints:
//   - wall time against the sum of the trial times (clone + run + drop, lock waits excluded), and
//     parallel efficiency = sum / (wall × concurrency)   (target ≥ 0.8);
//   - the overhead of cloning a trial database from the template (CREATE DATABASE … TEMPLATE), ms,
//     mean and p95, and the time trials waited for the clone lock;
//   - the same 8 trials at concurrency 1, for the speed-up the parallel run actually buys on this
//     machine (skip with --no-serial).
// Uses DATABASE_URL when set, else an embedded Postgres.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openServer } from '../src/db/server.js';
import { loadExperiment } from '../src/experiment/config.js';
import { runExperiment, type ExperimentOutcome } from '../src/experiment/runner.js';
import { percentile } from '../src/experiment/metrics.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LATENCY_MS = 150;
const CONCURRENCY = 4;

const YAML = `
id: bench
scenario: taskpilot
slice: { fromDay: 1, toDay: 8 }
seeds: [1, 2, 3, 4]
models:
  - { name: faithful, provider: fake, behaviour: faithful, latencyMs: ${LATENCY_MS}, concurrency: 8 }
  - { name: never, provider: fake, behaviour: never, latencyMs: ${LATENCY_MS}, concurrency: 8 }
concurrency: ${CONCURRENCY}
`;

const tmp = await mkdtemp(path.join(tmpdir(), 'schemacrew-bench-xp-'));
const server = await openServer();
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function pass(concurrency: number, id: string): Promise<ExperimentOutcome> {
  const file = path.join(tmp, `${id}.yaml`);
  await writeFile(file, YAML.replace('id: bench', `id: ${id}`));
  const spec = await loadExperiment(file, path.join(ROOT, 'prompts'));
  return runExperiment({ spec, server, outDir: path.join(tmp, 'out'), cache: 'off', concurrency, out: () => {} });
}

try {
  console.log(`bench:experiment — 8 trials × 8 entries, fake provider at ${LATENCY_MS} ms per call, ${cpus().length} CPU core(s)`);
  const par = await pass(CONCURRENCY, 'bench-parallel');
  const trials = par.results.trials.filter((t) => t.status === 'ok');
  if (trials.length !== 8) throw new Error(`expected 8 finished trials, got ${trials.length}: ${par.results.trials.map((t) => `${t.id} ${t.status} ${t.error ?? ''}`).join('; ')}`);
  const sum = trials.reduce((s, t) => s + t.timings!.durationMs, 0);
  const wall = par.results.totals.wallMs - par.results.totals.templateMs;
  const clones = trials.map((t) => t.timings!.cloneMs);
  const waits = trials.map((t) => t.timings!.waitMs);
  const holds = trials.map((t) => t.timings!.lockMs);
  const calls = par.results.totals.calls;
  console.log(`template (prepareScenarioDatabase, once): ${fmt(par.results.totals.templateMs)}`);
  console.log(`concurrency ${CONCURRENCY}: wall ${fmt(wall)} (template excluded), sum of trial times ${fmt(sum)}, ${calls} model calls`);
  console.log(`parallel efficiency = sum / (wall × ${CONCURRENCY}) = ${(sum / (wall * CONCURRENCY)).toFixed(2)}   (target ≥ 0.80)`);
  console.log(`  counting the one-off template build in the wall: ${(sum / (par.results.totals.wallMs * CONCURRENCY)).toFixed(2)}`);
  console.log(
    `clone from template: mean ${(clones.reduce((s, x) => s + x, 0) / clones.length).toFixed(0)} ms, p95 ${percentile(clones, 95)!.toFixed(0)} ms; ` +
      `lock held (clone + open): mean ${(holds.reduce((s, x) => s + x, 0) / holds.length).toFixed(0)} ms; ` +
      `lock wait: mean ${(waits.reduce((s, x) => s + x, 0) / waits.length).toFixed(0)} ms, max ${Math.max(...waits).toFixed(0)} ms`,
  );
  const perTrial = trials.map((t) => t.timings!.durationMs);
  console.log(`trial time: mean ${fmt(sum / trials.length)}, min ${fmt(Math.min(...perTrial))}, max ${fmt(Math.max(...perTrial))}`);
  if (!process.argv.includes('--no-serial')) {
    const ser = await pass(1, 'bench-serial');
    const serWall = ser.results.totals.wallMs - ser.results.totals.templateMs;
    const serSum = ser.results.trials.reduce((s, t) => s + (t.timings?.durationMs ?? 0), 0);
    console.log(`concurrency 1: wall ${fmt(serWall)}, sum of trial times ${fmt(serSum)} → speed-up of the parallel run ${(serWall / wall).toFixed(2)}×`);
  }
} finally {
  await server.stop();
  await rm(tmp, { recursive: true, force: true });
}
