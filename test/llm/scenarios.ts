// The LLM exchanges recorded by scripts/record-llm-fixtures.ts and replayed by the adapter
// tests. Recording and replay build the providers the same way, so the request bodies match.
import { MigrationAnswer, ReviewAnswer } from '../../src/agents/schemas.js';
import type { Fault } from '../../src/llm/fake-server.js';
import { createAnthropicProvider } from '../../src/llm/providers/anthropic.js';
import { createLangChainOpenAIProvider } from '../../src/llm/providers/langchain.js';
import { createOpenAIProvider } from '../../src/llm/providers/openai.js';
import { ProviderQueue, type Clock, type QueueOptions } from '../../src/llm/queue.js';
import type { LlmProvider, LlmRequest } from '../../src/llm/types.js';

export type AdapterKind = 'openai' | 'anthropic' | 'langchain';
export const ADAPTERS: AdapterKind[] = ['openai', 'anthropic', 'langchain'];

/** Fake keys: recorded with these, and the record test proves they never reach fixtures/. */
export const FAKE_OPENAI_KEY = 'sk-test-FAKEKEY1234567890abcdef';
export const FAKE_ANTHROPIC_KEY = 'sk-ant-test-FAKEKEY1234567890abcdef';

export const MODELS: Record<AdapterKind, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-haiku-4-5',
  langchain: 'gpt-4o-mini',
};

/** Origins used while replaying: nothing listens there, the cassette answers. */
export const REPLAY_BASE = { openai: 'http://replay.invalid/v1', anthropic: 'http://replay.invalid' };

export interface Endpoints {
  openai: string;
  anthropic: string;
}

export function buildProvider(
  kind: AdapterKind,
  base: Endpoints,
  clock: Clock,
  queueOptions: QueueOptions = {},
): { provider: LlmProvider; queue: ProviderQueue } {
  // A private queue per test: fake clock, no jitter, short timeouts.
  const queue = new ProviderQueue(`${kind}-test`, { clock, random: () => 0, timeoutMs: 10_000, ...queueOptions });
  switch (kind) {
    case 'openai':
      return { queue, provider: createOpenAIProvider({ apiKey: FAKE_OPENAI_KEY, baseURL: base.openai, queue, clock }) };
    case 'anthropic':
      return { queue, provider: createAnthropicProvider({ apiKey: FAKE_ANTHROPIC_KEY, baseURL: base.anthropic, queue, clock }) };
    case 'langchain':
      return {
        queue,
        provider: createLangChainOpenAIProvider({
          apiKey: FAKE_OPENAI_KEY,
          baseURL: base.openai,
          model: MODELS.langchain,
          temperature: 0.2,
          maxTokens: 1024,
          queue,
          clock,
        }),
      };
  }
}

const ALEX_SYSTEM =
  'You are Alex, a backend engineer on a small product team. You write PostgreSQL migrations for the ' +
  'roadmap entry you are given. You like short names and you move fast. Answer with one JSON object.';
const REVIEWER_SYSTEM =
  'You are the database reviewer of the team. You review one migration at a time and answer with a ' +
  'verdict, a summary and comments. Answer with one JSON object.';

export function writeRequest(kind: AdapterKind, entryId: string, task: string): LlmRequest<MigrationAnswer> {
  return {
    system: ALEX_SYSTEM,
    messages: [{ role: 'user', content: `Roadmap entry ${entryId}: ${task}` }],
    schema: MigrationAnswer,
    schemaName: 'migration',
    model: MODELS[kind],
    temperature: 0.2,
    seed: 42,
    maxTokens: 1024,
    purpose: { kind: 'write', personaId: 'alex', entryId, round: 1 },
  };
}

export function reviewRequest(kind: AdapterKind, entryId: string, sql: string): LlmRequest<ReviewAnswer> {
  return {
    system: REVIEWER_SYSTEM,
    messages: [{ role: 'user', content: `Review this migration for ${entryId}:\n${sql}` }],
    schema: ReviewAnswer,
    schemaName: 'review',
    model: MODELS[kind],
    temperature: 0,
    seed: 42,
    maxTokens: 1024,
    purpose: { kind: 'review', personaId: 'reviewer', entryId, round: 1 },
  };
}

export interface Scenario {
  /** Cassette name: llm-<adapter>-<case>. */
  cassette: string;
  kind: AdapterKind;
  faults: Fault[];
  calls: Array<LlmRequest<unknown>>;
}

export type Case = 'plain' | 'reask' | 'rate-limit' | 'usage';
export const CASES: Case[] = ['plain', 'reask', 'rate-limit', 'usage'];

export function scenario(kind: AdapterKind, c: Case): Scenario {
  const cassette = `llm-${kind}-${c}`;
  const users = writeRequest(kind, 'e1', 'add a users table with an email address.');
  switch (c) {
    case 'plain':
      return { cassette, kind, faults: [], calls: [users] };
    case 'reask':
      return { cassette, kind, faults: [{ kind: 'schema_violation' }], calls: [users] };
    case 'rate-limit':
      return { cassette, kind, faults: [{ kind: 'rate_limit', retryAfter: 1 }], calls: [users] };
    case 'usage':
      return {
        cassette,
        kind,
        faults: [],
        calls: [
          users,
          writeRequest(kind, 'e2', 'add an orders table that references users.'),
          reviewRequest(kind, 'e1', 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);'),
        ] as Array<LlmRequest<unknown>>,
      };
  }
}
