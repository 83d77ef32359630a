// A stand-in for a real model behind the fake provider server: it answers persona and reviewer
// prompts for a scenario's roadmap the way the team would, deterministically, so whole runs can be
// recorded and replayed offline. Each persona writes the entry's SQL (the plan's commentary
// stripped) under a header in its own voice (fixtures/fake-team/<persona>.hbs); on revision it fixes
// what it knows how to fix; the reviewer catches some advisory findings, by a seeded coin.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import Handlebars from 'handlebars';
import type { Scenario, RoadmapEntry, Persona } from '../scenario/types.js';
import type { MistakeCatalog, Mistake } from '../plan/mistakes.js';
import { parseMigration, type Statement } from '../checks/parse.js';
import { rangeVarName, strings, unwrap, type AstNode } from '../checks/ast.js';
import type { FakeChatRequest, Responder } from './fake-server.js';
import { repoRoot } from '../paths.js';

/** What a persona's SQL becomes before it is sent; the experiment behaviours plug in here. */
export type SqlTransform = (sql: string, ctx: { entry: RoadmapEntry; persona: Persona; mistake: Mistake | null; round: number }) => { sql: string; notes?: string };

export interface FakeTeamOptions {
  scenario: Scenario;
  mistakes: MistakeCatalog;
  /** Share of catchable advisory findings the reviewer sends back in round 0 (default 0.5). */
  reviewerCatchRate?: number;
  /** Rules the reviewer knows to look for (default: index and type rules). */
  catchable?: string[];
  /** Applied to the persona's first draft (default: none, the entry's SQL as the plan has it). */
  transform?: SqlTransform;
  /** Folder of voice templates (default fixtures/fake-team). */
  voicesDir?: string;
}

const DEFAULT_CATCHABLE = ['fk-missing-index', 'redundant-index', 'boolean-as-text', 'uuid-as-text', 'btree-on-large-text', 'low-cardinality-index'];

function coin(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32LE(0) / 2 ** 32;
}

function byteSlice(text: string, start: number, end: number): string {
  return Buffer.from(text, 'utf8').subarray(start, end).toString('utf8');
}

/** The SQL without the plan's commentary: every comment goes except optimizer hints, which are the point. */
export function stripCommentary(sql: string): string {
  const parsed = parseMigration(sql);
  if (parsed.error) return sql;
  const buf = Buffer.from(sql, 'utf8');
  const out: string[] = [];
  for (const st of parsed.statements) {
    const inside = parsed.comments.filter((c) => c.inside && c.statement === st.index && !c.text.startsWith('/*+'));
    let cursor = st.start;
    let text = '';
    for (const c of inside.sort((a, b) => a.start - b.start)) {
      text += buf.subarray(cursor, c.start).toString('utf8');
      cursor = c.end;
    }
    text += buf.subarray(cursor, st.end).toString('utf8');
    out.push(text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim() + ';');
  }
  return out.join('\n\n');
}

