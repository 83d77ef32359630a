// Each rule's category (defect / hazard / gate), read from the rule files themselves, for stages
// that sort findings by kind without running the engine (reports, experiment metrics).
import { loadRules } from './registry.js';
import type { RuleCategory } from './types.js';

export const RULE_CATEGORIES: ReadonlyMap<string, RuleCategory> = new Map((await loadRules()).map((r) => [r.id, r.category]));

/** Ids of the lock and rewrite hazard rules (advisory, but a property of applying a change). */
export const HAZARD_RULES: readonly string[] = [...RULE_CATEGORIES].filter(([, c]) => c === 'hazard').map(([id]) => id);
