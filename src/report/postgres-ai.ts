// Which postgres_ai checkup report should surface each planted defect: the answer key's
// `postgresAiReport` column. Reports referenced (postgres-checkup / postgres_ai monitoring):
//   H001 Invalid indexes            H002 Unused indexes          H003 Non-indexed foreign keys
//   H004 Redundant indexes          F004 Heap bloat (estimated)  F005 Btree index bloat (estimated)
//   K003 Top queries by total time  L003 Integer (int2/int4) out-of-range risks in PKs
//
// Honesty rules for the mapping:
// - 'direct': the report reads the catalog and lists the defect as soon as it exists
//   (H001, H003, H004, L003). A monitoring tool that misses these has a real false negative.
// - 'likely': the report only shows the defect once a workload has run long enough (H002 needs
//   index usage statistics, F004/F005 need dead tuples, K003 needs pg_stat_statements). A miss
//   may just mean the workload never exercised it; score these separately.
// - A rule with no report (style, locking, reversibility, naming, types without a size risk…)
//   maps to nothing: the key is omitted from the answer key rather than forced onto a report.
//
// Rules listed here say which report covers them, or why none does; a rule not listed (a new rule
// file, say) maps to no report until someone decides otherwise here.
//
// Reports with no rule today, and why: F004/F005 (bloat) and K003 (top queries) come from a
// workload, not from the shape of a migration; H001 (invalid indexes) is left behind only by a
// failed CREATE INDEX CONCURRENTLY, which no rule plants; L003 would match an int4 primary key,
// which no rule plants yet.
import { isKnownRuleId } from '../scenario/rule-ids.js';

export type PostgresAiReportId = 'H001' | 'H002' | 'H003' | 'H004' | 'F004' | 'F005' | 'K003' | 'L003';

export const POSTGRES_AI_REPORTS: Record<PostgresAiReportId, string> = {
  H001: 'Invalid indexes',
  H002: 'Unused indexes',
  H003: 'Non-indexed foreign keys',
  H004: 'Redundant indexes',
  F004: 'Heap bloat (estimated)',
  F005: 'Btree index bloat (estimated)',
  K003: 'Top queries by total time',
  L003: 'Integer out-of-range risks in PKs',
};

export type ReportMapping =
  | { report: PostgresAiReportId; confidence: 'direct' | 'likely'; why: string }
  | { report: null; why: string };

const none = (why: string): ReportMapping => ({ report: null, why });

const MAPPING: Record<string, ReportMapping> = {
  // Design rules
  'fk-missing-index': {
    report: 'H003',
    confidence: 'direct',
    why: 'H003 lists every foreign key whose columns are not the leading columns of an index.',
  },
  'redundant-index': {
    report: 'H004',
    confidence: 'direct',
    why: 'H004 lists indexes whose columns are a prefix of (or equal to) another index on the same table.',
  },
  'low-cardinality-index': {
    report: 'H002',
    confidence: 'likely',
    why: 'The planner rarely uses a btree on a boolean/status-like column (a sequential scan is cheaper), so the index shows up in H002 (idx_scan = 0) once usage statistics accumulate. No report names low cardinality itself.',
  },
  'btree-on-large-text': {
    report: 'H002',
    confidence: 'likely',
    why: 'A btree on free text serves only equality/prefix lookups, which the workload does not make (searches are ILIKE/full text), so it stays unused: H002. Its size may also show in F005, but H002 is where it is actionable.',
  },
  'fk-type-mismatch': none('No checkup report compares the types of a foreign key and its referenced key.'),
  'uuid-as-text': none('Column types are not assessed by any checkup report.'),
  'boolean-as-text': none('Column types are not assessed by any checkup report.'),
  'json-not-jsonb': none('Column types are not assessed by any checkup report.'),
  'timestamp-without-tz': none('Column types are not assessed by any checkup report.'),
  'table-without-pk': none('No checkup report lists tables without a primary key (L003 only looks at existing int PKs).'),
  'partition-missing-default': none('Partitioning layout is not covered by the checkup reports.'),
  'column-never-populated': none('An always-NULL column is invisible to catalog and statistics reports.'),
  'wide-table': none('Column count is not a checkup metric; L001 shows table size, not width.'),
  'matview-no-unique-index': none('Materialized views and REFRESH CONCURRENTLY are not covered by the checkup reports.'),
  'tenant-unique-missing-tenant': none('A uniqueness rule that ignores the tenant is a logic defect no report can see.'),
  'ineffective-hint': none('Planner hints are not covered; any effect would only show indirectly in K003.'),
  // Migration safety: transient (locks, rewrites, scans while applying), gone once applied.
  'index-not-concurrent': none('The lock is held only while the index is built; the index itself is valid afterwards.'),
  'not-null-without-default': none('Fails or locks while applying; nothing remains for a report afterwards.'),
  'volatile-default-rewrite': none('The table rewrite happens while applying; a rewrite leaves no bloat behind.'),
  'column-type-rewrite': none('The table rewrite happens while applying; a rewrite leaves no bloat behind.'),
  'constraint-without-not-valid': none('The validating scan happens while applying; the constraint is valid afterwards.'),
  'set-not-null-scan': none('The full scan happens while applying; nothing remains afterwards.'),
  'destructive-drop': none('Lost data or objects leave no trace a health report could read.'),
  // The change did not apply.
  'apply-error': none('Nothing landed.'),
};

/** The postgres_ai report for a rule id, or undefined when no report would show it. */
export function postgresAiReportFor(rule: string): PostgresAiReportId | undefined {
  return reportMappingFor(rule)?.report ?? undefined;
}

/** The full mapping entry (report, confidence, why) for a rule id. */
export function reportMappingFor(rule: string): ReportMapping | undefined {
  if (Object.hasOwn(MAPPING, rule)) return MAPPING[rule];
  return isKnownRuleId(rule) ? none('no postgres_ai checkup report covers this rule (no decision recorded yet)') : undefined;
}

/** Rule ids that map to a report, sorted. */
export function mappedRules(): string[] {
  return Object.entries(MAPPING)
    .filter(([, m]) => m.report !== null)
    .map(([k]) => k)
    .sort();
}
