// Runs an experiment: every cell of variant × model × seed is one trial, on its own database
// cloned from a template, with trials in parallel (p-queue at the experiment's concurrency) sharing
// the provider queues. A trial that fails is recorded and the others go on; finished trials are
// written as they finish and skipped when the experiment is run again (resume).
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import { loadScenario, scenarioDir } from '../scenario/scenario.js';
import { runRoadmap } from '../pipeline/run.js';
import type { ModelSettings } from '../agents/writer.js';
import { GatePolicySchema } from '../gate/policy.js';
import { createProvider } from '../llm/config.js';
import { QueueRegistry } from '../llm/queue.js';
import { ScriptedProvider } from '../llm/providers/scripted.js';
import type { LlmProvider } from '../llm/types.js';
import type { FakeServer } from '../llm/fake-server.js';
import type { DatabaseServer } from '../db/server.js';
import { dropDatabase } from '../db/sandbox.js';
import { redact } from '../report/events.js';
import { InputError, SchemacrewError, ExitCode } from '../errors.js';
import { packageVersion as defaultPackageVersion } from '../paths.js';
import type { Scenario } from '../scenario/types.js';
import { modelId, type ExperimentSpec, type ModelEntry, type FakeModelConfig } from './config.js';
import { CachedProvider, ResponseCache, type CacheMode } from './cache.js';
import { MeteredProvider, type CallRecord } from './metering.js';
import { computeTrialMetrics, summariseCell, unknownMetric } from './metrics.js';
import { evaluateGates, type FailIf } from './fail-if.js';
import { CloneLock, buildTemplate, cloneTemplate, dropTemplate, templateName, trialDatabaseName } from './databases.js';
import { fakeResponder, mergeCatalogs, startFakeProvider } from './fake.js';
import { prepareVariants, type VariantWorld } from './variants.js';
import { MUTATIONS, rulesWithoutMutation } from './behaviours.js';
import { writeExperimentReports, baselineDiff } from './report.js';
import type { CellResult, ExperimentResults, TrialErrorFile, TrialFile, TrialKey, TrialSummary, TrialTimings } from './types.js';

export interface RunExperimentOptions {
  spec: ExperimentSpec;
  server: DatabaseServer;
  /** runs/experiments: the experiment writes <outDir>/<id>/. */
  outDir: string;
  /** Response cache: 'use' (default), 'refresh' (--no-cache) or 'off'. */
  cache?: CacheMode;
  /** Default <outDir>/cache. */
  cacheDir?: string;
  /** Keep the trial databases and the template (default: dropped). */
  keepDatabases?: boolean;
  /**
   * Clone the trials from this database instead of building a template: it must have been made
   * with buildTemplate() (or prepareScenarioDatabase) for the same scenario, and nothing may be
   * connected to it. It is neither built nor dropped here (tests share one across experiments).
   */
  template?: string;
  /** Forget the finished trials of this experiment id and run them all again. */
  fresh?: boolean;
  /** Overrides the file's concurrency. */
  concurrency?: number;
  /** --fail-if gates (validated here: unknown metrics are exit 2 naming the flag). */
  failIf?: FailIf[];
  /** Experiment id whose results.json to compare with. */
  baseline?: string;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Use this fake provider server instead of starting one (tests read its `requests`). */
  fakeServer?: FakeServer;
  /** Provider queues shared by the trials (default: a registry of this experiment's own). */
  queues?: QueueRegistry;
  /** One line per finished trial and the totals (stdout). */
  out?: (line: string) => void;
  /** Diagnostics (stderr). */
  log?: (line: string) => void;
  packageVersion?: string;
}