function describeStatement(st: Statement): string {
  const rel = (n: AstNode) => rangeVarName(n)?.name ?? '?';
  const node = st.node;
  switch (st.type) {
    case 'CreateStmt':
      return `create table ${rel(node.relation)}${node.partspec ? ' (partitioned)' : ''}`;
    case 'IndexStmt': {
      const cols = (node.indexParams ?? []).map((p: AstNode) => unwrap(p)?.[1]?.name ?? 'expr').join(', ');
      return `${node.unique ? 'unique ' : ''}index ${node.idxname ?? ''} on ${rel(node.relation)} (${cols})`.replace('  ', ' ');
    }
    case 'AlterTableStmt': {
      const cmds = (node.cmds ?? []).map((c: AstNode) => {
        const cmd = unwrap(c)?.[1];
        const def = unwrap(cmd?.def)?.[1];
        const what = String(cmd?.subtype ?? '').replace('AT_', '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
        return def?.colname ? `${what} ${def.colname}` : def?.conname ? `${what} ${def.conname}` : what;
      });
      return `alter table ${rel(node.relation)}: ${cmds.join(', ')}`;
    }
    case 'CreateTableAsStmt':
      return `materialized view ${rel(node.into?.rel)}`;
    case 'ViewStmt':
      return `view ${rel(node.view)}`;
    case 'CreateFunctionStmt':
      return `function ${strings(node.funcname).join('.')}`;
    case 'CreateTrigStmt':
      return `trigger ${node.trigname} on ${rel(node.relation)}`;
    default:
      return st.kind.toLowerCase();
  }
}

/** Foreign-key columns of tables/columns the SQL creates that no index in the SQL leads with. */
export function uncoveredForeignKeys(sql: string): { table: string; columns: string[] }[] {
  const parsed = parseMigration(sql);
  const fks: { table: string; columns: string[] }[] = [];
  const leading = new Set<string>();
  for (const st of parsed.statements) {
    const node = st.node;
    if (st.type === 'CreateStmt') {
      const table = rangeVarName(node.relation)?.name ?? '';
      for (const elt of node.tableElts ?? []) {
        const [kind, body] = unwrap(elt) ?? [];
        if (kind === 'ColumnDef') {
          for (const c of body.constraints ?? []) if (unwrap(c)?.[1]?.contype === 'CONSTR_FOREIGN') fks.push({ table, columns: [body.colname] });
          for (const c of body.constraints ?? []) {
            const ct = unwrap(c)?.[1]?.contype;
            if (ct === 'CONSTR_PRIMARY' || ct === 'CONSTR_UNIQUE') leading.add(`${table}.${body.colname}`);
          }
        } else if (kind === 'Constraint') {
          if (body.contype === 'CONSTR_FOREIGN') fks.push({ table, columns: strings(body.fk_attrs) });
          if (body.contype === 'CONSTR_PRIMARY' || body.contype === 'CONSTR_UNIQUE') leading.add(`${table}.${strings(body.keys)[0]}`);
        }
      }
    } else if (st.type === 'AlterTableStmt') {
      const table = rangeVarName(node.relation)?.name ?? '';
      for (const c of node.cmds ?? []) {
        const cmd = unwrap(c)?.[1];
        const def = unwrap(cmd?.def);
        if (def?.[0] === 'ColumnDef') {
          for (const k of def[1].constraints ?? []) if (unwrap(k)?.[1]?.contype === 'CONSTR_FOREIGN') fks.push({ table, columns: [def[1].colname] });
        } else if (def?.[0] === 'Constraint' && def[1].contype === 'CONSTR_FOREIGN') {
          fks.push({ table, columns: strings(def[1].fk_attrs) });
        } else if (def?.[0] === 'Constraint' && def[1].contype === 'CONSTR_UNIQUE') {
          leading.add(`${table}.${strings(def[1].keys)[0]}`);
        }
      }
    } else if (st.type === 'IndexStmt' && !node.whereClause) {
      const first = unwrap(node.indexParams?.[0])?.[1]?.name;
      if (first) leading.add(`${rangeVarName(node.relation)?.name}.${first}`);
    }
  }
  return fks.filter((fk) => !leading.has(`${fk.table}.${fk.columns[0]}`));
}

/** Drops the CREATE INDEX statements whose index name is in `names`. */
export function dropIndexStatements(sql: string, names: Set<string>): string {
  const parsed = parseMigration(sql);
  if (parsed.error) return sql;
  const kept = parsed.statements.filter((st) => !(st.type === 'IndexStmt' && names.has(st.node.idxname)));
  return kept.map((st) => byteSlice(sql, st.start, st.end).trim() + ';').join('\n\n');
}

interface Feedback {
  rules: Set<string>;
  /** Index names the feedback calls redundant. */
  redundant: Set<string>;
}

function readFeedback(text: string): Feedback {
  const rules = new Set<string>();
  for (const m of text.matchAll(/\[(?:advisory|blocking)\] ([a-z0-9-]+)/g)) rules.add(m[1]!);
  for (const m of text.matchAll(/\b(fk-missing-index|redundant-index|boolean-as-text|uuid-as-text|btree-on-large-text|low-cardinality-index)\b/g)) rules.add(m[1]!);
  const redundant = new Set<string>();
  for (const m of text.matchAll(/index (\w+) on [\w.]+ \([^)]*\) is redundant/g)) redundant.add(m[1]!);
  return { rules, redundant };
}

