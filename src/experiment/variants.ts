// A variant's world: prompts (the base folder with the variant's overlay on top), mistake catalog,
// and the scenario with the variant's persona overrides applied.
import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { PromptLibrary } from '../agents/prompts.js';
import { loadMistakeCatalog, type MistakeCatalog } from '../plan/mistakes.js';
import type { Persona, Scenario } from '../scenario/types.js';
import type { ExperimentSpec, VariantSpec } from './config.js';

export interface VariantWorld {
  spec: VariantSpec;
  /** The prompts folder the trials of this variant use. */
  promptsDir: string;
  prompts: PromptLibrary;
  mistakes: MistakeCatalog;
  scenario: Scenario;
  promptHashes: Record<string, string>;
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function hbsFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.hbs')).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/** Copies the base prompts into `target`, then the overlay's templates, partials and mistakes.yaml over them. */
async function overlayPrompts(base: string, overlay: string, target: string, where: { file: string; line: number }): Promise<void> {
  if (!(await isDir(overlay))) throw new InputError(where.file, `prompts overlay folder ${overlay} does not exist`, where.line);
  const baseTemplates = await hbsFiles(base);
  const top = await hbsFiles(overlay);
  const partials = await hbsFiles(path.join(overlay, 'partials'));
  const hasMistakes = await stat(path.join(overlay, 'mistakes.yaml')).then(
    () => true,
    () => false,
  );
  if (!top.length && !partials.length && !hasMistakes) {
    throw new InputError(where.file, `prompts overlay folder ${overlay} holds no .hbs template, partials/*.hbs or mistakes.yaml`, where.line);
  }
  const stray = top.find((f) => !baseTemplates.includes(f));
  if (stray) {
    throw new InputError(where.file, `prompts overlay ${path.join(overlay, stray)} overrides no template of ${base} (have: ${baseTemplates.join(', ')})`, where.line);
  }
  await rm(target, { recursive: true, force: true });
  await mkdir(path.dirname(target), { recursive: true });
  await cp(base, target, { recursive: true });
  for (const f of top) await cp(path.join(overlay, f), path.join(target, f));
  if (partials.length) await mkdir(path.join(target, 'partials'), { recursive: true });
  for (const f of partials) await cp(path.join(overlay, 'partials', f), path.join(target, 'partials', f));
  if (hasMistakes) await cp(path.join(overlay, 'mistakes.yaml'), path.join(target, 'mistakes.yaml'));
}

export function applyPersonaOverrides(scenario: Scenario, variant: VariantSpec, spec: Pick<ExperimentSpec, 'file' | 'lineOf'>, index: number): Scenario {
  const cast = new Map<string, Persona>();
  for (const [id, p] of scenario.cast) cast.set(id, { ...p, tendencies: { ...p.tendencies }, style: [...p.style] });
  for (const [id, o] of Object.entries(variant.personas)) {
    const p = cast.get(id);
    if (!p) {
      throw new InputError(spec.file, `experiment: variants[${index}].personas: "${id}" is not in the cast of ${scenario.id} (${[...cast.keys()].join(', ')})`, spec.lineOf(['variants', index, 'personas', id]));
    }
    cast.set(id, {
      ...p,
      ...(o.errorRate !== undefined ? { errorRate: o.errorRate } : {}),
      ...(o.tendencies !== undefined ? { tendencies: { ...o.tendencies } } : {}),
      ...(o.style !== undefined ? { style: [...o.style] } : {}),
      ...(o.prompt !== undefined ? { prompt: o.prompt } : {}),
    });
  }
  return { ...scenario, cast };
}

/** Prepares every variant (prompt folders are written under `workDir`/variants/<name>/prompts). */
export async function prepareVariants(spec: ExperimentSpec, scenario: Scenario, workDir: string): Promise<VariantWorld[]> {
  const worlds: VariantWorld[] = [];
  for (const [i, v] of spec.variants.entries()) {
    let promptsDir = spec.prompts;
    if (v.prompts) {
      promptsDir = path.join(workDir, 'variants', v.name, 'prompts');
      await overlayPrompts(spec.prompts, v.prompts, promptsDir, { file: spec.file, line: spec.lineOf(['variants', i, 'prompts']) });
    }
    const prompts = await PromptLibrary.load(promptsDir);
    const mistakes = await loadMistakeCatalog(promptsDir);
    worlds.push({
      spec: v,
      promptsDir,
      prompts,
      mistakes,
      scenario: applyPersonaOverrides(scenario, v, spec, i),
      promptHashes: prompts.hashes(),
    });
  }
  return worlds;
}
