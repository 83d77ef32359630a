// The roadmap: markdown with `## Week N: Title` sections and `### Day N (Persona) - Title` entries,
// each with Task / Defects / Incidental / Notes fields and one ```sql block. Other prose is ignored.
import { InputError } from '../errors.js';
import type { Persona, RoadmapEntry, RuleId, Verdict } from './types.js';
import { isKnownRuleId } from './rule-ids.js';

/**
 * Who may appear in entry headings: the cast by id, or a list of {id, name}, or plain ids (each
 * id is then also its name). Headings match a name or an id, case-insensitively.
 */
export type CastRef =
  | ReadonlyMap<string, Pick<Persona, 'id' | 'name'>>
  | ReadonlyArray<Pick<Persona, 'id' | 'name'> | string>;

const WEEK_RE = /^##\s+Week\s+(\d+)\s*[:\-–—]\s*(.+?)\s*$/i;
const DAY_RE = /^###\s+Day\s+(\d+)(?:\s*[-–]\s*(\d+))?\s*\(([^()]+)\)\s*[-–—:]\s*(.+?)\s*$/i;
const FIELD_RE = /^\s*(?:\*\*)?(Task|Defects|Incidental|Notes)(?:\*\*)?\s*:\s*(?:\*\*)?\s*(.*)$/i;
const FENCE_RE = /^\s*(`{3,}|~{3,})\s*([\w+-]*)\s*$/;
const TAG_RE = /--\s*(GOOD|ISSUE|MIXED)\b/;
const EXPECT_RE = /\b(should|must|missing|forgets?|redundant|will fail|might flag|issue:)/i;

type FieldName = 'task' | 'defects' | 'incidental' | 'notes';

interface Draft {
  line: number;
  dayStart: number;
  dayEnd: number;
  personaId: string;
  title: string;
  week: number;
  weekTitle: string;
  fields: Partial<Record<FieldName, { text: string; line: number }>>;
  sql?: { text: string; line: number };
}

export function parseRoadmap(markdown: string, file: string, cast: CastRef): RoadmapEntry[] {
  const personas = [...(isMap(cast) ? cast.values() : cast)].map((p) => (typeof p === 'string' ? { id: p, name: p } : p));
  const byName = new Map<string, string>();
  for (const p of personas) {
    byName.set(p.name.toLowerCase(), p.id);
    byName.set(p.id.toLowerCase(), p.id);
  }
  const known = personas.map((p) => `${p.name} (${p.id})`).join(', ');

  const lines = markdown.split(/\r?\n/);
  const drafts: Draft[] = [];
  let week: { n: number; title: string } | undefined;
  let draft: Draft | undefined;
  let field: FieldName | undefined;
  let fence: { marker: string; lang: string; line: number; body: string[] } | undefined;

  const fail = (detail: string, line: number): never => {
    throw new InputError(file, detail, line);
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const lineNo = i + 1;

    if (fence) {
      const close = line.match(FENCE_RE);
      if (close && close[1]![0] === fence.marker[0] && close[1]!.length >= fence.marker.length && !close[2]) {
        if (draft && fence.lang === 'sql') {
          if (draft.sql) fail(`entry "${heading(draft)}" has more than one sql block (first at line ${draft.sql.line})`, fence.line);
          draft.sql = { text: fence.body.join('\n'), line: fence.line };
        }
        fence = undefined;
      } else {
        fence.body.push(line);
      }
      continue;
    }

    const open = line.match(FENCE_RE);
    if (open) {
      fence = { marker: open[1]!, lang: (open[2] ?? '').toLowerCase(), line: lineNo, body: [] };
      field = undefined;
      continue;
    }

    if (/^#{1,2}\s/.test(line)) {
      draft = undefined;
      field = undefined;
      const w = line.match(WEEK_RE);
      week = w ? { n: Number(w[1]), title: w[2]! } : undefined;
      continue;
    }

    if (/^###\s/.test(line)) {
      draft = undefined;
      field = undefined;
      if (!/^###\s+Day\b/i.test(line)) continue;
      const m = line.match(DAY_RE);
      if (!m) fail('malformed entry heading; expected "### Day N (Persona) - Title" or "### Day N-M (Persona) - Title"', lineNo);
      const [, start, end, who, title] = m!;
      if (!week) fail('entry outside a "## Week N: Title" section', lineNo);
      const dayStart = Number(start);
      const dayEnd = end === undefined ? dayStart : Number(end);
      if (dayEnd < dayStart) fail(`day range ${dayStart}-${dayEnd} runs backwards`, lineNo);
      const personaId = byName.get(who!.trim().toLowerCase());
      if (!personaId) fail(`unknown persona "${who!.trim()}" (cast: ${known || 'none'})`, lineNo);
      draft = {
        line: lineNo,
        dayStart,
        dayEnd,
        personaId: personaId!,
        title: title!,
        week: week!.n,
        weekTitle: week!.title,
        fields: {},
      };
      drafts.push(draft);
      continue;
    }

    if (!draft) continue;
    if (!line.trim()) {
      field = undefined;
      continue;
    }
    const f = line.match(FIELD_RE);
    if (f) {
      const name = f[1]!.toLowerCase() as FieldName;
      if (draft.fields[name]) fail(`entry "${heading(draft)}" has more than one ${cap(name)}: line`, lineNo);
      draft.fields[name] = { text: f[2]!.trim(), line: lineNo };
      field = name;
      continue;
    }
    if (field) {
      const cur = draft.fields[field]!;
      cur.text = `${cur.text} ${line.trim()}`.trim();
    }
  }
  if (fence) fail('code block is not closed', fence.line);
  if (drafts.length === 0) fail('no roadmap entries (expected "### Day N (Persona) - Title" under "## Week N: Title")', 1);

  const seen = new Map<number, Draft>();
  return drafts.map((d, index) => {
    for (let day = d.dayStart; day <= d.dayEnd; day++) {
      const other = seen.get(day);
      if (other) fail(`day ${day} is already planned by the entry at line ${other.line}`, d.line);
      seen.set(day, d);
    }
    if (!d.sql) fail(`entry "${heading(d)}" has no \`\`\`sql block`, d.line);
    const task = d.fields.task?.text ?? '';
    if (!task) fail(`entry "${heading(d)}" has no Task: paragraph (what the product needs)`, d.fields.task?.line ?? d.line);
    if (!d.fields.defects) fail(`entry "${heading(d)}" has no Defects: line (write "Defects: none" when it plants nothing)`, d.line);
    const plantedDefects = ruleList(d.fields.defects!, 'Defects', fail);
    const incidentalDefects = d.fields.incidental ? ruleList(d.fields.incidental, 'Incidental', fail) : [];
    const sql = d.sql!.text;
    const entry: RoadmapEntry = {
      id: entryId(d.dayStart, d.dayEnd),
      index,
      dayStart: d.dayStart,
      dayEnd: d.dayEnd,
      week: d.week,
      weekTitle: d.weekTitle,
      personaId: d.personaId,
      title: d.title,
      task,
      referenceSql: sql,
      verdict: verdictOf(sql, plantedDefects),
      plantedDefects,
      incidentalDefects,
      expectations: expectationsOf(sql),
      file,
      line: d.line,
    };
    if (d.fields.notes?.text) entry.notes = d.fields.notes.text;
    return entry;
  });
}

