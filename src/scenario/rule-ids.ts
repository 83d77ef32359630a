// The check rule vocabulary. Roadmaps name planted defects with these ids, personas weight their
// mistakes with them, and the checks stage implements one rule per id.

export const KNOWN_RULE_IDS = [
  // Design: what the schema looks like afterwards.
  'fk-missing-index',
  'redundant-index',
  'fk-type-mismatch',
  'uuid-as-text',
  'boolean-as-text',
  'json-not-jsonb',
  'timestamp-without-tz',
  'table-without-pk',
  'partition-missing-default',
  'low-cardinality-index',
  'btree-on-large-text',
  'column-never-populated',
  'wide-table',
  'matview-no-unique-index',
  'tenant-unique-missing-tenant',
  'ineffective-hint',
  // Migration safety: what applying the change does to a live database.
  'index-not-concurrent',
  'not-null-without-default',
  'volatile-default-rewrite',
  'column-type-rewrite',
  'constraint-without-not-valid',
  'set-not-null-scan',
  'destructive-drop',
  // The change does not apply at all.
  'apply-error',
] as const;

export type KnownRuleId = (typeof KNOWN_RULE_IDS)[number];

const known: ReadonlySet<string> = new Set(KNOWN_RULE_IDS);

export function isKnownRuleId(id: string): id is KnownRuleId {
  return known.has(id);
}
