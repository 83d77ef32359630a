// Writes everything a run leaves in runs/<run-id>/ from its RunRecord: report.json,
// expected-findings.json, report.md, report.html and migrations/. The record is redacted first:
// secrets never reach a report.
import fs from 'node:fs/promises';
import path from 'node:path';
import { redact } from './events.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { exportMigrations } from './migrations-export.js';
import { buildExpectedFindings } from './summary.js';
import type { EntryRecord, RunRecord } from './types.js';

export { summarisePersonas, totals, buildExpectedFindings, answerKey } from './summary.js';
export type { ExpectedFindings, RunTotals } from './summary.js';

export interface WriteRunOptions {
  /** First simulated day for the Alembic timestamps (default run.meta.calendarStart or 2025-01-06). */
  startDate?: string;
  /** generatedAt of expected-findings.json (default: now). */
  generatedAt?: string;
  /** Entries of earlier runs on the same database, so migration numbers and the Alembic chain continue. */
  previousEntries?: EntryRecord[];
}

/** Top-level order of report.json; nested keys are sorted so the file is stable whatever built the record. */
const TOP_LEVEL = ['meta', 'totals', 'personas', 'defects', 'entries'];

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** JSON with a stable key order and 2-space indent, ending in a newline. */
export function stableStringify(value: unknown, topLevel: string[] = []): string {
  const sorted = sortKeys(value);
  if (sorted && typeof sorted === 'object' && !Array.isArray(sorted) && topLevel.length) {
    const obj = sorted as Record<string, unknown>;
    const ordered: Record<string, unknown> = {};
    for (const k of topLevel) if (k in obj) ordered[k] = obj[k];
    for (const k of Object.keys(obj)) if (!(k in ordered)) ordered[k] = obj[k];
    return JSON.stringify(ordered, null, 2) + '\n';
  }
  return JSON.stringify(sorted, null, 2) + '\n';
}

/** Writes the run's reports under `dir` (created if needed) and returns every path written. */
export async function writeRunReports(dir: string, run: RunRecord, options: WriteRunOptions = {}): Promise<string[]> {
  const safe = redact(run);
  await fs.mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ['report.json', stableStringify(safe, TOP_LEVEL)],
    ['expected-findings.json', JSON.stringify(buildExpectedFindings(safe, options.generatedAt), null, 2) + '\n'],
    ['report.md', renderMarkdown(safe)],
    ['report.html', renderHtml(safe)],
  ];
  const written: string[] = [];
  for (const [name, content] of files) {
    const p = path.join(dir, name);
    // Write then rename: a reader never sees half a report.
    const tmp = `${p}.tmp-${process.pid}`;
    await fs.writeFile(tmp, content, 'utf8');
    await fs.rename(tmp, p);
    written.push(p);
  }
  written.push(...(await exportMigrations(dir, safe, { startDate: options.startDate, previousEntries: options.previousEntries ? redact(options.previousEntries) : undefined })));
  return written;
}
