// migrations/: every applied change as plain SQL (NNNN_<day>_<persona>_<slug>.up.sql / .down.sql)
// and as an Alembic revision file named like the TaskPilot playground's convention
// (YYYYMMDD_HHMMSS_<initials>_<feature>.py), chained through down_revision. Everything is
// derived from the RunRecord, so re-rendering gives byte-identical files.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { EntryRecord, RunRecord } from './types.js';

export const DEFAULT_CALENDAR_START = '2025-01-06';

export interface MigrationExportOptions {
  /** First simulated day (YYYY-MM-DD); default run.meta.calendarStart or 2025-01-06 (a Monday). */
  startDate?: string;
  /**
   * Entries of earlier runs on the same database (a --continue run): their applied migrations
   * come first in the numbering and the Alembic chain, but their files are not written again.
   */
  previousEntries?: EntryRecord[];
}

export interface ExportedMigration {
  /** 1-based position among the applied migrations of the database. */
  position: number;
  entryId: string;
  entryIndex: number;
  personaId: string;
  title: string;
  upFile: string;
  downFile: string;
  alembicFile: string;
  /** Alembic revision id (≤ 32 chars: alembic_version.version_num is varchar(32)). */
  revision: string;
  downRevision: string | null;
  up: string;
  down: string;
  alembic: string;
}

/** Lowercase [a-z0-9_] slug of a title, at most `max` characters, never empty. */
export function slugify(title: string, max = 40): string {
  const s = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const cut = s.slice(0, max).replace(/_+$/g, '');
  return cut || 'change';
}

/** `d02` for a one-day entry, `d09-10` for a span. */
export function dayLabel(dayStart: number, dayEnd: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return dayEnd > dayStart ? `d${pad(dayStart)}-${pad(dayEnd)}` : `d${pad(dayStart)}`;
}

/** Alex Chen → ac, Mary Ann Lee → mal, Sam → sa (single-name personas: first two letters). */
export function personaInitials(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.length === 0) return 'xx';
  if (words.length === 1) return words[0]!.slice(0, 2);
  return words.map((w) => w[0]).join('');
}

/**
 * The simulated moment of an entry: startDate + (dayStart - 1) days, at 10:00:00 + index seconds
 * (UTC). Deterministic, and distinct for every entry of a roadmap.
 */
export function simulatedTime(startDate: string, dayStart: number, index: number): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(startDate);
  if (!m) throw new Error(`calendar start must be YYYY-MM-DD, got "${startDate}"`);
  const base = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 10, 0, 0);
  return new Date(base + (dayStart - 1) * 86_400_000 + index * 1000);
}

/** YYYYMMDD_HHMMSS of a date, in UTC. */
export function alembicStamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** Escapes text for the inside of a Python """…""" literal (backslashes, then triple quotes). */
export function escapePyTripleQuoted(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"');
}

/**
 * Alembic runs a string given to op.execute() through SQLAlchemy text(), which reads `:name` as a
 * bind parameter; `\:` is its escape. Same pattern as SQLAlchemy's TextClause (`::` casts and
 * `:=` are left alone).
 */
