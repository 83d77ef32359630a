// What an experiment writes, as data: one file per finished trial (trials/<trial-id>.json), one per
// failed trial (trials/<trial-id>.error.json, retried on resume), and results.json.
import type { RunRecord } from '../report/types.js';
import type { CallRecord } from './metering.js';
import type { EntryLeak, MetricValues, Stat } from './metrics.js';
import type { GateResult } from './fail-if.js';

export interface TrialTimings {
  /** Waiting for the clone and open locks (other trials cloning or opening their database). */
  waitMs: number;
  /** CREATE DATABASE … TEMPLATE. */
  cloneMs: number;
  /** Time holding the locks: the clone, then the pipeline opening the new database. */
  lockMs: number;
  /** The pipeline run (runRoadmap), from the clone to the run's reports. */
  runMs: number;
  dropMs: number;
  /** cloneMs + runMs + dropMs (lock waits excluded). */
  durationMs: number;
}

export interface TrialKey {
  id: string;
  /** `<variant>/<model>`. */
  cell: string;
  variant: string;
  model: string;
  seed: number;
}

export interface TrialFile extends TrialKey {
  status: 'ok';
  /** Set when the run stopped early (budget, partial apply); the trial still counts. */
  stopReason?: string;
  startedAt: string;
  finishedAt: string;
  timings: TrialTimings;
  database: string;
  /** The pipeline's run directory (relative to the experiment directory). */
  runDir: string;
  metrics: MetricValues;
  leaks: EntryLeak[];
  /** Entries counted as persona errors, by persona id. */
  personaErrors: Record<string, string[]>;
  cache: { hits: number; misses: number; spentUsd: number };
  calls: CallRecord[];
  record: RunRecord;
}

export interface TrialErrorFile extends TrialKey {
  status: 'error';
  error: string;
  startedAt: string;
  finishedAt: string;
}

export interface TrialSummary extends TrialKey {
  status: 'ok' | 'error';
  error?: string;
  stopReason?: string;
  /** Finished by an earlier invocation (resumed), not this one. */
  resumed: boolean;
  timings?: TrialTimings;
  metrics?: MetricValues;
}

export interface CellResult {
  id: string;
  variant: string;
  model: string;
  trials: number;
  ok: number;
  errors: number;
  metrics: Record<string, Stat>;
}

export interface BaselineDiff {
  id: string;
  /** cell id -> metric -> means and their difference (current - baseline). */
  cells: Record<string, Record<string, { baseline: number; current: number; delta: number }>>;
  /** Cells of this experiment the baseline does not have. */
  missing: string[];
}

export interface ExperimentResults {
  schema: 'schemacrew.experiment/1';
  experiment: {
    id: string;
    file: string;
    description?: string;
    scenario: string;
    slice: { fromDay?: number; toDay?: number; personas?: string[]; limit?: number };
    seeds: number[];
    concurrency: number;
    variants: {
      name: string;
      description?: string;
      prompts?: string;
      personas: Record<string, unknown>;
      temperature?: number;
      promptHashes: Record<string, string>;
    }[];
    models: Record<string, unknown>[];
    reviewer?: Record<string, unknown>;
    /** Mistake rules the fake behaviours can plant, and the catalog rules they cannot. */
    mutations?: { planted: string[]; withoutMutation: string[] };
  };
  packageVersion: string;
  startedAt: string;
  finishedAt: string;
  /** This invocation was interrupted: results cover the trials finished so far. */
  interrupted: boolean;
  trials: TrialSummary[];
  cells: CellResult[];
  totals: {
    trials: number;
    ok: number;
    errors: number;
    resumed: number;
    notRun: number;
    costUsd: number;
    spentUsd: number;
    tokens: { input: number; output: number; cached: number };
    cacheHits: number;
    calls: number;
    /** Wall time of this invocation. */
    wallMs: number;
    /** Sum of the durations of the trials this invocation ran. */
    trialMs: number;
    templateMs: number;
  };
  gates: GateResult[];
  baseline?: BaselineDiff;
}
