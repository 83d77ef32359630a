// The reviewer agent: sees the task, the migration and the check findings, and answers approve,
// request_changes or reject. Its strictness is part of its persona.
import type { Persona, RoadmapEntry, Scenario } from '../scenario/types.js';
import type { LlmResult } from '../llm/types.js';
import type { Finding } from '../checks/engine.js';
import type { PromptLibrary } from './prompts.js';
import { ReviewAnswer, type MigrationAnswer } from './schemas.js';
import { scenarioVars, type ModelSettings } from './writer.js';

export interface ReviewInput {
  scenario: Scenario;
  reviewer: Persona;
  author: Persona;
  entry: RoadmapEntry;
  migration: MigrationAnswer;
  findings: Finding[];
  schemaSummary: string;
  round: number;
}

export async function reviewMigration(
  prompts: PromptLibrary,
  settings: ModelSettings,
  input: ReviewInput,
): Promise<LlmResult<ReviewAnswer>> {
  const { referenceSql: _hidden, ...entry } = input.entry;
  const system = prompts.render('reviewer-system', {
    reviewer: { ...input.reviewer, strictness: input.reviewer.strictness ?? 0.5 },
    scenario: scenarioVars(input.scenario),
  });
  const request = prompts.render('review-request', {
    entry,
    author: input.author,
    migration: input.migration,
    findings: input.findings,
    schemaSummary: input.schemaSummary,
    round: input.round,
  });
  return settings.provider.complete({
    system,
    messages: [{ role: 'user', content: request }],
    schema: ReviewAnswer,
    schemaName: 'review',
    model: settings.model,
    ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
    ...(settings.maxTokens !== undefined ? { maxTokens: settings.maxTokens } : {}),
    ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
    purpose: { kind: 'review', personaId: input.reviewer.id, entryId: input.entry.id, round: input.round },
  });
}
