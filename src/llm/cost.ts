// What calls cost: a price table per model, per-call cost with the cached-input discount,
// and a CostMeter that totals per call / persona / run against an optional budget.
import { z } from 'zod';
import { ExitCode, SchemacrewError } from '../errors.js';
import type { CallPurpose, LlmResult, Usage } from './types.js';

/** USD per 1M tokens. */
export const ModelPrice = z
  .object({
    input: z.number().nonnegative(),
    output: z.number().nonnegative(),
    /** Price of input tokens read from the prompt cache; defaults to `input` (no discount). */
    cachedInput: z.number().nonnegative().optional(),
    /** Price of input tokens written to the prompt cache (Anthropic); defaults to `input`. */
    cacheWrite: z.number().nonnegative().optional(),
  })
  .strict();
export type ModelPrice = z.infer<typeof ModelPrice>;

/** model id (or model id prefix) → price. The `default` entry applies to unknown models. */
export type PriceTable = Record<string, ModelPrice>;

/**
 * List prices in USD per 1M tokens, as published by OpenAI and Anthropic (checked 2025; verify
 * against the vendors' pricing pages before relying on them, and override in config when they
 * change). Keys match exactly or as a prefix of a dated model id (longest prefix wins), so
 * `gpt-4o-mini-2024-07-18` is priced as `gpt-4o-mini`. Unknown and local models cost 0.
 */