/** "day-02", "day-09-10". */
export function entryId(dayStart: number, dayEnd: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return dayEnd === dayStart ? `day-${pad(dayStart)}` : `day-${pad(dayStart)}-${pad(dayEnd)}`;
}

function ruleList(
  f: { text: string; line: number },
  name: string,
  fail: (detail: string, line: number) => never,
): RuleId[] {
  const words = f.text
    .replace(/`/g, '')
    .split(/[\s,;]+/)
    .map((w) => w.trim())
    .filter(Boolean);
  if (words.length === 1 && words[0]!.toLowerCase() === 'none') return [];
  if (words.length === 0) fail(`${name}: is empty (write "${name}: none")`, f.line);
  const out: RuleId[] = [];
  for (const w of words) {
    if (w.toLowerCase() === 'none') fail(`${name}: "none" cannot be combined with rule ids`, f.line);
    if (!isKnownRuleId(w)) fail(`${name}: unknown rule id "${w}" (see src/scenario/rule-ids.ts)`, f.line);
    if (!out.includes(w)) out.push(w);
  }
  return out;
}

/** The first GOOD / ISSUE / MIXED tag in the SQL comments; untagged: good when nothing is planted. */
export function verdictOf(sql: string, planted: readonly RuleId[]): Verdict {
  for (const line of sql.split('\n')) {
    const comment = commentOf(line);
    if (comment === undefined) continue;
    const m = `--${comment}`.match(TAG_RE);
    if (m) return m[1]!.toLowerCase() as Verdict;
  }
  return planted.length === 0 ? 'good' : 'issue';
}

/** Comment lines that say what should be detected or what is missing, trimmed. */
export function expectationsOf(sql: string): string[] {
  const out: string[] = [];
  // A full-line comment continues the previous kept one when that one did not end a sentence
  // and this one starts in lower case or as a numbered step (text wrapped over several lines).
  let open = false;
  for (const line of sql.split('\n')) {
    const comment = commentOf(line);
    if (comment === undefined) {
      open = false;
      continue;
    }
    const text = comment.replace(/^[\s^]+/, '').trim();
    const code = line.slice(0, line.length - comment.length - 2).trim();
    if (open && !code && /^([a-z(]|\d+\.\s)/.test(text) && !EXPECT_RE.test(text)) {
      out[out.length - 1] = `${out[out.length - 1]} ${text}`;
      open = !/[.!?]$/.test(text);
      continue;
    }
    open = false;
    // Tags of sound changes and descriptions of what a fix does are not expectations.
    if (!text || /^(GOOD|Add|Fix|Create|Remove)\b/.test(text) || !EXPECT_RE.test(text)) continue;
    out.push(code ? `${text} (${code})` : text);
    open = !code && !/[.!?]$/.test(text);
  }
  return out;
}

/** The text after `--` on a line, ignoring `--` inside single-quoted strings; undefined if none. */
function commentOf(line: string): string | undefined {
  let quoted = false;
  for (let i = 0; i < line.length - 1; i++) {
    const c = line[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '-' && line[i + 1] === '-') return line.slice(i + 2);
  }
  return undefined;
}

function heading(d: Draft): string {
  return d.dayEnd === d.dayStart ? `Day ${d.dayStart}` : `Day ${d.dayStart}-${d.dayEnd}`;
}

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

function isMap<K, V, W>(x: ReadonlyMap<K, V> | ReadonlyArray<W>): x is ReadonlyMap<K, V> {
  return x instanceof Map;
}