export interface ExperimentOutcome {
  dir: string;
  results: ExperimentResults;
  exitCode: ExitCode;
  /** One line per failed gate or errored trial. */
  failures: string[];
  files: string[];
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${Math.round(v * 100)}%`);
const num = (v: number | null | undefined, d = 2) => (v === null || v === undefined ? '–' : v.toFixed(d));

async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', 'utf8');
  await rename(tmp, file);
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function describeModel(m: ModelEntry): Record<string, unknown> {
  const { prices: _prices, ...rest } = m as ModelEntry & { prices?: unknown };
  return { ...rest, model: modelId(m) };
}

/** The trials of an experiment, in a stable order (variant, model, seed). */
export function trialKeys(spec: ExperimentSpec): TrialKey[] {
  const out: TrialKey[] = [];
  for (const v of spec.variants) {
    for (const m of spec.models) {
      for (const seed of spec.seeds) {
        out.push({ id: `${v.name}__${m.name}__s${seed}`, cell: `${v.name}/${m.name}`, variant: v.name, model: m.name, seed });
      }
    }
  }
  return out;
}

function validateGates(spec: ExperimentSpec, scenario: Scenario, cli: FailIf[]): void {
  const personas = [...scenario.cast.keys()];
  spec.thresholds.forEach((g, i) => {
    const bad = unknownMetric(g.metric, personas);
    if (bad) throw new InputError(spec.file, `experiment: thresholds[${i}]: ${bad}`, spec.lineOf(['thresholds', i]));
  });
  for (const g of cli) {
    const bad = unknownMetric(g.metric, personas);
    if (bad) throw new SchemacrewError(`--fail-if "${g.expr}": ${bad}`, ExitCode.BadInput);
  }
}

interface Providers {
  byModel: Map<string, LlmProvider>;
  reviewer?: LlmProvider;
  close(): Promise<void>;
}

async function buildProviders(spec: ExperimentSpec, scenario: Scenario, worlds: VariantWorld[], opts: RunExperimentOptions, queues: QueueRegistry): Promise<Providers> {
  const env = opts.env ?? process.env;
  const entries: [string, ModelEntry][] = spec.models.map((m) => [m.name, m]);
  const fakes = [...spec.models, ...(spec.reviewer ? [spec.reviewer] : [])].filter((m): m is FakeModelConfig => m.provider === 'fake');
  let fake: Awaited<ReturnType<typeof startFakeProvider>> | undefined;
  const scripted = new ScriptedProvider(scenario.roadmap);
  const build = (m: ModelEntry, role: string): LlmProvider => {
    const knobs = {
      ...(m.temperature !== undefined ? { temperature: m.temperature } : {}),
      ...(m.maxTokens !== undefined ? { maxTokens: m.maxTokens } : {}),
      ...(m.concurrency !== undefined ? { concurrency: m.concurrency } : {}),
      ...(m.requestsPerMinute !== undefined ? { requestsPerMinute: m.requestsPerMinute } : {}),
      ...(m.timeoutMs !== undefined ? { timeoutMs: m.timeoutMs } : {}),
      ...(m.maxRetries !== undefined ? { maxRetries: m.maxRetries } : {}),
      ...(m.prices ? { prices: m.prices } : {}),
    };
    if (m.provider === 'fake') {
      const baseURL = m.api === 'anthropic' ? fake!.server.anthropicBaseURL : fake!.server.openaiBaseURL;
      return createProvider({ provider: m.api, model: modelId(m), baseURL, ...knobs }, { ANTHROPIC_API_KEY: 'fake-key' }, { queues, role });
    }
    return createProvider(
      { provider: m.provider, model: modelId(m), ...(m.baseURL ? { baseURL: m.baseURL } : {}), ...knobs },
      env,
      { queues, role, scripted },
    );
  };
  // Keys are checked (exit code 2 naming the variable) before the fake server or any database.
  for (const [i, m] of spec.models.entries()) if (m.provider !== 'fake') build(m, `models[${i}] (${m.name})`);
  if (spec.reviewer && spec.reviewer.provider !== 'fake') build(spec.reviewer, 'reviewer');
  if (fakes.length) {
    const responder = fakeResponder(fakes, scenario, mergeCatalogs(worlds.map((w) => w.mistakes)));
    fake = await startFakeProvider(responder, opts.fakeServer);
  }
  const byModel = new Map(entries.map(([name, m], i) => [name, build(m, `models[${i}] (${name})`)]));
  return {
    byModel,
    ...(spec.reviewer ? { reviewer: build(spec.reviewer, 'reviewer') } : {}),
    close: async () => {
      await fake?.close();
    },
  };
}

export async function runExperiment(opts: RunExperimentOptions): Promise<ExperimentOutcome> {
  const started = new Date();
  const t0 = performance.now();
  const { spec, server } = opts;
  const out = opts.out ?? (() => {});
  const log = opts.log ?? (() => {});

  // 1. Everything that can be wrong with the input, before any database work.
  const scenario = await loadScenario(scenarioDir(spec.scenario));
  for (const [i, p] of (spec.slice.personas ?? []).entries()) {
    if (!scenario.cast.has(p)) {
      throw new InputError(spec.file, `experiment: slice.personas: "${p}" is not in the cast of ${scenario.id} (${[...scenario.cast.keys()].join(', ')})`, spec.lineOf(['slice', 'personas', i]));
    }
  }
  const cliGates = opts.failIf ?? [];
  validateGates(spec, scenario, cliGates);
  const dir = path.join(opts.outDir, spec.id);
  const baseline = opts.baseline ? await readJson<ExperimentResults>(path.join(opts.outDir, opts.baseline, 'results.json')) : undefined;
  if (opts.baseline && !baseline) {
    throw new SchemacrewError(`--baseline ${opts.baseline}: no results at ${path.join(opts.outDir, opts.baseline, 'results.json')}`, ExitCode.BadInput);
  }
  const trialsDir = path.join(dir, 'trials');
  await mkdir(trialsDir, { recursive: true });
  const worlds = await prepareVariants(spec, scenario, dir);
  const worldOf = new Map(worlds.map((w) => [w.spec.name, w]));
  const queues = opts.queues ?? new QueueRegistry();
  const providers = await buildProviders(spec, scenario, worlds, opts, queues);
  const cache = new ResponseCache(opts.cacheDir ?? path.join(opts.outDir, 'cache'), opts.cache ?? 'use');
  const gate = GatePolicySchema.parse(spec.gate);
  const keys = trialKeys(spec);

  // 2. Resume: finished trials are kept unless --fresh.
  if (opts.fresh) {
    for (const f of await readdir(trialsDir)) await rm(path.join(trialsDir, f), { force: true });
  }
  const finished = new Map<string, TrialFile>();
  for (const k of keys) {
    const f = await readJson<TrialFile>(path.join(trialsDir, `${k.id}.json`));
    if (f?.status === 'ok' && f.id === k.id) finished.set(k.id, f);
  }
  const todo = keys.filter((k) => !finished.has(k.id));
  if (finished.size) out(`resuming ${spec.id}: ${finished.size} of ${keys.length} trials already finished (${path.relative(process.cwd(), trialsDir) || trialsDir})`);

  const personaIds = [...scenario.cast.keys()].filter((id) => !spec.slice.personas || spec.slice.personas.includes(id));
  const template = opts.template ?? templateName(spec.id);
  const ownTemplate = opts.template === undefined;
  // Clones are serialised (no connection to the template may exist during a clone), and so is the
  // pipeline's opening of each clone (it runs ALTER ROLE on the shared sandbox role).
  const cloneLock = new CloneLock();
  const openLock = new CloneLock();
  const ran = new Map<string, TrialFile>();
  const errors = new Map<string, TrialErrorFile>();
  let interrupted = false;
  let templateMs = 0;
  let builtTemplate = false;
  let done = 0;
  const total = todo.length;

  try {
    if (todo.length && ownTemplate) {
      log(`preparing the template database ${template} (${scenario.name}: base schema and seed data)`);
      templateMs = (await buildTemplate(server, template, scenario, { ...(spec.scale !== undefined ? { scale: spec.scale } : {}), log })).ms;
      builtTemplate = true;
    }
    if (todo.length) out(`${spec.id}: ${total} trial(s) to run at concurrency ${opts.concurrency ?? spec.concurrency}; template ${template} ready in ${(templateMs / 1000).toFixed(1)}s`);
    const queue = new PQueue({ concurrency: opts.concurrency ?? spec.concurrency });
    const runOne = async (key: TrialKey): Promise<void> => {
      if (opts.signal?.aborted) {
        interrupted = true;
        return;
      }
      const world = worldOf.get(key.variant)!;
      const model = spec.models.find((m) => m.name === key.model)!;
      const startedAt = new Date().toISOString();
      const database = trialDatabaseName(spec.id, key.id);
      const calls: CallRecord[] = [];
      const writerCache = new CachedProvider(providers.byModel.get(key.model)!, cache);
      const reviewerCache = providers.reviewer ? new CachedProvider(providers.reviewer, cache) : writerCache;
      const reviewerModel = spec.reviewer ?? model;
      const writer: ModelSettings = {
        provider: new MeteredProvider(writerCache, calls),
        model: modelId(model),
        ...((world.spec.temperature ?? model.temperature) !== undefined ? { temperature: (world.spec.temperature ?? model.temperature)! } : {}),
        ...(model.maxTokens !== undefined ? { maxTokens: model.maxTokens } : {}),
        seed: key.seed,
      };
      const reviewer: ModelSettings = {
        provider: new MeteredProvider(reviewerCache, calls),
        model: modelId(reviewerModel),
        ...(reviewerModel.temperature !== undefined ? { temperature: reviewerModel.temperature } : {}),
        ...(reviewerModel.maxTokens !== undefined ? { maxTokens: reviewerModel.maxTokens } : {}),
        seed: key.seed,
      };
      const runsDir = path.join(dir, 'runs');
      await rm(path.join(runsDir, key.id), { recursive: true, force: true });
      const timings = { waitMs: 0, cloneMs: 0, lockMs: 0, runMs: 0, dropMs: 0, durationMs: 0 };
      // Two FIFO locks, pipelined: a trial clones while the one before it opens its database.
      const hold = async (l: CloneLock): Promise<() => void> => {
        const w0 = performance.now();
        const unlock = await l.acquire();
        const l0 = performance.now();
        timings.waitMs += l0 - w0;
        let held = true;
        return () => {
          if (!held) return;
          held = false;
          timings.lockMs += performance.now() - l0;
          unlock();
        };
      };
      let release = () => {};
      let cloned = false;
      try {
        const releaseClone = await hold(cloneLock);
        try {
          timings.cloneMs = await cloneTemplate(server, template, database);
          cloned = true;
        } finally {
          releaseClone();
        }
        release = await hold(openLock);
        const r0 = performance.now();
        const outcome = await runRoadmap({
          scenario: world.scenario,
          server,
          database,
          mode: 'fresh',
          seed: key.seed,
          runId: key.id,
          runsDir,
          writer,
          reviewer,
          prompts: world.prompts,
          mistakes: world.mistakes,
          gate,
          ...(spec.checks ? { checkConfig: spec.checks } : {}),
          filter: { ...spec.slice },
          failThreshold: 1,
          ...(spec.maxCostUsdPerTrial !== undefined ? { maxCostUsd: spec.maxCostUsdPerTrial } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
          packageVersion: opts.packageVersion ?? defaultPackageVersion(),
          onDatabaseReady: () => release(),
        });
        timings.runMs = performance.now() - r0;
        release();
        const stop = outcome.record.meta.outcome === 'stopped' ? outcome.record.meta.stopReason ?? 'stopped' : undefined;
        if (stop === 'signal') {
          interrupted = true;
          out(`[${++done}/${total}] ${key.id}  interrupted (not recorded; runs again on resume)`);
          return;
        }
        if (stop?.startsWith('provider error')) throw new SchemacrewError(stop, ExitCode.Failed);
        if (!opts.keepDatabases) {
          const d0 = performance.now();
          await dropDatabase(server, database);
          timings.dropMs = performance.now() - d0;
          cloned = false;
        }
        timings.durationMs = timings.cloneMs + timings.runMs + timings.dropMs;
        const hits = writerCache.stats.hits + (reviewerCache !== writerCache ? reviewerCache.stats.hits : 0);
        const misses = writerCache.stats.misses + (reviewerCache !== writerCache ? reviewerCache.stats.misses : 0);
        const spentUsd = writerCache.stats.spentUsd + (reviewerCache !== writerCache ? reviewerCache.stats.spentUsd : 0);
        const m = computeTrialMetrics(
          outcome.record,
          calls,
          {
            mistakes: world.mistakes,
            roadmap: new Map(scenario.roadmap.map((e) => [e.id, e])),
            personas: personaIds.map((id) => ({ id, errorRate: world.scenario.cast.get(id)!.errorRate })),
          },
          { durationMs: timings.durationMs, cacheHits: hits, spentUsd },
        );
        const file: TrialFile = {
          ...key,
          status: 'ok',
          ...(stop ? { stopReason: stop } : {}),
          startedAt,
          finishedAt: new Date().toISOString(),
          timings: roundTimings(timings),
          database,
          runDir: path.relative(dir, outcome.dir),
          metrics: m.metrics,
          leaks: m.leaks,
          personaErrors: m.errors,
          cache: { hits, misses, spentUsd },
          calls,
          record: outcome.record,
        };
        // Secrets never reach a file (API-key shapes, URL passwords, the key variables' values).
        await writeJsonAtomic(path.join(trialsDir, `${key.id}.json`), redact(file));
        await rm(path.join(trialsDir, `${key.id}.error.json`), { force: true });
        ran.set(key.id, file);
        const x = m.metrics;
        out(
          `[${++done}/${total}] ${key.id}  ok${stop ? ` (stopped: ${stop})` : ''}  ${x.entries} entries  valid ${pct(x.valid_rate)}  realised ${pct(x.realised_rate)}` +
            `  unintended ${num(x.unintended_per_entry)}  leak ${pct(x.leak_rate)}  caught ${pct(x.reviewer_catch_rate)}  calibration ${num(x.calibration_error)}` +
            `  $${(x.cost_usd ?? 0).toFixed(4)}  ${(timings.durationMs / 1000).toFixed(1)}s${hits ? `  (${hits} cached)` : ''}`,
        );
      } catch (err) {
        release();
        if (opts.signal?.aborted) {
          interrupted = true;
          out(`[${++done}/${total}] ${key.id}  interrupted (not recorded; runs again on resume)`);
          return;
        }
        const message = err instanceof Error ? err.message : String(err);
        const file: TrialErrorFile = { ...key, status: 'error', error: message, startedAt, finishedAt: new Date().toISOString() };
        await writeJsonAtomic(path.join(trialsDir, `${key.id}.error.json`), redact(file));
        errors.set(key.id, file);
        out(`[${++done}/${total}] ${key.id}  ERROR  ${message.split('\n')[0]}`);
      } finally {
        if (cloned && !opts.keepDatabases) await dropDatabase(server, database).catch(() => undefined);
      }
    };
    // runOne records its own failures; anything that escapes it (a full disk…) fails that trial only.
    const guarded = (k: TrialKey) =>
      runOne(k).catch(async (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        const now = new Date().toISOString();
        errors.set(k.id, { ...k, status: 'error', error: message, startedAt: now, finishedAt: now });
        await writeJsonAtomic(path.join(trialsDir, `${k.id}.error.json`), redact(errors.get(k.id))).catch(() => undefined);
        out(`[${++done}/${total}] ${k.id}  ERROR  ${message.split('\n')[0]}`);
      });
    for (const k of todo) void queue.add(() => guarded(k));
    await queue.onIdle();
  } finally {
    await providers.close();
    if (builtTemplate && !opts.keepDatabases) await dropTemplate(server, template).catch(() => undefined);
  }
  if (opts.signal?.aborted) interrupted = true;

  // 3. Results over every trial of the experiment (resumed and new).
  const summaries: TrialSummary[] = [];
  for (const k of keys) {
    const f = finished.get(k.id) ?? ran.get(k.id);
    if (f) {
      summaries.push({
        ...k,
        status: 'ok',
        ...(f.stopReason ? { stopReason: f.stopReason } : {}),
        resumed: finished.has(k.id),
        timings: f.timings,
        metrics: f.metrics,
      });
      continue;
    }
    const e = errors.get(k.id) ?? (await readJson<TrialErrorFile>(path.join(trialsDir, `${k.id}.error.json`)));
    if (e && (errors.has(k.id) || !interrupted)) summaries.push({ ...k, status: 'error', error: e.error, resumed: !errors.has(k.id) });
  }
  const cells: CellResult[] = [];
  for (const v of spec.variants) {
    for (const m of spec.models) {
      const id = `${v.name}/${m.name}`;
      const mine = summaries.filter((s) => s.cell === id);
      const ok = mine.filter((s) => s.status === 'ok');
      cells.push({ id, variant: v.name, model: m.name, trials: mine.length, ok: ok.length, errors: mine.length - ok.length, metrics: summariseCell(ok.map((s) => s.metrics!)) });
    }
  }
  const allFiles = [...finished.values(), ...ran.values()];
  const okRan = [...ran.values()];
  const sum = (f: (t: TrialFile) => number) => allFiles.reduce((s, t) => s + f(t), 0);
  const gates = evaluateGates([...spec.thresholds, ...cliGates], cells);
  const catalogRules = new Set(worlds.flatMap((w) => [...w.mistakes.keys()]));
  const results: ExperimentResults = {
    schema: 'schemacrew.experiment/1',
    experiment: {
      id: spec.id,
      file: path.relative(process.cwd(), spec.file) || spec.file,
      ...(spec.description ? { description: spec.description } : {}),
      scenario: scenario.id,
      slice: spec.slice,
      seeds: spec.seeds,
      concurrency: opts.concurrency ?? spec.concurrency,
      variants: worlds.map((w) => ({
        name: w.spec.name,
        ...(w.spec.description ? { description: w.spec.description } : {}),
        ...(w.spec.prompts ? { prompts: path.relative(process.cwd(), w.spec.prompts) || w.spec.prompts } : {}),
        personas: w.spec.personas,
        ...(w.spec.temperature !== undefined ? { temperature: w.spec.temperature } : {}),
        promptHashes: w.promptHashes,
      })),
      models: spec.models.map(describeModel),
      ...(spec.reviewer ? { reviewer: describeModel(spec.reviewer) } : {}),
      ...(spec.models.some((m) => m.provider === 'fake')
        ? { mutations: { planted: Object.keys(MUTATIONS).sort(), withoutMutation: rulesWithoutMutation(catalogRules) } }
        : {}),
    },
    packageVersion: opts.packageVersion ?? defaultPackageVersion(),
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    interrupted,
    trials: summaries,
    cells,
    totals: {
      trials: keys.length,
      ok: summaries.filter((s) => s.status === 'ok').length,
      errors: summaries.filter((s) => s.status === 'error').length,
      resumed: finished.size,
      notRun: keys.length - summaries.length,
      costUsd: Math.round(sum((t) => t.metrics.cost_usd ?? 0) * 1e6) / 1e6,
      spentUsd: Math.round(okRan.reduce((s, t) => s + t.cache.spentUsd, 0) * 1e6) / 1e6,
      tokens: { input: sum((t) => t.metrics.tokens_input ?? 0), output: sum((t) => t.metrics.tokens_output ?? 0), cached: sum((t) => t.metrics.tokens_cached ?? 0) },
      cacheHits: okRan.reduce((s, t) => s + t.cache.hits, 0),
      calls: okRan.reduce((s, t) => s + t.calls.length, 0),
      wallMs: Math.round(performance.now() - t0),
      trialMs: Math.round(okRan.reduce((s, t) => s + t.timings.durationMs, 0)),
      templateMs: Math.round(templateMs),
    },
    gates,
    ...(baseline ? { baseline: baselineDiff(opts.baseline!, baseline, cells) } : {}),
  };
  const files = await writeExperimentReports(dir, redact(results));

  const failures: string[] = [];
  for (const g of gates.filter((x) => x.failed)) failures.push(`cell ${g.cell}: ${g.metric} = ${num(g.value, 4)} (fail-if "${g.expr}")`);
  for (const s of summaries.filter((x) => x.status === 'error')) failures.push(`trial ${s.id} failed: ${s.error?.split('\n')[0]}`);
  const tt = results.totals;
  out(
    `experiment ${spec.id}: ${tt.trials} trials (${tt.ok} ok, ${tt.errors} failed${tt.resumed ? `, ${tt.resumed} resumed` : ''}${tt.notRun ? `, ${tt.notRun} not run` : ''})` +
      ` in ${(tt.wallMs / 1000).toFixed(1)}s; cost $${tt.costUsd.toFixed(4)} (paid now $${tt.spentUsd.toFixed(4)}); ${tt.calls} calls, ${tt.cacheHits} from the cache`,
  );
  for (const f of failures) out(`FAIL ${f}`);
  out(`results: ${path.relative(process.cwd(), path.join(dir, 'report.html')) || path.join(dir, 'report.html')}`);
  const exitCode: ExitCode = interrupted ? ExitCode.Stopped : failures.length ? ExitCode.Failed : ExitCode.Ok;
  return { dir, results, exitCode, failures, files };
}

function roundTimings(t: TrialTimings): TrialTimings {
  const r = (v: number) => Math.round(v * 10) / 10;
  return { waitMs: r(t.waitMs), cloneMs: r(t.cloneMs), lockMs: r(t.lockMs), runMs: r(t.runMs), dropMs: r(t.dropMs), durationMs: r(t.durationMs) };
}
