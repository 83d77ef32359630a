// The scenario stage: typed scenario data and the loaders that produce it from files.
export type { Persona, RoadmapEntry, RuleId, Scenario, ScenarioSeed, Verdict } from './types.js';
export { KNOWN_RULE_IDS, isKnownRuleId, type KnownRuleId } from './rule-ids.js';
export { parseRoadmap, entryId, verdictOf, expectationsOf, type CastRef } from './roadmap.js';
export { loadPersona, loadCast, parsePersona, splitFrontMatter } from './personas.js';
export {
  loadScenario,
  listScenarios,
  scenarioDir,
  PROJECT_ROOT,
  SCENARIOS_DIR,
  AGENTS_DIR,
  SCENARIO_FILES,
} from './scenario.js';
