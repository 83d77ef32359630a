// What a run produces, as data: the pipeline fills these, the report stage renders them.
import type { Finding } from '../checks/engine.js';

export type EntryStatus = 'applied' | 'rejected' | 'failed' | 'skipped' | 'planned';

/** The planner's decision for one entry (recorded before the persona writes). */
export interface MistakePlan {
  /** Rule ids the change is meant to carry (roadmap defects take precedence over drawn ones). */
  defects: string[];
  /** 'roadmap' when the plan's own defect was used, 'drawn' when the RNG chose one, 'none'. */
  source: 'roadmap' | 'drawn' | 'none';
  /** The RNG draw in [0,1) compared with the persona's error rate (absent for roadmap plans). */
  draw?: number;
}

export interface ReviewRecord {
  round: number;
  verdict: 'approve' | 'request_changes' | 'reject';
  summary: string;
  comments: { severity: string; message: string; rule: string | null }[];
}

export interface RoundRecord {
  round: number;
  title: string;
  rationale: string;
  upSql: string;
  downSql: string;
  notes: string;
  findings: Finding[];
  review?: ReviewRecord;
  /** What the gate decided after this round. */
  gate: 'apply' | 'revise' | 'reject';
  gateReason: string;
}

/** One defect that landed in the database: the answer key for monitoring tools. */
export interface GroundTruthDefect {
  /** Stable id: `<entryId>:<rule>:<object>`. */
  id: string;
  rule: string;
  /** postgres_ai checkup report id where one exists (H003 for fk-missing-index, H004 for redundant-index…). */
  postgresAiReport?: string;
  /** 'direct' when the report lists it from the catalog alone, 'likely' when it needs a workload first (see src/report/postgres-ai.ts). */
  postgresAiConfidence?: 'direct' | 'likely';
  /** Objects involved, schema-qualified: tables, columns (table.column), indexes. */
  objects: string[];
  message: string;
  entryId: string;
  personaId: string;
  /** Was it planned by the planner (true) or an unintended defect (false)? */
  planned: boolean;
  /** Did the reviewer name it (by rule id) in any round? */
  reviewerCaught: boolean;
  introducedAt: string;
  /** Set when a later entry removed the defect. */
  fixedByEntryId?: string;
  fixedAt?: string;
}

export interface EntryRecord {
  entryId: string;
  index: number;
  dayStart: number;
  dayEnd: number;
  week: number;
  personaId: string;
  personaName: string;
  title: string;
  verdictTag: 'good' | 'issue' | 'mixed';
  plan: MistakePlan;
  rounds: RoundRecord[];
  status: EntryStatus;
  /** One line: why it ended that way (the gate's reason, Postgres's error…). */
  reason: string;
  /** Rule ids the checks found in the final SQL (advisory findings: defects and hazards). */
  realisedDefects: string[];
  /** Those of realisedDefects that are lock/rewrite hazards of applying the change, not defects left in the schema. */
  hazards?: string[];
  /** Planned defects that the reviewer named. */
  reviewerCaught: string[];
  /** Final migration as applied (absent unless applied). */
  appliedSql?: { up: string; down: string };
  tokens: { input: number; output: number; cachedInput: number };
  costUsd: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

export interface PersonaSummary {
  personaId: string;
  name: string;
  targetErrorRate: number;
  entries: number;
  /** Share of this persona's entries with a planned mistake. */
  plannedRate: number;
  /** Share of this persona's entries whose applied SQL carried at least one advisory defect. */
  realisedRate: number;
  costUsd: number;
  /** Tokens spent on this persona's entries (its writes and the reviews of them). */
  tokens?: { input: number; output: number; cachedInput: number };
}

export interface RunMeta {
  runId: string;
  scenario: string;
  seed: number;
  startedAt: string;
  finishedAt?: string;
  packageVersion: string;
  providers: { persona: { provider: string; model: string; temperature?: number }; reviewer: { provider: string; model: string; temperature?: number } };
  /** sha256 of each prompt template used. */
  promptHashes: Record<string, string>;
  dryRun: boolean;
  /** Database target, without credentials. */
  database: string;
  /** How the run ended: completed, stopped (budget/signal). */
  outcome: 'completed' | 'stopped';
  stopReason?: string;
  /** First day of the simulated calendar (YYYY-MM-DD, default 2025-01-06, a Monday): day N is this date + N-1 days. */
  calendarStart?: string;
}

export interface RunRecord {
  meta: RunMeta;
  entries: EntryRecord[];
  personas: PersonaSummary[];
  /** Every defect ever landed in this database (live and fixed). */
  defects: GroundTruthDefect[];
  totals: { entries: number; applied: number; rejected: number; failed: number; skipped: number; tokens: { input: number; output: number; cachedInput: number }; costUsd: number };
}
