// Experiment metrics: computed per trial from its RunRecord (and its call log), then summarised per
// cell (variant × model) across seeds as mean, sample standard deviation, min and max.
// Definitions are in docs/experiments.md; the names here are the names in results.json and the
// names --fail-if takes.
import type { EntryRecord, RunRecord } from '../report/types.js';
import type { MistakeCatalog } from '../plan/mistakes.js';
import type { RoadmapEntry } from '../scenario/types.js';
import type { CallRecord } from './metering.js';
import { detectLeaks, type LeakHit } from './leaks.js';
import { HAZARD_RULES, RULE_CATEGORIES } from '../checks/categories.js';

// Lock and rewrite hazards (migration-safety rules, src/checks/categories.ts). They are advisory like
// the design rules, but reference SQL trips them all the time (any plain CREATE INDEX on an existing
// table), so they are not counted as unintended defects nor as persona errors unless the plan asked
// for one; they are counted on their own in hazards_per_entry.
export { HAZARD_RULES };

/** Planned defects that can never show up among the realised (advisory) ones: gate rules, the change is meant to fail. */
export const UNREALISABLE_RULES: readonly string[] = [...RULE_CATEGORIES].filter(([, c]) => c === 'gate').map(([id]) => id);

export interface MetricInfo {
  name: string;
  description: string;
}

export const METRICS: readonly MetricInfo[] = [
  { name: 'entries', description: 'entries worked on (applied, rejected or failed)' },
  { name: 'applied', description: 'entries applied' },
  { name: 'failed', description: 'entries failed (Postgres refused the SQL, or no valid answer)' },
  { name: 'rejected', description: 'entries rejected by the gate' },
  { name: 'valid_rate', description: 'applied / (applied + failed): final migrations that applied cleanly' },
  { name: 'acceptance_rate', description: 'applied / entries' },
  { name: 'mean_rounds', description: 'mean rounds (first draft + revisions) per entry' },
  { name: 'planned_entries', description: 'entries with a planned (realisable) defect' },
  { name: 'realised_rate', description: 'planned defects present in the applied SQL / planned defects (entries with a plan)' },
  { name: 'realised_rate_drawn', description: 'realised_rate over plans drawn by the planner (directive only, not in the roadmap SQL)' },
  { name: 'realised_rate_roadmap', description: 'realised_rate over the roadmap\'s own planted defects' },
  { name: 'unintended_per_entry', description: 'advisory defects found that were not planned (hazard rules excluded), per entry' },
  { name: 'unintended_share', description: 'share of entries with at least one unintended (non-hazard) defect' },
  { name: 'hazards_per_entry', description: 'unplanned lock/rewrite hazards (HAZARD_RULES) per entry' },
  { name: 'leak_rate', description: 'entries given a mistake directive whose answer (any round) gives it away / such entries' },
  { name: 'leak_rate_unplanned', description: 'entries without a directive flagged by the leak detector / such entries (detector false positives)' },
  { name: 'reviewer_catch_rate', description: 'planned defects the reviewer named / planned defects' },
  { name: 'calibration_error', description: 'mean over personas of |error_rate - target_rate|' },
  { name: 'faithfulness_gap', description: 'mean over personas of |error_rate - planned_rate| (the persona doing what was planned)' },
  { name: 'planner_gap', description: 'mean over personas of |planned_rate - target_rate| (the planner\'s sampling noise)' },
  { name: 'tokens_input', description: 'input tokens (cached included)' },
  { name: 'tokens_output', description: 'output tokens' },
  { name: 'tokens_cached', description: 'input tokens read from the provider\'s prompt cache' },
  { name: 'cost_usd', description: 'cost of the trial at list prices (cache hits count at their original cost)' },
  { name: 'spent_usd', description: 'what this run paid (response-cache misses only)' },
  { name: 'calls', description: 'model calls (writes, revisions, reviews)' },
  { name: 'latency_p50_ms', description: 'median latency per model call' },
  { name: 'latency_p95_ms', description: '95th percentile latency per model call' },
  { name: 'cache_hits', description: 'answers served from the response cache' },
  { name: 'duration_ms', description: 'trial wall time (clone, run, drop)' },
];

/** Per-persona metrics: `<prefix>.<persona id>`. */
export const PERSONA_METRICS: readonly MetricInfo[] = [
  { name: 'error_rate', description: 'share of the persona\'s entries whose applied SQL carries a defect of a planted kind' },
  { name: 'planned_rate', description: 'share of the persona\'s entries the planner gave a mistake' },
  { name: 'target_rate', description: 'the persona\'s errorRate (after variant overrides)' },
];

