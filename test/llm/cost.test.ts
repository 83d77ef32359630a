// Price table lookup, per-call cost with the cached-input discount, CostMeter totals and budget.
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { BudgetExceededError, CostMeter, DEFAULT_PRICES, computeCost, costFor, mergePrices, priceFor } from '../../src/llm/cost.js';
import type { CallPurpose, LlmResult } from '../../src/llm/types.js';

const purpose = (personaId: string): CallPurpose => ({ kind: 'write', personaId, entryId: 'e1', round: 1 });
function result(costUsd: number, personaId: string, inputTokens = 100): LlmResult<unknown> {
  return {
    value: {},
    raw: '{}',
    usage: { inputTokens, outputTokens: 10, cachedInputTokens: 0 },
    costUsd,
    latencyMs: 1,
    provider: 'openai',
    model: 'gpt-4o-mini',
    attempts: 1,
    purpose: purpose(personaId),
  };
}

describe('prices', () => {
  it('looks up exact ids, dated ids by longest prefix, and falls back to a free default', () => {
    expect(priceFor('gpt-4o').key).toBe('gpt-4o');
    expect(priceFor('gpt-4o-mini-2024-07-18').key).toBe('gpt-4o-mini');
    expect(priceFor('claude-haiku-4-5-20251001').key).toBe('claude-haiku-4-5');
    const local = priceFor('qwen2.5-coder:7b');
    expect(local.key).toBe('default');
    expect(computeCost({ inputTokens: 1e6, outputTokens: 1e6, cachedInputTokens: 0 }, local)).toBe(0);
  });

  it('bills uncached input, cached input, cache writes and output at their own prices', () => {
    const p = { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 };
    const usd = computeCost({ inputTokens: 1_000_000, cachedInputTokens: 400_000, cacheWriteInputTokens: 100_000, outputTokens: 200_000 }, p);
    expect(usd).toBeCloseTo(0.5 * 3 + 0.4 * 0.3 + 0.1 * 3.75 + 0.2 * 15, 12);
    // No cachedInput price: no discount.
    expect(computeCost({ inputTokens: 1e6, cachedInputTokens: 1e6, outputTokens: 0 }, { input: 2, output: 0 })).toBeCloseTo(2, 12);
  });

  it('lets config override or add prices', () => {
    const prices = mergePrices({ 'my-local-model': { input: 1, output: 2 }, 'gpt-4o': { input: 100, output: 100 } });
    expect(priceFor('my-local-model', prices).input).toBe(1);
    expect(priceFor('gpt-4o', prices).input).toBe(100);
    expect(priceFor('gpt-4o', DEFAULT_PRICES).input).toBe(2.5);
    // Requested id first, then the id the provider served.
    expect(costFor({ inputTokens: 1e6, outputTokens: 0, cachedInputTokens: 0 }, ['my-alias', 'gpt-4o-2024-08-06'])).toBeCloseTo(2.5, 12);
  });
});

describe('CostMeter', () => {
  it('totals per call, per persona and per run', () => {
    const meter = new CostMeter();
    meter.add(result(0.01, 'alex'));
    meter.add(result(0.02, 'sam', 50));
    meter.add(result(0.03, 'alex'));
    expect(meter.calls.map((c) => c.costUsd)).toEqual([0.01, 0.02, 0.03]);
    expect(meter.totals().calls).toBe(3);
    expect(meter.totals().costUsd).toBeCloseTo(0.06, 12);
    expect(meter.totals().usage.inputTokens).toBe(250);
    expect(meter.byPersona()['alex']).toMatchObject({ calls: 2 });
    expect(meter.byPersona()['alex']!.costUsd).toBeCloseTo(0.04, 12);
    expect(meter.byPersona()['sam']!.usage.inputTokens).toBe(50);
    expect(meter.exceeded()).toBe(false); // no budget
  });

  it('reports the budget crossed and throws BudgetExceededError (exit code 3, resumable)', () => {
    const meter = new CostMeter({ maxCostUsd: 0.05 });
    meter.add(result(0.03, 'alex'));
    expect(meter.exceeded()).toBe(false);
    expect(() => meter.check()).not.toThrow();
    meter.add(result(0.03, 'sam'));
    expect(meter.exceeded()).toBe(true);
    let err: unknown;
    try {
      meter.check();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect((err as BudgetExceededError).exitCode).toBe(ExitCode.Stopped);
    expect((err as BudgetExceededError).spentUsd).toBeCloseTo(0.06, 12);
    expect((err as Error).message).toMatch(/budget exceeded: spent \$0\.0600 of the \$0\.05 allowed/);
  });
});
