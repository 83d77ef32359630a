// One call shape for every provider (scripted, openai, anthropic, langchain).
import type { z } from 'zod';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** What the call is for; used for cost accounting, logs and by the scripted provider. */
export interface CallPurpose {
  /** 'write' (first draft), 'revise' (after feedback), 'review'. */
  kind: 'write' | 'revise' | 'review';
  personaId: string;
  entryId: string;
  round: number;
}

export interface LlmRequest<T> {
  /** System prompt. Its stable part (persona + scenario) is cached by providers that support it. */
  system: string;
  messages: ChatMessage[];
  /** zod schema the answer must satisfy. */
  schema: z.ZodType<T>;
  /** Name for the schema in structured-output APIs, e.g. "migration". */
  schemaName: string;
  model: string;
  temperature?: number;
  seed?: number;
  maxTokens?: number;
  purpose: CallPurpose;
  /** Cancels the call (queue wait, retries and the HTTP request). */
  signal?: AbortSignal;
}

export interface Usage {
  /** All input tokens, cached ones included (OpenAI's convention; Anthropic's numbers are summed to match). */
  inputTokens: number;
  outputTokens: number;
  /** The part of inputTokens read from the provider's prompt cache (billed at the cached-input price). */
  cachedInputTokens: number;
  /** The part of inputTokens written to the prompt cache (Anthropic bills these at a premium). */
  cacheWriteInputTokens?: number;
}

export interface LlmResult<T> {
  value: T;
  /** The model's raw text answer (what was parsed). */
  raw: string;
  usage: Usage;
  costUsd: number;
  latencyMs: number;
  provider: string;
  model: string;
  requestId?: string;
  /** 1 normally, 2 when the first answer failed the schema and was re-asked. */
  attempts: number;
  /** The request's purpose, echoed so a CostMeter can account per persona. */
  purpose?: CallPurpose;
}

export interface LlmProvider {
  readonly name: string;
  complete<T>(req: LlmRequest<T>): Promise<LlmResult<T>>;
}