export function escapeTextBinds(sql: string): string {
  return sql.replace(/(?<![:\w\\]):(\w+)(?!:)/g, '\\:$1');
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function sqlHeader(m: { position: number; entry: EntryRecord; runId: string; direction: 'up' | 'down' }): string {
  const { entry } = m;
  const days = entry.dayEnd > entry.dayStart ? `days ${entry.dayStart}-${entry.dayEnd}` : `day ${entry.dayStart}`;
  return [
    `-- schemacrew migration ${String(m.position).padStart(4, '0')} (${m.direction})`,
    `-- entry:   ${entry.entryId} (${days}, week ${entry.week})`,
    `-- persona: ${oneLine(entry.personaName)} (${entry.personaId})`,
    `-- title:   ${oneLine(entry.title)}`,
    `-- run:     ${m.runId}`,
    '',
  ].join('\n');
}

function ensureTrailingNewline(s: string): string {
  return s.endsWith('\n') ? s : s + '\n';
}

function pyString(s: string | null): string {
  return s === null ? 'None' : JSON.stringify(s);
}

function renderAlembic(m: {
  entry: EntryRecord;
  runId: string;
  revision: string;
  downRevision: string | null;
  createDate: Date;
  rationale: string;
  up: string;
  down: string;
}): string {
  const { entry } = m;
  const doc = [
    oneLine(entry.title),
    '',
    `Revision ID: ${m.revision}`,
    `Revises: ${m.downRevision ?? ''}`,
    `Create Date: ${m.createDate.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')}`,
    `Author: ${oneLine(entry.personaName)} (${entry.personaId})`,
    `Entry: ${entry.entryId}`,
    `Run: ${m.runId}`,
    '',
    'Rationale:',
    ...(m.rationale.trim() ? m.rationale.trim().split('\n').map((l) => (l.trim() ? `    ${l.trimEnd()}` : '')) : ['    (none given)']),
    '',
  ].join('\n');
  const body = (sql: string) => `    op.execute("""\n${escapePyTripleQuoted(escapeTextBinds(sql.trim()))}\n""")`;
  return [
    `"""${escapePyTripleQuoted(doc)}"""`,
    'from alembic import op',
    '',
    '# revision identifiers, used by Alembic.',
    `revision = ${pyString(m.revision)}`,
    `down_revision = ${pyString(m.downRevision)}`,
    'branch_labels = None',
    'depends_on = None',
    '',
    '',
    'def upgrade() -> None:',
    m.up.trim() ? body(m.up) : '    pass',
    '',
    '',
    'def downgrade() -> None:',
    m.down.trim() ? body(m.down) : '    pass',
    '',
  ].join('\n');
}

/** The applied entries in roadmap order, with the SQL that landed. */
function appliedEntries(entries: EntryRecord[]): { entry: EntryRecord; up: string; down: string; rationale: string }[] {
  return [...entries]
    .filter((e) => e.status === 'applied')
    .sort((a, b) => a.index - b.index)
    .flatMap((entry) => {
      const last = entry.rounds[entry.rounds.length - 1];
      const up = entry.appliedSql?.up ?? last?.upSql;
      const down = entry.appliedSql?.down ?? last?.downSql ?? '';
      if (up === undefined) return [];
      return [{ entry, up, down, rationale: last?.rationale ?? '' }];
    });
}

/** Every migration file's name and content, without touching the disk. */
export function planMigrations(run: RunRecord, options: MigrationExportOptions = {}): ExportedMigration[] {
  const startDate = options.startDate ?? run.meta.calendarStart ?? DEFAULT_CALENDAR_START;
  const out: ExportedMigration[] = [];
  let previous: string | null = null;
  const used = new Set<string>();
  const current = new Set(run.entries.map((e) => e.entryId));
  const earlier = (options.previousEntries ?? []).filter((e) => !current.has(e.entryId));
  for (const [i, { entry, up, down, rationale }] of appliedEntries([...earlier, ...run.entries]).entries()) {
    const position = i + 1;
    const nnnn = String(position).padStart(4, '0');
    const stem = `${nnnn}_${dayLabel(entry.dayStart, entry.dayEnd)}_${slugify(entry.personaId, 20)}_${slugify(entry.title)}`;
    const createDate = simulatedTime(startDate, entry.dayStart, entry.index);
    const initials = personaInitials(entry.personaName);
    const stamp = alembicStamp(createDate);
    let revision = `${stamp}_${initials}`.slice(0, 32);
    for (let n = 2; used.has(revision); n++) revision = `${stamp}_${initials}${n}`.slice(0, 32);
    used.add(revision);
    const upText = sqlHeader({ position, entry, runId: run.meta.runId, direction: 'up' }) + ensureTrailingNewline(up.trim());
    const downText = sqlHeader({ position, entry, runId: run.meta.runId, direction: 'down' }) + ensureTrailingNewline(down.trim());
    out.push({
      position,
      entryId: entry.entryId,
      entryIndex: entry.index,
      personaId: entry.personaId,
      title: entry.title,
      upFile: `${stem}.up.sql`,
      downFile: `${stem}.down.sql`,
      alembicFile: `${stamp}_${initials}_${slugify(entry.title)}.py`,
      revision,
      downRevision: previous,
      up: upText,
      down: downText,
      alembic: renderAlembic({ entry, runId: run.meta.runId, revision, downRevision: previous, createDate, rationale, up, down }),
    });
    previous = revision;
  }
  return out.filter((m) => current.has(m.entryId));
}

/** Names this module writes; stale ones (from an earlier render) are removed. */
const OWN_FILE = /^(?:\d{4}_d\d{2}(?:-\d{2})?_.+\.(?:up|down)\.sql|\d{8}_\d{6}_[a-z0-9]+_[a-z0-9_]+\.py)$/;

/** Writes migrations/ under `dir` and returns the paths written. */
export async function exportMigrations(dir: string, run: RunRecord, options: MigrationExportOptions = {}): Promise<string[]> {
  const target = path.join(dir, 'migrations');
  await fs.mkdir(target, { recursive: true });
  const plan = planMigrations(run, options);
  const files = new Map<string, string>();
  for (const m of plan) {
    files.set(m.upFile, m.up);
    files.set(m.downFile, m.down);
    files.set(m.alembicFile, m.alembic);
  }
  for (const name of await fs.readdir(target)) {
    if (OWN_FILE.test(name) && !files.has(name)) await fs.rm(path.join(target, name), { force: true });
  }
  const written: string[] = [];
  for (const [name, content] of files) {
    const p = path.join(target, name);
    await fs.writeFile(p, content, 'utf8');
    written.push(p);
  }
  return written;
}
