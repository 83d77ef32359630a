// Facts several rules read from a migration's AST: the indexes and foreign keys it defines,
// ALTER TABLE commands, and message helpers. Rules stay one file each; shared reading lives here.
import { columnConstraints, rangeVarName, strings, walk, type AstNode, type RelName } from './ast.js';
import type { Statement } from './parse.js';
import type { ColumnEvent, RuleContext } from './types.js';

export interface AlterCmd {
  statement: Statement;
  table: RelName;
  cmd: AstNode;
}

/** Memoises a per-migration fact on the context (several rules read the same ones). */
function memo<T>(fn: (ctx: RuleContext) => T): (ctx: RuleContext) => T {
  const cache = new WeakMap<RuleContext, T>();
  return (ctx) => {
    if (cache.has(ctx)) return cache.get(ctx)!;
    const v = fn(ctx);
    cache.set(ctx, v);
    return v;
  };
}

/** Every ALTER TABLE command in the migration, with its table. */
export const alterTableCmds = memo((ctx: RuleContext): AlterCmd[] => {
  const out: AlterCmd[] = [];
  for (const st of ctx.statements) {
    if (st.type !== 'AlterTableStmt') continue;
    const table = rangeVarName(st.node.relation);
    if (!table) continue;
    for (const c of st.node.cmds ?? []) if (c.AlterTableCmd) out.push({ statement: st, table, cmd: c.AlterTableCmd });
  }
  return out;
});

export interface StaticIndex {
  statement: number;
  table: RelName;
  name?: string;
  /** Plain column keys in order; undefined when a key is an expression. */
  columns: string[] | undefined;
  unique: boolean;
  primary: boolean;
  am: string;
  partial: boolean;
  location?: number;
}

/** Indexes the migration defines: CREATE INDEX, PRIMARY KEY / UNIQUE in CREATE TABLE and ADD CONSTRAINT. */
export const staticIndexes = memo((ctx: RuleContext): StaticIndex[] => {
  const out: StaticIndex[] = [];
  const fromConstraint = (st: Statement, table: RelName, con: AstNode, column?: string) => {
    if (con.contype !== 'CONSTR_PRIMARY' && con.contype !== 'CONSTR_UNIQUE') return;
    const keys = column ? [column] : strings(con.keys);
    const idx: StaticIndex = {
      statement: st.index,
      table,
      columns: keys,
      unique: true,
      primary: con.contype === 'CONSTR_PRIMARY',
      am: 'btree',
      partial: false,
    };
    if (con.conname) idx.name = con.conname;
    if (typeof con.location === 'number') idx.location = con.location;
    out.push(idx);
  };
  for (const st of ctx.statements) {
    if (st.type === 'CreateStmt') {
      const table = rangeVarName(st.node.relation);
      if (!table) continue;
      for (const el of st.node.tableElts ?? []) {
        if (el.ColumnDef) for (const c of columnConstraints(el.ColumnDef)) fromConstraint(st, table, c, el.ColumnDef.colname);
        if (el.Constraint) fromConstraint(st, table, el.Constraint);
      }
    } else if (st.type === 'AlterTableStmt') {
      const table = rangeVarName(st.node.relation);
      if (!table) continue;
      for (const c of st.node.cmds ?? []) {
        const cmd = c.AlterTableCmd;
        if (cmd?.subtype === 'AT_AddConstraint' && cmd.def?.Constraint) fromConstraint(st, table, cmd.def.Constraint);
        if (cmd?.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef) {
          for (const k of columnConstraints(cmd.def.ColumnDef)) fromConstraint(st, table, k, cmd.def.ColumnDef.colname);
        }
      }
    } else if (st.type === 'IndexStmt') {
      const table = rangeVarName(st.node.relation);
      if (!table) continue;
      const params = (st.node.indexParams ?? []).map((p: AstNode) => p.IndexElem);
      const plain = params.every((p: AstNode) => p?.name && !p.expr);
      const idx: StaticIndex = {
        statement: st.index,
        table,
        columns: plain ? params.map((p: AstNode) => p.name as string) : undefined,
        unique: Boolean(st.node.unique),
        primary: Boolean(st.node.primary),
        am: String(st.node.accessMethod ?? 'btree').toLowerCase(),
        partial: Boolean(st.node.whereClause),
      };
      if (st.node.idxname) idx.name = st.node.idxname;
      idx.location = st.start;
      out.push(idx);
    }
  }
  return out;
});

export interface StaticForeignKey {
  statement: number;
  table: RelName;
  name?: string;
  columns: string[];
  refTable: RelName | undefined;
  refColumns: string[];
  notValid: boolean;
  /** Where it is declared: in CREATE TABLE, on a column added by ALTER TABLE, or as ADD CONSTRAINT. */
  via: 'create' | 'add-column' | 'add-constraint';
  location?: number;
}