/** Checks a metric name; returns an error message or undefined. */
export function unknownMetric(name: string, personaIds: readonly string[]): string | undefined {
  if (METRICS.some((m) => m.name === name)) return undefined;
  const [prefix, persona] = name.split('.', 2);
  if (persona !== undefined && PERSONA_METRICS.some((m) => m.name === prefix)) {
    return personaIds.includes(persona) ? undefined : `unknown persona "${persona}" in "${name}" (personas: ${personaIds.join(', ')})`;
  }
  return `unknown metric "${name}" (metrics: ${METRICS.map((m) => m.name).join(', ')}, or ${PERSONA_METRICS.map((m) => `${m.name}.<persona>`).join(', ')})`;
}

export type MetricValues = Record<string, number | null>;

export interface TrialContext {
  mistakes: MistakeCatalog;
  /** Roadmap entries by id (for the title and task the leak detector ignores). */
  roadmap: Map<string, RoadmapEntry>;
  /** Personas of the slice with their (variant) target error rates. */
  personas: { id: string; errorRate: number }[];
}

export interface EntryLeak {
  entryId: string;
  round: number;
  directive: boolean;
  hits: LeakHit[];
}

export interface TrialMetrics {
  metrics: MetricValues;
  leaks: EntryLeak[];
  /** Entries counted as persona errors, by persona. */
  errors: Record<string, string[]>;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** Nearest-rank percentile (p in 0..100) of a list of numbers; null when empty. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

function attempted(e: EntryRecord): boolean {
  return e.status === 'applied' || e.status === 'failed' || e.status === 'rejected';
}

function realisablePlan(e: EntryRecord): string[] {
  return e.plan.defects.filter((d) => !UNREALISABLE_RULES.includes(d));
}

/** The directive the pipeline put into the task: the first planned rule with a catalog entry. */
export function directiveFor(e: EntryRecord, mistakes: MistakeCatalog): string | null {
  const rule = e.plan.defects.find((d) => mistakes.has(d));
  return rule ? mistakes.get(rule)!.directive : null;
}

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter((s) => s.length > 12);
}

