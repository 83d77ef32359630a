// The scenario as typed data: what the loaders produce and every later stage reads.

/** Rule ids of the checks stage (src/checks/rules); planted defects and tendencies use the same vocabulary. */
export type RuleId = string;

export type Verdict = 'good' | 'issue' | 'mixed';

export interface Persona {
  /** File stem under agents/, e.g. "alex". */
  id: string;
  name: string;
  role: string;
  /** 'engineer' personas write migrations; the 'reviewer' reviews them. */
  kind: 'engineer' | 'reviewer';
  years: number;
  /** Share of changes that carry a mistake, 0..1 (Alex 0.10, Sam 0.25, Jordan 0.40). */
  errorRate: number;
  /** Weighted mistake tendencies: rule id -> relative weight. */
  tendencies: Record<RuleId, number>;
  /** Style rules the persona follows when writing a migration (used in the prompt). */
  style: string[];
  /** Reviewer only: 0..1, how likely it is to insist on fixing advisory findings. */
  strictness?: number;
  /** The persona prompt body (markdown after the front matter). */
  prompt: string;
  /** Source file, for error messages. */
  file: string;
}

export interface RoadmapEntry {
  /** Stable id, e.g. "day-02" or "day-09-10". */
  id: string;
  /** Position in the roadmap (0-based), the order of the run. */
  index: number;
  dayStart: number;
  dayEnd: number;
  week: number;
  weekTitle: string;
  /** Persona id (file stem under agents/). */
  personaId: string;
  title: string;
  /** What the product needs, in product words (never the SQL). */
  task: string;
  /** The plan's SQL for this entry, exactly as written (intended defects included). */
  referenceSql: string;
  verdict: Verdict;
  /** Defects this entry plants, as check rule ids. */
  plantedDefects: RuleId[];
  /**
   * Design-rule findings the reference SQL has although the plan does not intend them (its
   * `Incidental:` line), so scoring does not count them as false positives. Migration-safety
   * hazards (locks, rewrites, drops) are not listed: the checks stage reports those on its own.
   */
  incidentalDefects?: RuleId[];
  /** The entry's `Notes:` paragraph, for people (flaws no rule covers, replay caveats). */
  notes?: string;
  /** What the plan says should be detected (from its SQL comments), for people. */
  expectations: string[];
  /** Source file and line of the entry's heading. */
  file: string;
  line: number;
}

export interface ScenarioSeed {
  /** SQL run once after the base schema, as superuser, with setseed() for determinism. */
  sql: string;
  /** Default scale factor (1 = thousands of rows). */
  scale: number;
}

export interface Scenario {
  id: string;
  name: string;
  description: string;
  /** Folder holding scenario.yaml, schema.sql, seed.sql, roadmap.md. */
  dir: string;
  /** Postgres schema the scenario's tables live in; owned by the sandbox role. */
  schema: string;
  extensions: string[];
  baseSchemaSql: string;
  seed: ScenarioSeed;
  roadmap: RoadmapEntry[];
  /** Engineer personas by id. */
  cast: Map<string, Persona>;
  reviewer: Persona;
}