/** Foreign keys the migration defines (column REFERENCES, table FOREIGN KEY, ADD CONSTRAINT). */
export const staticForeignKeys = memo((ctx: RuleContext): StaticForeignKey[] => {
  const out: StaticForeignKey[] = [];
  const add = (st: Statement, table: RelName, con: AstNode, via: StaticForeignKey['via'], column?: string) => {
    if (con.contype !== 'CONSTR_FOREIGN') return;
    const fk: StaticForeignKey = {
      statement: st.index,
      table,
      columns: column ? [column] : strings(con.fk_attrs),
      refTable: rangeVarName(con.pktable),
      refColumns: strings(con.pk_attrs),
      notValid: Boolean(con.skip_validation),
      via,
    };
    if (con.conname) fk.name = con.conname;
    if (typeof con.location === 'number') fk.location = con.location;
    out.push(fk);
  };
  for (const st of ctx.statements) {
    if (st.type === 'CreateStmt') {
      const table = rangeVarName(st.node.relation);
      if (!table) continue;
      for (const el of st.node.tableElts ?? []) {
        if (el.ColumnDef) for (const c of columnConstraints(el.ColumnDef)) add(st, table, c, 'create', el.ColumnDef.colname);
        if (el.Constraint) add(st, table, el.Constraint, 'create');
      }
    } else if (st.type === 'AlterTableStmt') {
      const table = rangeVarName(st.node.relation);
      if (!table) continue;
      for (const c of st.node.cmds ?? []) {
        const cmd = c.AlterTableCmd;
        if (cmd?.subtype === 'AT_AddConstraint' && cmd.def?.Constraint) add(st, table, cmd.def.Constraint, 'add-constraint');
        if (cmd?.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef) {
          for (const k of columnConstraints(cmd.def.ColumnDef)) add(st, table, k, 'add-column', cmd.def.ColumnDef.colname);
        }
      }
    }
  }
  return out;
});

/** Byte offset of the first node in a statement matching a predicate (for precise positions). */
export function locate(st: Statement, pred: (type: string, body: AstNode) => boolean): number | undefined {
  let found: number | undefined;
  walk(st.node, (type, body) => {
    if (found !== undefined) return false;
    if (pred(type, body) && typeof body.location === 'number' && body.location >= 0) found = body.location;
  });
  return found;
}

/** Location of a column definition / constraint naming a column, or a named constraint, in a statement. */
export function locateColumnOrConstraint(st: Statement | undefined, opts: { column?: string; constraint?: string; contype?: string }): number | undefined {
  if (!st) return undefined;
  return (
    (opts.constraint ? locate(st, (t, b) => t === 'Constraint' && b.conname === opts.constraint) : undefined) ??
    (opts.contype && opts.column
      ? locate(st, (t, b) => t === 'Constraint' && b.contype === opts.contype && strings(b.fk_attrs ?? b.keys)[0] === opts.column)
      : undefined) ??
    (opts.column ? locate(st, (t, b) => t === 'ColumnDef' && b.colname === opts.column) : undefined)
  );
}

export function sameRel(a: RelName | undefined, b: RelName | undefined): boolean {
  if (!a || !b) return false;
  return a.name === b.name && (!a.schema || !b.schema || a.schema === b.schema);
}

export function list(xs: string[]): string {
  return `(${xs.join(', ')})`;
}

/** A suggested index name in the house style: idx_<table>_<cols>. */
export function indexName(table: string, cols: string[]): string {
  return `idx_${table}_${cols.join('_')}`.slice(0, 63);
}

/**
 * ' (40 rows; takes AccessExclusiveLock on issues (blocks all reads and writes))' for a
 * pre-existing table a statement touched, read from the catalog pass; '' without one.
 */
export function tableFacts(ctx: RuleContext, statement: number, table: RelName): string {
  const cat = ctx.catalog;
  if (!cat) return '';
  const rel = cat.before.rel(table.name, table.schema);
  if (!rel) return '';
  const lock = cat.lockText(statement, rel.oid);
  return ` (${cat.rowsText(rel.oid)}${lock ? `; takes ${lock}` : ''})`;
}

/**
 * The latest definition of each column the migration defines, looked up by table and column
 * (for static fallbacks that need a column's declared type).
 */
export const columnTypeLookup = memo((ctx: RuleContext): ((table: RelName, column: string, atStatement: number) => ColumnEvent | undefined) => {
  const byKey = new Map<string, ColumnEvent[]>();
  for (const e of ctx.columnEvents()) {
    const key = `${e.table.name}\u0000${e.column}`;
    const list = byKey.get(key);
    if (list) list.push(e);
    else byKey.set(key, [e]);
  }
  return (table, column, at) => {
    const list = byKey.get(`${table.name}\u0000${column}`);
    if (!list) return undefined;
    let best: ColumnEvent | undefined;
    for (const e of list) if (e.statement <= at && (!table.schema || !e.table.schema || table.schema === e.table.schema)) best = e;
    return best;
  };
});
