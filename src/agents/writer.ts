// The persona agent: writes a migration for a roadmap entry in its own voice, and revises it when
// the gate sends it back (the conversation carries on with the feedback).
import type { Persona, RoadmapEntry, Scenario } from '../scenario/types.js';
import type { ChatMessage, LlmProvider, LlmResult } from '../llm/types.js';
import type { Finding } from '../checks/engine.js';
import type { PromptLibrary } from './prompts.js';
import { MigrationAnswer, type ReviewAnswer } from './schemas.js';

export interface ModelSettings {
  provider: LlmProvider;
  model: string;
  temperature?: number;
  maxTokens?: number;
  seed?: number;
}

export interface Conversation {
  persona: Persona;
  entry: RoadmapEntry;
  system: string;
  messages: ChatMessage[];
}

export interface WriteContext {
  schemaSummary: string;
  recentWork: { day: string; title: string; status: string }[];
  /** The hidden mistake directive, or null for an honest change. */
  mistake: { rule: string; directive: string } | null;
  postgresMajor: number;
}

export function scenarioVars(scenario: Pick<Scenario, 'name' | 'description'>) {
  return { name: scenario.name, description: scenario.description.trim() };
}

export function openConversation(
  prompts: PromptLibrary,
  scenario: Scenario,
  persona: Persona,
  entry: RoadmapEntry,
  ctx: WriteContext,
): Conversation {
  const { referenceSql: _hidden, ...entryForPrompt } = entry;
  const system = prompts.render('persona-system', {
    persona,
    scenario: scenarioVars(scenario),
    postgresMajor: ctx.postgresMajor,
  });
  const task = prompts.render('task', {
    entry: entryForPrompt,
    schemaSummary: ctx.schemaSummary,
    recentWork: ctx.recentWork,
    mistake: ctx.mistake,
  });
  return { persona, entry, system, messages: [{ role: 'user', content: task }] };
}

export async function askForMigration(
  conv: Conversation,
  settings: ModelSettings,
  round: number,
): Promise<LlmResult<MigrationAnswer>> {
  const result = await settings.provider.complete({
    system: conv.system,
    messages: conv.messages,
    schema: MigrationAnswer,
    schemaName: 'migration',
    model: settings.model,
    ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
    ...(settings.maxTokens !== undefined ? { maxTokens: settings.maxTokens } : {}),
    ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
    purpose: { kind: round === 0 ? 'write' : 'revise', personaId: conv.persona.id, entryId: conv.entry.id, round },
  });
  conv.messages.push({ role: 'assistant', content: result.raw });
  return result;
}

export function addFeedback(
  conv: Conversation,
  prompts: PromptLibrary,
  feedback: { round: number; findings: Finding[]; review: ReviewAnswer | null; reviewerName: string },
): void {
  conv.messages.push({ role: 'user', content: prompts.render('revision', feedback) });
}
