// low-cardinality-index: a plain btree index whose leading column can take only a handful of values.
import { defineRule, type RuleHit } from '../types.js';
import type { ColInfo, Snapshot } from '../catalog.js';
import { parseSync } from 'libpg-query';
import { columnRefs, stringConsts, type AstNode } from '../ast.js';
import { columnTypeLookup, list, staticIndexes } from '../rule-helpers.js';

const STATUS_NAME = /^(status|state|type|kind)$|_(status|state|type|kind)$/;
const MAX_VALUES = 6;
const SHORT_VARCHAR = 32;

/** Values allowed by a single-column CHECK (col IN (...)), if there is one. */
function checkValues(snap: Snapshot, col: ColInfo): number | undefined {
  for (const c of snap.constraintsOf(col.rel)) {
    if (c.type !== 'c' || c.keys.length !== 1 || c.keys[0] !== col.num) continue;
    try {
      const expr: AstNode = parseSync(`SELECT ${c.def.replace(/^CHECK\s*/i, '').replace(/\s*NOT VALID$/i, '')}`).stmts?.[0]?.stmt;
      const refs = columnRefs(expr);
      if (refs.length && refs.every((r) => r === col.name)) {
        const n = new Set(stringConsts(expr)).size;
        if (n > 0) return n;
      }
    } catch {
      /* not a simple list */
    }
  }
  return undefined;
}

function lowCardinality(snap: Snapshot, col: ColInfo): string | undefined {
  if (col.typname === 'bool') return 'boolean';
  if (col.enumLabels > 0 && col.enumLabels <= MAX_VALUES) return `enum with ${col.enumLabels} labels`;
  if (['varchar', 'bpchar', 'text'].includes(col.typname)) {
    const n = checkValues(snap, col);
    if (n !== undefined && n <= MAX_VALUES) return `CHECK allows ${n} values`;
    if (STATUS_NAME.test(col.name) && col.length > 0 && col.length <= SHORT_VARCHAR) return `a ${col.type} ${col.name.includes('type') || col.name.includes('kind') ? 'type' : 'status'} column`;
  }
  return undefined;
}

export default defineRule({
  id: 'low-cardinality-index',
  severity: 'advisory',
  category: 'defect',
  needs: 'catalog',
  doc: {
    summary:
      'A plain (non-partial, non-unique) btree index whose leading column has very few distinct values: a boolean, an enum with at most 6 labels, a column with a small CHECK list, or a short status/state/type/kind varchar.',
    why: 'Each value matches a large share of the table, so the planner prefers a sequential scan and the index is rarely used, yet it is maintained on every write.',
    fix: 'Drop it, make it partial for the rare value you query (WHERE status = \'failed\'), or lead with a selective column ((project_id, status)).',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    const cat = ctx.catalog;
    if (cat) {
      for (const idx of cat.after.indexes.values()) {
        if (idx.am !== 'btree' || idx.unique || idx.pred || idx.keys[0] === 0 || idx.keys[0] === undefined) continue;
        const stmt = cat.createdBy('rel', idx.oid);
        if (stmt === undefined) continue;
        const rel = cat.after.rels.get(idx.rel);
        if (!rel || rel.isPartition) continue;
        const col = cat.after.column(idx.rel, idx.keys[0]);
        if (!col) continue;
        const why = lowCardinality(cat.after, col);
        if (!why) continue;
        const table = cat.after.relName(idx.rel);
        hits.push({
          statement: stmt,
          ...(ctx.statements[stmt]?.type === 'IndexStmt' ? { location: ctx.statements[stmt]!.start } : {}),
          message: `index ${idx.name} on ${table} ${list(cat.after.columnNames(idx.rel, idx.keys))} leads with ${col.name}, a low-cardinality column (${why})`,
          hint: `Make it partial for the value you look up (CREATE INDEX ... WHERE ${col.name} = ...), or lead with a selective column.`,
          objects: [table, idx.name, `${table}.${col.name}`],
        });
      }
      return hits;
    }
    const lookup = columnTypeLookup(ctx);
    for (const idx of staticIndexes(ctx)) {
      if (idx.am !== 'btree' || idx.unique || idx.partial || !idx.columns?.length || !ctx.statements[idx.statement] || ctx.statements[idx.statement]!.type !== 'IndexStmt') continue;
      const lead = idx.columns[0]!;
      const t = lookup(idx.table, lead, idx.statement)?.type;
      if (!t) continue;
      const low = t.name === 'bool' || (STATUS_NAME.test(lead) && (t.name === 'varchar' || t.name === 'bpchar') && (t.mods[0] ?? 999) <= SHORT_VARCHAR);
      if (!low) continue;
      hits.push({
        statement: idx.statement,
        ...(idx.location !== undefined ? { location: idx.location } : {}),
        message: `index ${idx.name ?? ''} on ${idx.table.name} ${list(idx.columns)} leads with ${lead}, a low-cardinality column (${t.name === 'bool' ? 'boolean' : `short ${t.name} status column`})`,
        hint: `Make it partial for the value you look up, or lead with a selective column.`,
        objects: [idx.table.name, ...(idx.name ? [idx.name] : [])],
      });
    }
    return hits;
  },
});
