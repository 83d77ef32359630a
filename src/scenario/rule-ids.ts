// The check rule vocabulary: roadmaps name planted defects with these ids and personas weight their
// mistakes with them. It is read from the rules folder (one file per rule, src/checks/rules/<id>.ts),
// so adding a rule adds its id here without touching this file.
import { readdirSync } from 'node:fs';
import { RULES_DIR } from '../checks/registry.js';

export const KNOWN_RULE_IDS: readonly string[] = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.cases.ts') && !f.endsWith('.d.ts'))
  .map((f) => f.slice(0, -'.ts'.length))
  .sort();

export type KnownRuleId = string;

const known: ReadonlySet<string> = new Set(KNOWN_RULE_IDS);

export function isKnownRuleId(id: string): id is KnownRuleId {
  return known.has(id);
}
