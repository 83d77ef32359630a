// Builds the RuleContext every rule receives: parsed statements plus shared, lazily computed facts.
import { rangeVarName, typeInfo, type AstNode, type RelName } from './ast.js';
import { embeddedSql } from './embedded.js';
import { lockImpact, strongestLock, type Snapshot, type StatementEffect } from './catalog.js';
import type { ParsedMigration, Statement } from './parse.js';
import type { CatalogView, ColumnEvent, EmbeddedSql, ResolvedConfig, RuleContext } from './types.js';

export function createdRelation(st: Statement): RelName | undefined {
  if (st.type === 'CreateStmt') return rangeVarName(st.node.relation);
  if (st.type === 'CreateTableAsStmt') return rangeVarName(st.node.into?.rel);
  return undefined;
}

export interface CatalogData {
  before: Snapshot;
  after: Snapshot;
  effects: (StatementEffect | undefined)[];
  rows: Map<number, number>;
}

export function catalogView(data: CatalogData): CatalogView {
  const createdRel = new Map<number, number>();
  const createdCon = new Map<number, number>();
  const createdTrig = new Map<number, number>();
  for (const e of data.effects) {
    if (!e) continue;
    for (const o of e.createdRels) if (!createdRel.has(o)) createdRel.set(o, e.index);
    for (const o of e.createdCons) if (!createdCon.has(o)) createdCon.set(o, e.index);
    for (const o of e.createdTrigs) if (!createdTrig.has(o)) createdTrig.set(o, e.index);
  }
  return {
    before: data.before,
    after: data.after,
    effects: data.effects,
    rows: data.rows,
    createdBy(kind, oid) {
      return (kind === 'rel' ? createdRel : kind === 'con' ? createdCon : createdTrig).get(oid);
    },
    rowsText(oid) {
      const n = data.rows.get(oid);
      if (n === undefined) {
        const r = data.before.rels.get(oid);
        return r && r.tuples >= 0 ? `~${Math.round(r.tuples).toLocaleString('en-US')} rows (estimate)` : 'size unknown';
      }
      return `${n > 1_000_000 ? 'over 1,000,000' : n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;
    },
    lockText(statement, rel) {
      const e = data.effects[statement];
      if (!e) return undefined;
      const locks = e.locks.filter((l) => rel === undefined || l.rel === rel);
      if (!locks.length && rel !== undefined) {
        // Nothing new: the transaction already held it from an earlier statement of the migration.
        for (let i = statement - 1; i >= 0; i--) {
          const modes = (data.effects[i]?.locks ?? []).filter((l) => l.rel === rel).map((l) => l.mode);
          if (modes.length) {
            const m = strongestLock(modes)!;
            return `${m} on ${data.before.relName(rel)} (held since statement ${i}; ${lockImpact(m)})`;
          }
        }
        return undefined;
      }
      if (!locks.length) return undefined;
      const byRel = new Map<number, string[]>();
      for (const l of locks) byRel.set(l.rel, [...(byRel.get(l.rel) ?? []), l.mode]);
      // Sorted by name: pg_locks has no order, and messages feed prompts that recorded runs replay.
      return [...byRel.entries()]
        .sort(([a], [b]) => data.before.relName(a).localeCompare(data.before.relName(b)))
        .map(([oid, modes]) => {
          const m = strongestLock(modes)!;
          return `${m} on ${data.before.relName(oid)} (${lockImpact(m)})`;
        })
        .join(', ');
    },
  };
}

export function buildContext(
  parsed: ParsedMigration,
  config: ResolvedConfig,
  schema: string | undefined,
  catalog: CatalogView | undefined,
): RuleContext {
  const created = new Map<string, number>();
  for (const st of parsed.statements) {
    const r = createdRelation(st);
    if (r && !created.has(r.name)) created.set(r.name, st.index);
  }
  let events: ColumnEvent[] | undefined;
  const embeddedCache = new Map<number, EmbeddedSql[]>();
  const ctx: RuleContext = {
    source: parsed.source,
    statements: parsed.statements,
    comments: parsed.comments,
    config,
    ...(schema ? { schema } : {}),
    ...(catalog ? { catalog } : {}),
    createdAt: (name) => created.get(name),
    existedBefore(rel) {
      if (catalog) return Boolean(catalog.before.rel(rel.name, rel.schema));
      return !created.has(rel.name);
    },
    columnEvents() {
      events ??= collectColumnEvents(parsed.statements, created);
      return events;
    },
    embedded(st) {
      let e = embeddedCache.get(st.index);
      if (!e) {
        e = st.type === 'DoStmt' || st.type === 'CreateFunctionStmt' ? embeddedSql(st) : [];
        embeddedCache.set(st.index, e);
      }
      return e;
    },
  };
  return ctx;
}

function collectColumnEvents(statements: Statement[], created: Map<string, number>): ColumnEvent[] {
  const out: ColumnEvent[] = [];
  for (const st of statements) {
    if (st.type === 'CreateStmt') {
      const table = rangeVarName(st.node.relation);
      if (!table) continue;
      for (const el of st.node.tableElts ?? []) {
        const def = el.ColumnDef;
        if (!def?.colname) continue;
        out.push(ev(st, table, def.colname, def, 'create', true));
      }
    } else if (st.type === 'AlterTableStmt' && (st.node.objtype ?? 'OBJECT_TABLE') === 'OBJECT_TABLE') {
      const table = rangeVarName(st.node.relation);
      if (!table) continue;
      const createdHere = created.has(table.name) && created.get(table.name)! < st.index;
      for (const c of st.node.cmds ?? []) {
        const cmd = c.AlterTableCmd;
        if (!cmd) continue;
        if (cmd.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef) {
          const def = cmd.def.ColumnDef;
          out.push(ev(st, table, def.colname, def, 'add', createdHere));
        } else if (cmd.subtype === 'AT_AlterColumnType' && cmd.def?.ColumnDef) {
          out.push(ev(st, table, cmd.name, cmd.def.ColumnDef, 'alter-type', createdHere));
        }
      }
    }
  }
  return out;
}

function ev(st: Statement, table: RelName, column: string, def: AstNode, via: ColumnEvent['via'], newTable: boolean): ColumnEvent {
  const e: ColumnEvent = { statement: st.index, table, column, type: typeInfo(def.typeName), def, via, newTable };
  if (typeof def.location === 'number' && def.location >= 0) e.location = def.location;
  return e;
}
