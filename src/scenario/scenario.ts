// A scenario is a folder: scenario.yaml, schema.sql, seed.sql, roadmap.md; its cast lives in agents/.
// Adding a scenario or a persona means adding files; nothing here knows any scenario by name.
import { access, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { repoRoot } from '../paths.js';
import type { Persona, Scenario } from './types.js';
import { loadCast, loadPersona } from './personas.js';
import { parseRoadmap } from './roadmap.js';
import { lineOf, parseYamlInput, validateYaml, type YamlInput } from './yaml-input.js';

/** The project root: two levels above this file (src/scenario or dist/scenario). */
export const PROJECT_ROOT = repoRoot();
export const SCENARIOS_DIR = path.join(PROJECT_ROOT, 'roadmap');
export const AGENTS_DIR = path.join(PROJECT_ROOT, 'agents');

export const SCENARIO_FILES = ['scenario.yaml', 'schema.sql', 'seed.sql', 'roadmap.md'] as const;

const ScenarioFile = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, dashes or underscores'),
  name: z.string().trim().min(1),
  description: z.string().trim().min(1),
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
    .refine((s) => !s.startsWith('pg_') && s !== 'public' && s !== 'information_schema', {
      message: 'must not be public, information_schema or start with pg_',
    }),
  extensions: z.array(z.string().trim().min(1)).default([]),
  cast: z.array(z.string().trim().min(1)).min(1, 'must list at least one engineer persona'),
  reviewer: z.string().trim().min(1),
  seed: z.strictObject({ scale: z.number().int().positive().default(1) }).default({ scale: 1 }),
});

/** A bare name ("taskpilot") means <repo>/roadmap/<name>; anything path-like is resolved from cwd. */
export function scenarioDir(nameOrPath: string): string {
  const looksLikePath =
    path.isAbsolute(nameOrPath) || nameOrPath.startsWith('.') || /[\\/]/.test(nameOrPath);
  return looksLikePath ? path.resolve(nameOrPath) : path.join(SCENARIOS_DIR, nameOrPath);
}

/** Names of the scenarios under <repo>/roadmap (folders holding a scenario.yaml), sorted. */
export async function listScenarios(root: string = SCENARIOS_DIR): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    if (await exists(path.join(root, e.name, 'scenario.yaml'))) names.push(e.name);
  }
  return names.sort();
}

export async function loadScenario(dir: string, opts: { agentsDir?: string } = {}): Promise<Scenario> {
  const root = scenarioDir(dir);
  const agentsDir = opts.agentsDir ? path.resolve(opts.agentsDir) : AGENTS_DIR;
  const yamlFile = path.join(root, 'scenario.yaml');
  if (!(await exists(yamlFile))) {
    const known = await listScenarios();
    throw new InputError(
      yamlFile,
      `no scenario here (a scenario folder holds ${SCENARIO_FILES.join(', ')}; known: ${known.join(', ') || 'none'})`,
    );
  }
  const input = parseYamlInput(await readText(yamlFile), yamlFile);
  const spec = validateYaml(input, ScenarioFile, 'scenario');

  const [baseSchemaSql, seedSql, roadmapMd] = await Promise.all(
    (['schema.sql', 'seed.sql', 'roadmap.md'] as const).map((f) => readText(path.join(root, f))),
  );

  const dupCast = spec.cast.findIndex((id, i) => spec.cast.indexOf(id) !== i);
  if (dupCast >= 0) throw new InputError(yamlFile, `cast lists "${spec.cast[dupCast]}" twice`, lineOf(input, ['cast', dupCast]));
  for (const [i, id] of spec.cast.entries()) await requirePersonaFile(agentsDir, id, input, ['cast', i]);
  await requirePersonaFile(agentsDir, spec.reviewer, input, ['reviewer']);
  if (spec.cast.includes(spec.reviewer)) {
    throw new InputError(yamlFile, `"${spec.reviewer}" cannot be both in the cast and the reviewer`, lineOf(input, ['reviewer']));
  }

  const cast = await loadCast(agentsDir, spec.cast);
  for (const [i, id] of spec.cast.entries()) {
    const p = cast.get(id)!;
    if (p.kind !== 'engineer') {
      throw new InputError(yamlFile, `cast member "${id}" is a ${p.kind}, not an engineer (${p.file})`, lineOf(input, ['cast', i]));
    }
  }
  const reviewer: Persona = await loadPersona(path.join(agentsDir, `${spec.reviewer}.md`));
  if (reviewer.kind !== 'reviewer') {
    throw new InputError(yamlFile, `reviewer "${spec.reviewer}" is an ${reviewer.kind} persona (${reviewer.file})`, lineOf(input, ['reviewer']));
  }
  const clash = [...cast.values()].find((p) => p.name.toLowerCase() === reviewer.name.toLowerCase());
  if (clash) throw new InputError(reviewer.file, `name "${reviewer.name}" is already used by ${clash.file}`);

  const roadmap = parseRoadmap(roadmapMd!, path.join(root, 'roadmap.md'), cast);
  return {
    id: spec.id,
    name: spec.name,
    description: spec.description,
    dir: root,
    schema: spec.schema,
    extensions: spec.extensions,
    baseSchemaSql: baseSchemaSql!,
    seed: { sql: seedSql!, scale: spec.seed.scale },
    roadmap,
    cast,
    reviewer,
  };
}

async function requirePersonaFile(agentsDir: string, id: string, input: YamlInput, at: PropertyKey[]): Promise<void> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) {
    throw new InputError(input.file, `persona id "${id}" must be lower-case letters, digits and dashes`, lineOf(input, at));
  }
  const file = path.join(agentsDir, `${id}.md`);
  if (!(await exists(file))) throw new InputError(input.file, `no persona file ${file} for "${id}"`, lineOf(input, at));
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'ENOENT' ? `missing (a scenario folder holds ${SCENARIO_FILES.join(', ')})` : `cannot read: ${code ?? (err as Error).message}`);
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