export const DEFAULT_PRICES: PriceTable = {
  default: { input: 0, output: 0, cachedInput: 0 },
  // OpenAI (cached input = 50% of input for gpt-4o family, 25% for gpt-4.1 / o4-mini, 10% for gpt-5)
  'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
  'gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  'o4-mini': { input: 1.1, output: 4.4, cachedInput: 0.275 },
  'gpt-5': { input: 1.25, output: 10, cachedInput: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cachedInput: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cachedInput: 0.005 },
  // Anthropic (cache read = 10% of input, 5-minute cache write = 125% of input)
  'claude-opus-4-5': { input: 5, output: 25, cachedInput: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-1': { input: 15, output: 75, cachedInput: 1.5, cacheWrite: 18.75 },
  'claude-opus-4': { input: 15, output: 75, cachedInput: 1.5, cacheWrite: 18.75 },
  'claude-sonnet-4-5': { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
  'claude-sonnet-4': { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
  'claude-3-7-sonnet': { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
  'claude-haiku-4-5': { input: 1, output: 5, cachedInput: 0.1, cacheWrite: 1.25 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cachedInput: 0.08, cacheWrite: 1 },
};

/** Merges config overrides over the defaults (an override replaces a whole entry). */
export function mergePrices(overrides?: PriceTable, base: PriceTable = DEFAULT_PRICES): PriceTable {
  return { ...base, ...(overrides ?? {}) };
}

/** Exact id, else the longest key that prefixes the id, else `default`, else free. */
export function priceFor(model: string, prices: PriceTable = DEFAULT_PRICES): ModelPrice & { key: string } {
  const exact = prices[model];
  if (exact) return { ...exact, key: model };
  let best: string | undefined;
  for (const key of Object.keys(prices)) {
    if (key === 'default') continue;
    if (model.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  }
  if (best !== undefined) return { ...prices[best]!, key: best };
  const fallback = prices['default'] ?? { input: 0, output: 0 };
  return { ...fallback, key: 'default' };
}

/**
 * Cost of one call in USD. inputTokens includes cached and cache-write tokens; the uncached rest
 * is billed at `input`, cached tokens at `cachedInput`, cache writes at `cacheWrite`.
 */
export function computeCost(usage: Usage, price: ModelPrice): number {
  const cached = usage.cachedInputTokens;
  const written = usage.cacheWriteInputTokens ?? 0;
  const plain = Math.max(0, usage.inputTokens - cached - written);
  const usd =
    plain * price.input +
    cached * (price.cachedInput ?? price.input) +
    written * (price.cacheWrite ?? price.input) +
    usage.outputTokens * price.output;
  return usd / 1_000_000;
}

/** computeCost with the price looked up by model id (requested id first, then the served one). */
export function costFor(usage: Usage, models: string[], prices: PriceTable = DEFAULT_PRICES): number {
  for (const m of models) {
    const p = priceFor(m, prices);
    if (p.key !== 'default') return computeCost(usage, p);
  }
  return computeCost(usage, priceFor(models[0] ?? 'default', prices));
}

export function addUsage(a: Usage, b: Usage): Usage {
  const write = (a.cacheWriteInputTokens ?? 0) + (b.cacheWriteInputTokens ?? 0);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    ...(write > 0 || a.cacheWriteInputTokens !== undefined || b.cacheWriteInputTokens !== undefined
      ? { cacheWriteInputTokens: write }
      : {}),
  };
}

export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 });

/** Stopping because the run crossed maxCostUsd. Exit code 3 (Stopped): the run is resumable. */
export class BudgetExceededError extends SchemacrewError {
  constructor(
    readonly spentUsd: number,
    readonly maxCostUsd: number,
  ) {
    super(
      `budget exceeded: spent $${spentUsd.toFixed(4)} of the $${maxCostUsd.toFixed(2)} allowed (maxCostUsd)`,
      ExitCode.Stopped,
    );
    this.name = 'BudgetExceededError';
  }
}

export interface CostTotals {
  calls: number;
  costUsd: number;
  usage: Usage;
}

export interface CallCost {
  provider: string;
  model: string;
  personaId: string;
  purpose?: CallPurpose;
  costUsd: number;
  usage: Usage;
}

type Costed = Pick<LlmResult<unknown>, 'costUsd' | 'usage' | 'provider' | 'model'> & { purpose?: CallPurpose };

/**
 * Totals per call, per persona (purpose.personaId) and per run. The run loop calls
 * `meter.add(result)` after each call and stops cleanly when `meter.exceeded()`.
 */
export class CostMeter {
  readonly maxCostUsd: number | undefined;
  private readonly log: CallCost[] = [];
  private total: CostTotals = { calls: 0, costUsd: 0, usage: { ...ZERO_USAGE } };
  private readonly persona = new Map<string, CostTotals>();

  constructor(options: { maxCostUsd?: number } = {}) {
    this.maxCostUsd = options.maxCostUsd;
  }

  /** Adds one call (an LlmResult, or a SchemaError's spent usage/cost). purpose defaults to result.purpose. */
  add(result: Costed, purpose: CallPurpose | undefined = result.purpose): CallCost {
    const personaId = purpose?.personaId ?? 'unknown';
    const entry: CallCost = {
      provider: result.provider,
      model: result.model,
      personaId,
      ...(purpose ? { purpose } : {}),
      costUsd: result.costUsd,
      usage: { ...result.usage },
    };
    this.log.push(entry);
    this.total = bump(this.total, entry);
    this.persona.set(personaId, bump(this.persona.get(personaId) ?? { calls: 0, costUsd: 0, usage: { ...ZERO_USAGE } }, entry));
    return entry;
  }

  /** Every call added, in order. */
  get calls(): readonly CallCost[] {
    return this.log;
  }

  totals(): CostTotals {
    return { ...this.total, usage: { ...this.total.usage } };
  }

  byPersona(): Record<string, CostTotals> {
    return Object.fromEntries([...this.persona].map(([k, v]) => [k, { ...v, usage: { ...v.usage } }]));
  }

  get spentUsd(): number {
    return this.total.costUsd;
  }

  /** True once the run's total cost is at or above maxCostUsd (never without a budget). */
  exceeded(): boolean {
    return this.maxCostUsd !== undefined && this.total.costUsd >= this.maxCostUsd;
  }

  /** Throws BudgetExceededError when exceeded(). */
  check(): void {
    if (this.exceeded()) throw new BudgetExceededError(this.total.costUsd, this.maxCostUsd!);
  }
}

function bump(t: CostTotals, c: CallCost): CostTotals {
  return { calls: t.calls + 1, costUsd: t.costUsd + c.costUsd, usage: addUsage(t.usage, c.usage) };
}
