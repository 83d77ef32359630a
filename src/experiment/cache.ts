// A response cache for experiments, as an LlmProvider wrapper: the same request (provider, model,
// system prompt, messages, answer schema, temperature, seed, max tokens) gets the stored answer,
// so re-running an experiment (or a resumed one) does not pay twice. One JSON file per request
// under <dir>/<2 hex>/<sha256>.json, written atomically; safe to share between parallel trials.
//
// A hit returns the stored result as it was first received (usage, cost, latency included), so the
// metrics of a re-run equal the original's; CachedProvider.stats tells hits from misses, and
// `spentUsd` is what this process actually paid.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { LlmProvider, LlmRequest, LlmResult } from '../llm/types.js';

/** use: read and write; refresh: never read, overwrite (--no-cache); off: neither. */
export type CacheMode = 'use' | 'refresh' | 'off';

const schemaJson = new WeakMap<object, string>();

function jsonSchemaOf(schema: z.ZodType): string {
  let s = schemaJson.get(schema);
  if (s === undefined) {
    try {
      s = JSON.stringify(z.toJSONSchema(schema));
    } catch {
      s = String(schema.constructor?.name ?? 'schema');
    }
    schemaJson.set(schema, s);
  }
  return s;
}

/** What identifies a request (everything that can change the answer). */
export function cacheKeyMaterial(providerName: string, req: LlmRequest<unknown>): Record<string, unknown> {
  return {
    v: 1,
    provider: providerName,
    model: req.model,
    system: req.system,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
    schemaName: req.schemaName,
    schema: jsonSchemaOf(req.schema as z.ZodType),
    temperature: req.temperature ?? null,
    seed: req.seed ?? null,
    maxTokens: req.maxTokens ?? null,
  };
}

export function cacheKey(providerName: string, req: LlmRequest<unknown>): string {
  return createHash('sha256').update(JSON.stringify(cacheKeyMaterial(providerName, req))).digest('hex');
}

interface Stored {
  key: string;
  storedAt: string;
  request: { provider: string; model: string; schemaName: string; purpose: LlmRequest<unknown>['purpose'] };
  result: Omit<LlmResult<unknown>, 'purpose'>;
}

export class ResponseCache {
  constructor(
    readonly dir: string,
    readonly mode: CacheMode = 'use',
  ) {}

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<Stored | undefined> {
    if (this.mode !== 'use') return undefined;
    try {
      const stored = JSON.parse(await readFile(this.file(key), 'utf8')) as Stored;
      return stored.key === key ? stored : undefined;
    } catch {
      return undefined;
    }
  }

  async put(key: string, req: LlmRequest<unknown>, providerName: string, result: LlmResult<unknown>): Promise<void> {
    if (this.mode === 'off') return;
    const { purpose: _purpose, ...rest } = result;
    const stored: Stored = {
      key,
      storedAt: new Date().toISOString(),
      request: { provider: providerName, model: req.model, schemaName: req.schemaName, purpose: req.purpose },
      result: rest,
    };
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await writeFile(tmp, JSON.stringify(stored) + '\n', 'utf8');
    await rename(tmp, file);
  }
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Cost of the calls that went to the provider (misses). */
  spentUsd: number;
}

/** Wraps a provider with a ResponseCache. Keep one per trial to count that trial's hits. */
export class CachedProvider implements LlmProvider {
  readonly stats: CacheStats = { hits: 0, misses: 0, spentUsd: 0 };

  constructor(
    private readonly inner: LlmProvider,
    private readonly cache: ResponseCache,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  async complete<T>(req: LlmRequest<T>): Promise<LlmResult<T>> {
    if (this.cache.mode === 'off') return this.miss(req);
    const key = cacheKey(this.inner.name, req as LlmRequest<unknown>);
    const stored = await this.cache.get(key);
    if (stored) {
      // Re-validated: an answer stored under an older schema shape is a miss, not a crash.
      const parsed = req.schema.safeParse(stored.result.value);
      if (parsed.success) {
        this.stats.hits++;
        return { ...(stored.result as LlmResult<T>), value: parsed.data, purpose: req.purpose };
      }
    }
    const result = await this.miss(req);
    await this.cache.put(key, req as LlmRequest<unknown>, this.inner.name, result as LlmResult<unknown>);
    return result;
  }

  private async miss<T>(req: LlmRequest<T>): Promise<LlmResult<T>> {
    const result = await this.inner.complete(req);
    this.stats.misses++;
    this.stats.spentUsd += result.costUsd;
    return result;
  }
}
