// The experiment file: YAML validated with zod, every error naming the file and the line of the
// offending key (exit code 2 through InputError). Paths in the file are relative to the file.
//
//   id, description, scenario, scale, prompts, slice {fromDay,toDay,personas,limit},
//   seeds | repeat, variants[], models[], reviewer, gate, checks, concurrency,
//   maxCostUsdPerTrial, thresholds[]
//
// See docs/experiments.md for the format and experiments/*.yaml for examples.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { ProviderName } from '../llm/config.js';
import { ModelPrice } from '../llm/cost.js';
import { GatePolicySchema } from '../gate/policy.js';
import { isKnownRuleId } from '../scenario/rule-ids.js';
import { lineOf, parseYamlInput, type YamlInput } from '../scenario/yaml-input.js';
import { BEHAVIOURS, type BehaviourName } from './behaviours.js';
import { parseFailIf, type FailIf } from './fail-if.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$/;
const Name = z.string().regex(NAME, 'must be 1-48 letters, digits, dots, dashes or underscores, starting with a letter or digit');

/** Fields every model entry may carry (the ProviderConfig knobs: rate limits, retries, prices). */
const common = {
  name: Name,
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  /** Calls in flight at once on this endpoint (shared by every trial using it). */
  concurrency: z.number().int().positive().optional(),
  requestsPerMinute: z.number().int().positive().optional(),
  timeoutMs: z.number().int().positive().optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  prices: z.record(z.string(), ModelPrice).optional(),
};

/** The fake provider server answering in the personas' voices with a named behaviour. */
export const FakeModelSchema = z.strictObject({
  ...common,
  provider: z.literal('fake'),
  behaviour: z.enum(BEHAVIOURS as unknown as [BehaviourName, ...BehaviourName[]]),
  /** Model id sent to the fake server (default `fake-<behaviour>`); also the key for `prices`. */
  model: z.string().min(1).optional(),
  /** Which adapter talks to the fake server (default openai). */
  api: z.enum(['openai', 'anthropic']).default('openai'),
  /** Share of catchable advisory findings the fake reviewer sends back in round 0 (default 0.5). */
  reviewerCatchRate: z.number().min(0).max(1).default(0.5),
  /** Simulated model latency per call, in ms (default 0). */
  latencyMs: z.number().int().min(0).max(600_000).default(0),
});
export type FakeModelConfig = z.infer<typeof FakeModelSchema>;

export const RealModelSchema = z.strictObject({
  ...common,
  provider: ProviderName,
  model: z.string().min(1).optional(),
  baseURL: z.url().optional(),
});
export type RealModelConfig = z.infer<typeof RealModelSchema>;

export type ModelEntry = FakeModelConfig | RealModelConfig;

const PersonaOverride = z.strictObject({
  errorRate: z.number().min(0).max(1).optional(),
  tendencies: z.record(z.string(), z.number().positive()).optional(),
  style: z.array(z.string().min(1)).optional(),
  /** Replaces the persona prompt body (the Markdown after the front matter). */
  prompt: z.string().min(1).optional(),
});
export type PersonaOverride = z.infer<typeof PersonaOverride>;

const VariantSchema = z.strictObject({
  name: Name,
  description: z.string().optional(),
  /** Folder of .hbs templates (and partials/, mistakes.yaml) overlaid on the base prompts. */
  prompts: z.string().min(1).optional(),
  personas: z.record(z.string(), PersonaOverride).optional(),
  /** Persona (writer) temperature for this variant; overrides the model entry's. */
  temperature: z.number().min(0).max(2).optional(),
});

const ChecksSchema = z.strictObject({
  severity: z.record(z.string(), z.enum(['blocking', 'advisory', 'off'])).optional(),
  wideTableColumns: z.number().int().positive().optional(),
  extensionAllowList: z.array(z.string()).optional(),
});

const ExperimentSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'must be lower-case letters, digits, dashes or underscores').optional(),
  description: z.string().optional(),
  scenario: z.string().min(1).default('taskpilot'),
  scale: z.number().int().positive().optional(),
  /** Base prompts folder (default: the repository's prompts/). */
  prompts: z.string().min(1).optional(),
  slice: z
    .strictObject({
      fromDay: z.number().int().positive().optional(),
      toDay: z.number().int().positive().optional(),
      personas: z.array(z.string().min(1)).min(1).optional(),
      limit: z.number().int().positive().optional(),
    })
    .default({}),
  seeds: z.array(z.number().int().min(0)).min(1).optional(),
  /** Seeds 1..repeat (instead of `seeds`). */
  repeat: z.number().int().positive().max(1000).optional(),
  variants: z.array(VariantSchema).min(1).default([{ name: 'baseline' }]),
  models: z.array(z.record(z.string(), z.unknown())).min(1),
  /** One reviewer model for every cell (default: each cell's model reviews too). */
  reviewer: z.record(z.string(), z.unknown()).optional(),
  gate: GatePolicySchema.partial().optional(),
  checks: ChecksSchema.optional(),
  /** Trials run at once (each on its own database). */
  concurrency: z.number().int().positive().max(64).default(2),
  /** Stop a trial cleanly once it has cost this much (the trial is kept, outcome 'stopped'). */
  maxCostUsdPerTrial: z.number().positive().optional(),
  /** CI gates, the same syntax as --fail-if: "calibration_error > 0.1". */
  thresholds: z.array(z.string()).default([]),
});

export interface VariantSpec {
  name: string;
  description?: string;
  /** Absolute overlay folder, if any. */
  prompts?: string;
  personas: Record<string, PersonaOverride>;
  temperature?: number;
}

export interface ExperimentSpec {
  /** Absolute path of the experiment file. */
  file: string;
  id: string;
  description?: string;
  /** Scenario name or absolute folder. */
  scenario: string;
  scale?: number;
  /** Absolute base prompts folder. */
  prompts: string;
  slice: { fromDay?: number; toDay?: number; personas?: string[]; limit?: number };
  seeds: number[];
  variants: VariantSpec[];
  models: ModelEntry[];
  reviewer?: ModelEntry;
  gate: Partial<z.infer<typeof GatePolicySchema>>;
  checks?: z.infer<typeof ChecksSchema>;
  concurrency: number;
  maxCostUsdPerTrial?: number;
  thresholds: FailIf[];
  /** Line of a key path in the file (for errors found after loading, e.g. unknown persona ids). */
  lineOf(pathInFile: readonly PropertyKey[]): number;
}

