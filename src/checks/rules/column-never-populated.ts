// column-never-populated: a derived column (tsvector) added with nothing that fills it: no
// generated expression, no default, no trigger on the table that could set it, no backfill.
import { defineRule, type RuleContext, type RuleHit } from '../types.js';
import { rangeVarName } from '../ast.js';
import type { TrigInfo } from '../catalog.js';

const DERIVED_TYPES = new Set(['tsvector']);
const TRIGGER_ROW = 1;
const TRIGGER_BEFORE = 2;
const TRIGGER_INSERT = 4;
const TRIGGER_UPDATE = 16;

function triggerCouldSet(t: TrigInfo, column: string): boolean {
  if (!(t.type & TRIGGER_ROW) || !(t.type & TRIGGER_BEFORE) || !(t.type & (TRIGGER_INSERT | TRIGGER_UPDATE))) return false;
  // A C / internal function (tsvector_update_trigger) gets the column as an argument: assume it does.
  if (t.lang !== 'plpgsql' && t.lang !== 'sql') return true;
  return new RegExp(`\\b${column}\\b`, 'i').test(t.src);
}

/** An UPDATE in the migration that assigns the column (a backfill). */
function backfilled(ctx: RuleContext, table: string, column: string): boolean {
  return ctx.statements.some(
    (s) =>
      s.type === 'UpdateStmt' && rangeVarName(s.node.relation)?.name === table &&
      (s.node.targetList ?? []).some((t: { ResTarget?: { name?: string } }) => t.ResTarget?.name === column),
  );
}

export default defineRule({
  id: 'column-never-populated',
  severity: 'advisory',
  category: 'defect',
  needs: 'catalog',
  doc: {
    summary: 'A tsvector (derived) column added without a generated expression, a default, a trigger on the table that could set it, or a backfill UPDATE in the migration.',
    why: 'Nothing ever writes the column: it stays NULL, and the search index built on it returns nothing. The bug shows up in the product, not in the migration.',
    fix: 'Declare it GENERATED ALWAYS AS (to_tsvector(...)) STORED, or add a BEFORE INSERT OR UPDATE trigger that sets it plus a backfill UPDATE.',
  },
  check(ctx) {
    const cat = ctx.catalog;
    if (!cat) return [];
    const hits: RuleHit[] = [];
    for (const ev of ctx.columnEvents()) {
      if (ev.via === 'alter-type') continue;
      const rel = cat.after.rel(ev.table.name, ev.table.schema);
      if (!rel || rel.isPartition) continue;
      const col = cat.after.columnByName(rel.oid, ev.column);
      if (!col || !DERIVED_TYPES.has(col.typname) || col.generated || col.default) continue;
      if (cat.after.triggersOf(rel.oid).some((t) => triggerCouldSet(t, col.name))) continue;
      if (backfilled(ctx, rel.name, col.name)) continue;
      const table = cat.after.relName(rel.oid);
      const indexed = cat.after.indexesOf(rel.oid).filter((i) => i.keys.includes(col.num)).map((i) => i.name);
      hits.push({
        statement: ev.statement,
        ...(ev.location !== undefined ? { location: ev.location } : {}),
        message: `${table}.${col.name} (${col.type}) is never populated: no generated expression, no trigger on ${table} sets it, no backfill${indexed.length ? `; ${indexed.join(', ')} will index only NULLs` : ''}`,
        hint: `ALTER TABLE ${table} ADD COLUMN ${col.name} tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(<text column>, ''))) STORED; or a BEFORE INSERT OR UPDATE trigger plus a backfill UPDATE.`,
        objects: [table, `${table}.${col.name}`, ...indexed],
      });
    }
    return hits;
  },
});
