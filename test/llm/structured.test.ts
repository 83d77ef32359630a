// The shared wrapper: JSON/zod validation, one re-ask with the error, SchemaError with raw answers.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MigrationAnswer } from '../../src/agents/schemas.js';
import { SchemaError } from '../../src/llm/errors.js';
import { ProviderQueue, createFakeClock } from '../../src/llm/queue.js';
import { StructuredProvider, validateAnswer, type TransportAnswer, type TransportCall } from '../../src/llm/structured.js';
import type { LlmRequest } from '../../src/llm/types.js';

const good = { title: 't', rationale: 'r', up_sql: 'SELECT 1;', down_sql: '', notes: '' };

function stub(answers: Array<Partial<TransportAnswer> & { text: string }>) {
  const calls: TransportCall[] = [];
  const provider = new StructuredProvider({
    name: 'stub',
    queue: new ProviderQueue('stub', { clock: createFakeClock() }),
    transport: async (call) => {
      calls.push(call);
      const a = answers[calls.length - 1]!;
      return { usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 10 }, model: 'gpt-4o-mini-2024-07-18', ...a };
    },
  });
  return { provider, calls };
}

const req: LlmRequest<MigrationAnswer> = {
  system: 'sys',
  messages: [{ role: 'user', content: 'write it' }],
  schema: MigrationAnswer,
  schemaName: 'migration',
  model: 'gpt-4o-mini',
  purpose: { kind: 'write', personaId: 'alex', entryId: 'e1', round: 1 },
};

describe('validateAnswer', () => {
  const S = z.object({ a: z.number() });
  it('accepts valid JSON (also inside one ``` fence)', () => {
    expect(validateAnswer(S, '{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(validateAnswer(S, '```json\n{"a":2}\n```')).toEqual({ ok: true, value: { a: 2 } });
  });
  it('explains invalid JSON, empty answers and schema issues', () => {
    expect(validateAnswer(S, '{"a":')).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) });
    expect(validateAnswer(S, '  ')).toMatchObject({ ok: false, error: expect.stringMatching(/empty/) });
    expect(validateAnswer(S, '{"a":"x"}')).toMatchObject({ ok: false, error: expect.stringMatching(/^the answer does not match the schema: a: /) });
  });
});

describe('StructuredProvider', () => {
  it('returns value, raw, summed usage and cost', async () => {
    const { provider } = stub([{ text: JSON.stringify(good), requestId: 'r1' }]);
    const r = await provider.complete(req);
    expect(r).toMatchObject({ value: good, raw: JSON.stringify(good), attempts: 1, provider: 'stub', model: 'gpt-4o-mini-2024-07-18', requestId: 'r1' });
    // gpt-4o-mini: 90 uncached · 0.15 + 10 cached · 0.075 + 20 out · 0.6, per 1M
    expect(r.costUsd).toBeCloseTo((90 * 0.15 + 10 * 0.075 + 20 * 0.6) / 1e6, 15);
  });

  it('re-asks once, appending the bad answer and a user message with the validation error', async () => {
    const { provider, calls } = stub([{ text: '{"title": 3}' }, { text: JSON.stringify(good) }]);
    const r = await provider.complete(req);
    expect(r.attempts).toBe(2);
    expect(r.value).toEqual(good);
    expect(r.usage).toEqual({ inputTokens: 200, outputTokens: 40, cachedInputTokens: 20 });
    expect(calls[1]!.messages).toEqual([
      { role: 'user', content: 'write it' },
      { role: 'assistant', content: '{"title": 3}' },
      { role: 'user', content: expect.stringMatching(/could not be used: the answer does not match the schema: title: .*"migration" schema/s) },
    ]);
  });

  it('re-asks when the transport reports a problem (cut off at max tokens) and on invalid JSON', async () => {
    const { provider, calls } = stub([{ text: '{"title":"x","rat', problem: 'the answer was cut off at the max tokens limit' }, { text: JSON.stringify(good) }]);
    expect((await provider.complete(req)).attempts).toBe(2);
    expect(calls[1]!.messages[2]!.content).toContain('cut off at the max tokens limit');
  });

  it('throws SchemaError carrying both raw answers after the second failure', async () => {
    const { provider } = stub([{ text: 'not json' }, { text: '' }]);
    const err = await provider.complete(req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaError);
    const e = err as SchemaError;
    expect(e.rawAnswers).toEqual(['not json', '']);
    expect(e.schemaName).toBe('migration');
    expect(e.validationError).toMatch(/empty/);
    expect(e.usage.inputTokens).toBe(200);
    expect(e.costUsd).toBeGreaterThan(0);
    expect(e.message).toMatch(/did not match schema "migration" after 2 attempts/);
  });
});