function describePath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of p) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${String(seg)}` : String(seg);
  return out || '(top level)';
}

/** Validates `value` (found at `at` in the file) with `schema`; the first issue is an InputError at its line. */
function check<S extends z.ZodType>(input: YamlInput, schema: S, value: unknown, at: readonly PropertyKey[]): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const full = [...at, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const p = [...full, issue.keys[0] ?? ''];
    throw new InputError(input.file, `experiment: unknown key "${describePath(p)}"`, lineOf(input, p));
  }
  let v: unknown = value;
  for (const seg of issue.path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
  const missing = issue.code === 'invalid_type' && v === undefined;
  const got = v !== null && typeof v === 'object' ? '' : ` (got ${JSON.stringify(v)})`;
  const detail = missing ? `missing required key "${describePath(full)}"` : `"${describePath(full)}": ${issue.message}${issue.code === 'custom' ? '' : got}`;
  throw new InputError(input.file, `experiment: ${detail}`, lineOf(input, full));
}

function resolveFrom(file: string, p: string): string {
  return path.isAbsolute(p) ? p : path.resolve(path.dirname(file), p);
}

function parseModel(input: YamlInput, raw: Record<string, unknown>, at: readonly PropertyKey[]): ModelEntry {
  if (raw.provider === 'fake') return check(input, FakeModelSchema, raw, at);
  const m = check(input, RealModelSchema, raw, at);
  if (m.provider !== 'scripted' && !m.model) {
    throw new InputError(input.file, `experiment: "${describePath([...at, 'model'])}": provider "${m.provider}" needs a model`, lineOf(input, at));
  }
  return m;
}

/** Reads and validates an experiment file. Throws InputError (exit code 2) naming file and line. */
export async function loadExperiment(file: string, repoPromptsDir: string): Promise<ExperimentSpec> {
  const abs = path.resolve(file);
  const text = await readFile(abs, 'utf8').catch(() => {
    throw new InputError(file, 'cannot read the experiment file');
  });
  const input = parseYamlInput(text, file);
  const raw = check(input, ExperimentSchema, input.doc.toJS() ?? {}, []);

  if (raw.seeds && raw.repeat !== undefined) throw new InputError(file, 'experiment: give either "seeds" or "repeat", not both', lineOf(input, ['repeat']));
  const seeds = raw.seeds ?? Array.from({ length: raw.repeat ?? 1 }, (_, i) => i + 1);
  const dupSeed = seeds.findIndex((s, i) => seeds.indexOf(s) !== i);
  if (dupSeed >= 0) throw new InputError(file, `experiment: seed ${seeds[dupSeed]} is listed twice`, lineOf(input, ['seeds', dupSeed]));
  if (raw.slice.fromDay !== undefined && raw.slice.toDay !== undefined && raw.slice.fromDay > raw.slice.toDay) {
    throw new InputError(file, `experiment: slice.fromDay ${raw.slice.fromDay} is after slice.toDay ${raw.slice.toDay}`, lineOf(input, ['slice', 'fromDay']));
  }

  const variants: VariantSpec[] = raw.variants.map((v, i) => {
    for (const [pid, o] of Object.entries(v.personas ?? {})) {
      for (const rule of Object.keys(o.tendencies ?? {})) {
        if (!isKnownRuleId(rule)) {
          throw new InputError(file, `experiment: variants[${i}].personas.${pid}.tendencies: unknown rule id "${rule}"`, lineOf(input, ['variants', i, 'personas', pid, 'tendencies', rule]));
        }
      }
    }
    return {
      name: v.name,
      ...(v.description !== undefined ? { description: v.description } : {}),
      ...(v.prompts !== undefined ? { prompts: resolveFrom(abs, v.prompts) } : {}),
      personas: v.personas ?? {},
      ...(v.temperature !== undefined ? { temperature: v.temperature } : {}),
    };
  });
  const dupVariant = variants.findIndex((v, i) => variants.findIndex((w) => w.name === v.name) !== i);
  if (dupVariant >= 0) throw new InputError(file, `experiment: variant name "${variants[dupVariant]!.name}" is used twice`, lineOf(input, ['variants', dupVariant, 'name']));

  const models = raw.models.map((m, i) => parseModel(input, m, ['models', i]));
  const dupModel = models.findIndex((m, i) => models.findIndex((n) => n.name === m.name) !== i);
  if (dupModel >= 0) throw new InputError(file, `experiment: model name "${models[dupModel]!.name}" is used twice`, lineOf(input, ['models', dupModel, 'name']));
  const reviewer = raw.reviewer ? parseModel(input, { name: 'reviewer', ...raw.reviewer }, ['reviewer']) : undefined;

  const thresholds = raw.thresholds.map((expr, i) => {
    try {
      return parseFailIf(expr);
    } catch (err) {
      throw new InputError(file, `experiment: thresholds[${i}]: ${(err as Error).message}`, lineOf(input, ['thresholds', i]));
    }
  });

  const scenario = /[\\/]/.test(raw.scenario) || raw.scenario.startsWith('.') ? resolveFrom(abs, raw.scenario) : raw.scenario;
  return {
    file: abs,
    id: raw.id ?? path.basename(abs).replace(/\.ya?ml$/i, '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-'),
    ...(raw.description !== undefined ? { description: raw.description.trim() } : {}),
    scenario,
    ...(raw.scale !== undefined ? { scale: raw.scale } : {}),
    prompts: raw.prompts ? resolveFrom(abs, raw.prompts) : repoPromptsDir,
    slice: raw.slice,
    seeds,
    variants,
    models,
    ...(reviewer ? { reviewer } : {}),
    gate: raw.gate ?? {},
    ...(raw.checks ? { checks: raw.checks } : {}),
    concurrency: raw.concurrency,
    ...(raw.maxCostUsdPerTrial !== undefined ? { maxCostUsdPerTrial: raw.maxCostUsdPerTrial } : {}),
    thresholds,
    lineOf: (p) => lineOf(input, p),
  };
}

/** The model id a model entry sends. */
export function modelId(m: ModelEntry): string {
  if (m.provider === 'fake') return m.model ?? `fake-${m.behaviour}`;
  return m.model ?? 'scripted';
}
