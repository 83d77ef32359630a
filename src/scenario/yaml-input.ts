// YAML input files (scenario.yaml, persona front matter) validated with zod, with errors that
// name the file and the line of the offending key.
import YAML, { LineCounter, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../errors.js';

export interface YamlInput {
  file: string;
  doc: Document;
  lines: LineCounter;
  /** Lines before the YAML text in its file (front matter starts after the opening ---). */
  lineOffset: number;
}

/** Parses YAML text; a syntax error becomes an InputError at its line. */
export function parseYamlInput(text: string, file: string, lineOffset = 0): YamlInput {
  const lines = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line ?? lines.linePos(err.pos[0]).line;
    throw new InputError(file, `invalid YAML: ${firstLine(err.message)}`, line + lineOffset);
  }
  return { file, doc, lines, lineOffset };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

function lineAt(input: YamlInput, offset: number | undefined): number {
  if (offset === undefined) return 1 + input.lineOffset;
  return input.lines.linePos(offset).line + input.lineOffset;
}

/**
 * The line of the key at the end of `path` (or of the list item); for a key that is missing, the
 * line of its nearest existing parent.
 */
export function lineOf(input: YamlInput, path: readonly PropertyKey[]): number {
  let node: unknown = input.doc.contents;
  let offset: number | undefined = (node as Node | null)?.range?.[0];
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item == null) break;
      offset = (item as Node).range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return lineAt(input, offset);
}

function describePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** Validates the document with `schema`; the first problem becomes an InputError at its line. */
export function validateYaml<S extends z.ZodType>(input: YamlInput, schema: S, what: string): z.output<S> {
  const data: unknown = input.doc.toJS();
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const path = [...issue.path, key];
    return fail(input, `${what}: unknown key "${describePath(path)}"`, lineOf(input, path));
  }
  const where = describePath(issue.path);
  const value = getIn(data, issue.path);
  const missing = issue.code === 'invalid_type' && value === undefined;
  const got = value !== null && typeof value === 'object' ? '' : ` (got ${JSON.stringify(value)})`;
  const detail = missing ? `missing required key "${where}"` : `"${where}": ${issue.message}${issue.code === 'custom' ? '' : got}`;
  return fail(input, `${what}: ${detail}`, lineOf(input, issue.path));
}

function fail(input: YamlInput, detail: string, line: number): never {
  throw new InputError(input.file, detail, line);
}

function getIn(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}
