// Personas: agents/<id>.md, YAML front matter (snake_case keys) plus the persona prompt as body.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import type { Persona } from './types.js';
import { KNOWN_RULE_IDS, isKnownRuleId } from './rule-ids.js';
import { lineOf, parseYamlInput, validateYaml } from './yaml-input.js';

const PersonaFrontMatter = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
    name: z.string().trim().min(1),
    role: z.string().trim().min(1),
    kind: z.enum(['engineer', 'reviewer']),
    years: z.number().min(0),
    error_rate: z.number().min(0).max(1),
    tendencies: z.record(z.string(), z.number().positive()).default({}),
    style: z.array(z.string().trim().min(1)).default([]),
    strictness: z.number().min(0).max(1).optional(),
  })
  .superRefine((fm, ctx) => {
    for (const key of Object.keys(fm.tendencies)) {
      if (!isKnownRuleId(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tendencies', key],
          message: `unknown rule id "${key}" (known: ${KNOWN_RULE_IDS.join(', ')})`,
        });
      }
    }
    if (fm.strictness !== undefined && fm.kind !== 'reviewer') {
      ctx.addIssue({ code: 'custom', path: ['strictness'], message: 'only a reviewer has a strictness' });
    }
  });

/** Splits `---` front matter from the body; `bodyLine` is the 1-based line the body starts on. */
export function splitFrontMatter(
  text: string,
  file: string,
): { yaml: string; body: string; bodyLine: number } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') {
    throw new InputError(file, 'expected YAML front matter starting with a --- line', 1);
  }
  const end = lines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'));
  if (end < 0) throw new InputError(file, 'front matter is not closed with a --- line', 1);
  return {
    yaml: lines.slice(1, end).join('\n'),
    body: lines.slice(end + 1).join('\n').trim(),
    bodyLine: end + 2,
  };
}

/** Parses one persona file's text; `file` names it in errors and its stem must equal `id`. */
export function parsePersona(text: string, file: string): Persona {
  const { yaml, body, bodyLine } = splitFrontMatter(text, file);
  const input = parseYamlInput(yaml, file, 1);
  const fm = validateYaml(input, PersonaFrontMatter, 'front matter');
  const stem = path.basename(file).replace(/\.md$/i, '');
  if (fm.id !== stem) {
    throw new InputError(file, `front matter: id "${fm.id}" must equal the file name "${stem}"`, lineOf(input, ['id']));
  }
  if (!body) throw new InputError(file, 'the persona prompt (the text after the front matter) is empty', bodyLine);
  const persona: Persona = {
    id: fm.id,
    name: fm.name,
    role: fm.role,
    kind: fm.kind,
    years: fm.years,
    errorRate: fm.error_rate,
    tendencies: fm.tendencies,
    style: fm.style,
    prompt: body,
    file,
  };
  if (fm.strictness !== undefined) persona.strictness = fm.strictness;
  return persona;
}

export async function loadPersona(file: string): Promise<Persona> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(file, `cannot read persona file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parsePersona(text, file);
}

/**
 * Loads `<agentsDir>/<id>.md` for every id, in order. Names must be unique (case-insensitive):
 * roadmap headings refer to personas by name.
 */
export async function loadCast(agentsDir: string, ids: readonly string[]): Promise<Map<string, Persona>> {
  const cast = new Map<string, Persona>();
  const byName = new Map<string, Persona>();
  for (const id of ids) {
    if (cast.has(id)) continue;
    const persona = await loadPersona(path.join(agentsDir, `${id}.md`));
    const key = persona.name.toLowerCase();
    const other = byName.get(key);
    if (other) {
      throw new InputError(persona.file, `name "${persona.name}" is already used by ${other.file}; names must be unique`);
    }
    byName.set(key, persona);
    cast.set(id, persona);
  }
  return cast;
}