export function createFakeTeam(options: FakeTeamOptions): Responder {
  const { scenario, mistakes } = options;
  const voicesDir = options.voicesDir ?? path.join(repoRoot(), 'fixtures', 'fake-team');
  const hbs = Handlebars.create();
  const voices = new Map<string, HandlebarsTemplateDelegate>();
  const voice = (personaId: string) => {
    let t = voices.get(personaId);
    if (!t) {
      const file = [path.join(voicesDir, `${personaId}.hbs`), path.join(voicesDir, 'default.hbs')].find((f) => existsSync(f))!;
      t = hbs.compile(readFileSync(file, 'utf8'), { noEscape: true, strict: true });
      voices.set(personaId, t);
    }
    return t;
  };
  const catchRate = options.reviewerCatchRate ?? 0.5;
  const catchable = new Set(options.catchable ?? DEFAULT_CATCHABLE);
  const byTitle = [...scenario.roadmap].sort((a, b) => b.title.length - a.title.length);
  // The prompt's first line names the entry (task.hbs, review-request.hbs); later lines may name others.
  const entryFor = (text: string): RoadmapEntry => {
    const first = text.split('\n', 1)[0] ?? '';
    const entry = byTitle.find((e) => first.includes(e.title));
    if (!entry) throw new Error(`fake team: no roadmap entry of ${scenario.id} is named in the prompt`);
    return entry;
  };

  const writeMigration = (req: FakeChatRequest) => {
    const task = req.messages[0]?.content ?? '';
    const entry = entryFor(task);
    const persona = scenario.cast.get(entry.personaId)!;
    const round = req.messages.filter((m) => m.role === 'assistant').length;
    const mistake = [...mistakes.values()].find((m) => task.includes(m.directive)) ?? null;
    const draft = options.transform
      ? options.transform(stripCommentary(entry.referenceSql), { entry, persona, mistake, round: 0 })
      : { sql: stripCommentary(entry.referenceSql) };
    let body = draft.sql;
    const notes: string[] = draft.notes ? [draft.notes] : [];
    // Each revision answers all feedback so far, applied to the first draft.
    const feedback = readFeedback(req.messages.filter((m) => m.role === 'user').slice(1).map((m) => m.content).join('\n'));
    if (round > 0) {
      if (feedback.rules.has('fk-missing-index')) {
        const added = uncoveredForeignKeys(body).map(
          (fk) => `CREATE INDEX idx_${fk.table}_${fk.columns.join('_')} ON ${fk.table}(${fk.columns.join(', ')});`,
        );
        if (added.length) {
          body += '\n\n' + added.join('\n');
          notes.push(`Added ${added.length} index(es) for the foreign keys the review pointed out.`);
        }
      }
      if (feedback.redundant.size) {
        const before = body;
        body = dropIndexStatements(body, feedback.redundant);
        if (body !== before) notes.push(`Dropped the redundant index(es): ${[...feedback.redundant].join(', ')}.`);
      }
      if (notes.length === (draft.notes ? 1 : 0)) notes.push('Kept the change as it was: the remaining points are deliberate trade-offs for now.');
    }
    const statements = parseMigration(body).statements.map(describeStatement);
    const header = voice(persona.id)({
      title: entry.title,
      author: persona.name,
      day: entry.dayStart === entry.dayEnd ? `${entry.dayStart}` : `${entry.dayStart}-${entry.dayEnd}`,
      changes: statements,
      tables: statements.filter((s) => s.startsWith('create table')).map((s) => s.slice('create table '.length)),
      indexes: statements.filter((s) => s.includes('index ')),
      round,
    }).trimEnd();
    return {
      title: entry.title,
      rationale: `${persona.name}: ${entry.task.split(/(?<=\.)\s/)[0]}`,
      up_sql: `${header}\n${body}\n`,
      down_sql: `-- Reverses: ${entry.title}\n-- (${statements.length} statement(s); drop in reverse order)`,
      notes: notes.join(' '),
    };
  };

  const review = (req: FakeChatRequest) => {
    const text = req.messages[0]?.content ?? '';
    const entry = entryFor(text);
    const round = Number(/Round (\d+)\./.exec(text)?.[1] ?? 0);
    const findings = [...text.matchAll(/^- \[([a-z0-9-]+)\] \((advisory|blocking)\) line \d+: (.*)$/gm)].map((m) => ({ rule: m[1]!, message: m[3]! }));
    const candidates = findings.filter((f) => catchable.has(f.rule));
    if (round === 0 && candidates.length && coin(`${entry.id}:review`) < catchRate) {
      return {
        verdict: 'request_changes',
        summary: `Close, but ${candidates[0]!.rule} needs fixing before this ships.`,
        comments: candidates.map((f) => ({ severity: 'major', message: f.message, rule: f.rule })),
      };
    }
    return {
      verdict: 'approve',
      summary: findings.length ? `Approved; noted ${findings.length} advisory finding(s) for later.` : 'Looks good.',
      comments: findings.slice(0, 3).map((f) => ({ severity: 'minor', message: f.message, rule: f.rule })),
    };
  };

  return (req) => (req.schemaName === 'review' ? review(req) : writeMigration(req));
}
