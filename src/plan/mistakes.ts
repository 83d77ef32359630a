// The mistake catalog (prompts/mistakes.yaml): for each rule id, which changes it fits and how to
// ask a persona to make it without saying so. Data, so prompt tuners edit it without code.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors.js';
import type { ShapeTag } from './shape.js';

const ShapeTagSchema = z.enum([
  'any', 'create_table', 'add_column', 'create_index', 'foreign_key', 'unique', 'partition', 'matview',
  'alter_column_type', 'drop', 'select',
]);

const MistakeSchema = z.object({
  fits: z.array(ShapeTagSchema).min(1),
  directive: z.string().min(10),
});

const CatalogSchema = z.record(z.string(), MistakeSchema);

export interface Mistake {
  rule: string;
  fits: ShapeTag[];
  directive: string;
}

export type MistakeCatalog = Map<string, Mistake>;

export async function loadMistakeCatalog(promptsDir: string): Promise<MistakeCatalog> {
  const file = path.join(promptsDir, 'mistakes.yaml');
  const text = await readFile(file, 'utf8').catch(() => {
    throw new InputError(file, 'missing: the mistake catalog is required');
  });
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new InputError(file, e.message.split('\n')[0]!, e.linePos?.[0]?.line);
  }
  const parsed = CatalogSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(file, `${issue.path.join('.')}: ${issue.message}`);
  }
  return new Map(Object.entries(parsed.data).map(([rule, m]) => [rule, { rule, fits: m.fits, directive: m.directive.trim() }]));
}
