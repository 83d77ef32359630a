// Pure aggregations over a run's entries: per-persona summary, totals, the answer key, and the
// small formatting helpers shared by the markdown, HTML and terminal renderers.
import { reportMappingFor } from './postgres-ai.js';
import type { EntryRecord, GroundTruthDefect, PersonaSummary, RunRecord } from './types.js';

export type Tokens = { input: number; output: number; cachedInput: number };
export type RunTotals = RunRecord['totals'];

const zeroTokens = (): Tokens => ({ input: 0, output: 0, cachedInput: 0 });

function addTokens(a: Tokens, b: Tokens): Tokens {
  return { input: a.input + b.input, output: a.output + b.output, cachedInput: a.cachedInput + b.cachedInput };
}

/** Money sums rounded to micro-dollars, so 0.1 + 0.2 prints as 0.3. */
export function roundUsd(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** Entries that were actually worked on (not still planned, not skipped). */
export function attempted(e: EntryRecord): boolean {
  return e.status !== 'planned' && e.status !== 'skipped';
}

/** Did the applied SQL carry at least one advisory defect? */
export function realised(e: EntryRecord): boolean {
  // An unplanned lock hazard (a plain CREATE INDEX, say) is not a persona's mistake left in the schema.
  const hazards = new Set(e.hazards ?? []);
  return e.status === 'applied' && e.realisedDefects.some((d) => !hazards.has(d) || e.plan.defects.includes(d));
}

/**
 * One row per persona, in the order given (personas only seen in entries are appended, with
 * target 0). Rates are over the persona's attempted entries (status not planned/skipped):
 * plannedRate = share with a planned mistake, realisedRate = share whose applied SQL carried an
 * advisory defect. Cost and tokens are over all the persona's entries.
 */
export function summarisePersonas(entries: EntryRecord[], personas: { id: string; name: string; errorRate: number }[]): PersonaSummary[] {
  const list = [...personas];
  for (const e of entries) {
    if (!list.some((p) => p.id === e.personaId)) list.push({ id: e.personaId, name: e.personaName, errorRate: 0 });
  }
  return list.map((p) => {
    const mine = entries.filter((e) => e.personaId === p.id);
    const done = mine.filter(attempted);
    const n = done.length;
    return {
      personaId: p.id,
      name: p.name,
      targetErrorRate: p.errorRate,
      entries: n,
      plannedRate: n ? done.filter((e) => e.plan.defects.length > 0).length / n : 0,
      realisedRate: n ? done.filter(realised).length / n : 0,
      costUsd: roundUsd(mine.reduce((s, e) => s + e.costUsd, 0)),
      tokens: mine.reduce((t, e) => addTokens(t, e.tokens), zeroTokens()),
    };
  });
}

export function totals(entries: EntryRecord[]): RunTotals {
  const count = (s: EntryRecord['status']) => entries.filter((e) => e.status === s).length;
  return {
    entries: entries.length,
    applied: count('applied'),
    rejected: count('rejected'),
    failed: count('failed'),
    skipped: count('skipped'),
    tokens: entries.reduce((t, e) => addTokens(t, e.tokens), zeroTokens()),
    costUsd: roundUsd(entries.reduce((s, e) => s + e.costUsd, 0)),
  };
}

/** Tokens of a persona summary, computed from the entries when the summary has none. */
export function personaTokens(p: PersonaSummary, entries: EntryRecord[]): Tokens {
  return p.tokens ?? entries.filter((e) => e.personaId === p.personaId).reduce((t, e) => addTokens(t, e.tokens), zeroTokens());
}

// ---------------------------------------------------------------------------------------------
// The answer key

export interface ExpectedFindings {
  scenario: string;
  database: string;
  generatedAt: string;
  runId: string;
  /** Defects still in the database at the end of the run. */
  live: GroundTruthDefect[];
  /** Defects a later entry removed. */
  fixed: GroundTruthDefect[];
}

/** Key order of an answer-key item: identity first, then where, then bookkeeping. */
const DEFECT_KEYS: (keyof GroundTruthDefect)[] = [
  'id',
  'rule',
  'postgresAiReport',
  'postgresAiConfidence',
  'objects',
  'message',
  'entryId',
  'personaId',
  'planned',
  'reviewerCaught',
  'introducedAt',
  'fixedByEntryId',
  'fixedAt',
];

function orderDefect(d: GroundTruthDefect): GroundTruthDefect {
  const out: Record<string, unknown> = {};
  for (const k of DEFECT_KEYS) if (d[k] !== undefined) out[k] = d[k];
  for (const k of Object.keys(d).sort()) if (!(k in out) && (d as unknown as Record<string, unknown>)[k] !== undefined) out[k] = (d as unknown as Record<string, unknown>)[k];
  return out as unknown as GroundTruthDefect;
}

/** Defects with postgresAiReport from the mapping, sorted by entry index, then rule, then objects. */
export function answerKey(run: RunRecord): GroundTruthDefect[] {
  const indexOf = new Map(run.entries.map((e) => [e.entryId, e.index]));
  const pos = (d: GroundTruthDefect) => indexOf.get(d.entryId) ?? Number.MAX_SAFE_INTEGER;
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return run.defects
    .map((d) => {
      const { postgresAiReport: existing, postgresAiConfidence: existingConfidence, ...rest } = d;
      const m = reportMappingFor(d.rule);
      if (m?.report) return orderDefect({ ...rest, postgresAiReport: m.report, postgresAiConfidence: m.confidence });
      // A rule this module does not know keeps what the pipeline recorded.
      if (!m && existing) return orderDefect({ ...rest, postgresAiReport: existing, ...(existingConfidence ? { postgresAiConfidence: existingConfidence } : {}) });
      return orderDefect(rest);
    })
    .sort(
      (a, b) =>
        pos(a) - pos(b) ||
        cmp(a.rule, b.rule) ||
        cmp([...a.objects].sort().join(','), [...b.objects].sort().join(',')) ||
        cmp(a.id, b.id),
    );
}

/** What the renderers need: entries in roadmap order, lookup by id, the answer key split live/fixed. */
export function reportView(run: RunRecord): {
  entries: EntryRecord[];
  byId: Map<string, EntryRecord>;
  defects: GroundTruthDefect[];
  live: GroundTruthDefect[];
  fixed: GroundTruthDefect[];
} {
  const entries = [...run.entries].sort((a, b) => a.index - b.index);
  const defects = answerKey(run);
  return {
    entries,
    byId: new Map(entries.map((e) => [e.entryId, e])),
    defects,
    live: defects.filter((d) => !d.fixedByEntryId),
    fixed: defects.filter((d) => !!d.fixedByEntryId),
  };
}

export function buildExpectedFindings(run: RunRecord, generatedAt: string = new Date().toISOString()): ExpectedFindings {
  const { live, fixed } = reportView(run);
  return { scenario: run.meta.scenario, database: run.meta.database, generatedAt, runId: run.meta.runId, live, fixed };
}

// ---------------------------------------------------------------------------------------------
// Formatting shared by the renderers

/** "02" or "09-10". */
export function dayText(e: Pick<EntryRecord, 'dayStart' | 'dayEnd'>): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return e.dayEnd > e.dayStart ? `${p(e.dayStart)}-${p(e.dayEnd)}` : p(e.dayStart);
}

export function formatUsd(v: number): string {
  if (v === 0) return '$0.00';
  if (Math.abs(v) < 0.01) return `$${v.toFixed(4)}`;
  return `$${v.toFixed(2)}`;
}

export function formatInt(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatRate(v: number): string {
  return `${Math.round(v * 100)}%`;
}

/** The gate's or Postgres's reason on one line, cut to `max` characters. */
export function oneLineReason(s: string, max = 120): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

/** Planned defects that did not land (the entry was not applied or the SQL did not carry them). */
export function plannedNotRealised(e: EntryRecord): string[] {
  const landed = new Set(e.status === 'applied' ? e.realisedDefects : []);
  return e.plan.defects.filter((d) => !landed.has(d));
}

/** Models line: "openai/gpt-4.1 (persona), anthropic/claude… (reviewer)". */
export function modelsText(run: RunRecord): string {
  const { persona, reviewer } = run.meta.providers;
  const t = (x: { provider: string; model: string; temperature?: number }) =>
    `${x.provider}/${x.model}${x.temperature !== undefined ? ` (t=${x.temperature})` : ''}`;
  return `${t(persona)} for personas, ${t(reviewer)} for review`;
}