export function computeTrialMetrics(record: RunRecord, calls: CallRecord[], ctx: TrialContext, extra: { durationMs: number; cacheHits: number; spentUsd: number }): TrialMetrics {
  const E = record.entries.filter(attempted);
  const n = E.length;
  const count = (s: EntryRecord['status']) => E.filter((e) => e.status === s).length;
  const applied = count('applied');
  const failed = count('failed');
  const rejected = count('rejected');
  const hazards = new Set(HAZARD_RULES);
  const plantedKinds = new Set([...ctx.mistakes.keys()].filter((r) => !hazards.has(r)));

  const realisedOver = (list: EntryRecord[]) => {
    let planned = 0;
    let got = 0;
    for (const e of list) {
      const p = realisablePlan(e);
      planned += p.length;
      got += p.filter((d) => e.realisedDefects.includes(d)).length;
    }
    return ratio(got, planned);
  };
  const P = E.filter((e) => realisablePlan(e).length > 0);
  const plannedDefects = P.reduce((s, e) => s + realisablePlan(e).length, 0);
  const caught = P.reduce((s, e) => s + e.reviewerCaught.filter((d) => realisablePlan(e).includes(d)).length, 0);

  let unintended = 0;
  let unintendedEntries = 0;
  let hazardCount = 0;
  for (const e of E) {
    const extraDefects = e.realisedDefects.filter((d) => !e.plan.defects.includes(d));
    const u = extraDefects.filter((d) => !hazards.has(d)).length;
    unintended += u;
    if (u > 0) unintendedEntries++;
    hazardCount += extraDefects.filter((d) => hazards.has(d)).length;
  }

  // Leaks: every round of every entry.
  const leaks: EntryLeak[] = [];
  const leaked = new Set<string>();
  let directed = 0;
  let directedLeaked = 0;
  let undirectedLeaked = 0;
  for (const e of E) {
    const directive = directiveFor(e, ctx.mistakes);
    const entry = ctx.roadmap.get(e.entryId);
    const ignore = [e.title, ...(entry ? [entry.title, ...sentences(entry.task)] : [])];
    for (const r of e.rounds) {
      const hits = detectLeaks({ upSql: r.upSql, rationale: r.rationale, notes: r.notes, directive, ignore });
      if (hits.length) {
        leaks.push({ entryId: e.entryId, round: r.round, directive: directive !== null, hits });
        leaked.add(e.entryId);
      }
    }
    if (directive !== null) {
      directed++;
      if (leaked.has(e.entryId)) directedLeaked++;
    } else if (leaked.has(e.entryId)) undirectedLeaked++;
  }

  // Error rate per persona against its target.
  const perPersona: MetricValues = {};
  const errors: Record<string, string[]> = {};
  const cal: number[] = [];
  const faith: number[] = [];
  const plan: number[] = [];
  for (const p of ctx.personas) {
    const mine = E.filter((e) => e.personaId === p.id);
    if (!mine.length) continue;
    const err = mine.filter(
      (e) => e.status === 'applied' && e.realisedDefects.some((d) => plantedKinds.has(d) || e.plan.defects.includes(d)),
    );
    errors[p.id] = err.map((e) => e.entryId);
    const rate = err.length / mine.length;
    const planned = mine.filter((e) => e.plan.defects.length > 0).length / mine.length;
    perPersona[`error_rate.${p.id}`] = rate;
    perPersona[`planned_rate.${p.id}`] = planned;
    perPersona[`target_rate.${p.id}`] = p.errorRate;
    cal.push(Math.abs(rate - p.errorRate));
    faith.push(Math.abs(rate - planned));
    plan.push(Math.abs(planned - p.errorRate));
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
  const latencies = calls.filter((c) => c.ok).map((c) => c.latencyMs);

  const metrics: MetricValues = {
    entries: n,
    applied,
    failed,
    rejected,
    valid_rate: ratio(applied, applied + failed),
    acceptance_rate: ratio(applied, n),
    mean_rounds: ratio(E.reduce((s, e) => s + e.rounds.length, 0), n),
    planned_entries: P.length,
    realised_rate: realisedOver(P),
    realised_rate_drawn: realisedOver(P.filter((e) => e.plan.source === 'drawn')),
    realised_rate_roadmap: realisedOver(P.filter((e) => e.plan.source === 'roadmap')),
    unintended_per_entry: ratio(unintended, n),
    unintended_share: ratio(unintendedEntries, n),
    hazards_per_entry: ratio(hazardCount, n),
    leak_rate: ratio(directedLeaked, directed),
    leak_rate_unplanned: ratio(undirectedLeaked, n - directed),
    reviewer_catch_rate: ratio(caught, plannedDefects),
    calibration_error: mean(cal),
    faithfulness_gap: mean(faith),
    planner_gap: mean(plan),
    tokens_input: record.totals.tokens.input,
    tokens_output: record.totals.tokens.output,
    tokens_cached: record.totals.tokens.cachedInput,
    cost_usd: Math.round(record.totals.costUsd * 1e6) / 1e6,
    spent_usd: Math.round(extra.spentUsd * 1e6) / 1e6,
    calls: calls.length,
    latency_p50_ms: percentile(latencies, 50),
    latency_p95_ms: percentile(latencies, 95),
    cache_hits: extra.cacheHits,
    duration_ms: Math.round(extra.durationMs),
    ...perPersona,
  };
  return { metrics, leaks, errors };
}

export interface Stat {
  mean: number | null;
  stdev: number | null;
  min: number | null;
  max: number | null;
  /** Trials where the metric is defined. */
  n: number;
}

/** mean, sample standard deviation (0 for one value), min, max over the defined values. */
export function summarise(values: (number | null | undefined)[]): Stat {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (!xs.length) return { mean: null, stdev: null, min: null, max: null, n: 0 };
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.length > 1 ? xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1) : 0;
  const r = (v: number) => Math.round(v * 1e9) / 1e9;
  return { mean: r(mean), stdev: r(Math.sqrt(variance)), min: r(Math.min(...xs)), max: r(Math.max(...xs)), n: xs.length };
}

/** Stats per metric over a cell's trials (union of the metric names, in a stable order). */
export function summariseCell(trials: MetricValues[]): Record<string, Stat> {
  const names: string[] = [];
  for (const t of trials) for (const k of Object.keys(t)) if (!names.includes(k)) names.push(k);
  const order = (k: string) => {
    const i = METRICS.findIndex((m) => m.name === k);
    return i >= 0 ? i : METRICS.length + names.indexOf(k);
  };
  names.sort((a, b) => order(a) - order(b));
  return Object.fromEntries(names.map((k) => [k, summarise(trials.map((t) => t[k]))]));
}
