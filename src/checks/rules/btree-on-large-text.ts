// btree-on-large-text: a btree index on an unbounded text/varchar or jsonb column.
import { defineRule, type RuleHit } from '../types.js';
import type { ColInfo } from '../catalog.js';
import { columnTypeLookup, list, staticIndexes } from '../rule-helpers.js';

const MAX_LENGTH = 1000;

function large(col: ColInfo): boolean {
  if (col.typname === 'text' || col.typname === 'jsonb' || col.typname === 'bytea') return true;
  if (col.typname === 'varchar' || col.typname === 'bpchar') return col.length < 0 || col.length > MAX_LENGTH;
  return false;
}

export default defineRule({
  id: 'btree-on-large-text',
  severity: 'advisory',
  category: 'defect',
  needs: 'catalog',
  doc: {
    summary: 'A btree index on a column of unbounded text, varchar without a length (or over 1000), jsonb or bytea. Hash indexes and expression indexes (md5(col), lower(col)) are fine.',
    why: 'A btree entry must fit in a third of a page (2,704 bytes): one long value makes INSERTs fail with "index row size exceeds btree maximum". Until then the index is as big as the column itself.',
    fix: 'Index a hash of the value (CREATE INDEX ON t (md5(col)) or a stored hash column), use a hash index for equality, or full-text / trigram GIN for search.',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    const cat = ctx.catalog;
    if (cat) {
      for (const idx of cat.after.indexes.values()) {
        if (idx.am !== 'btree') continue;
        const stmt = cat.createdBy('rel', idx.oid);
        if (stmt === undefined) continue;
        const rel = cat.after.rels.get(idx.rel);
        if (!rel || rel.isPartition) continue;
        for (const k of idx.keys.slice(0, idx.nkeys)) {
          if (k === 0) continue;
          const col = cat.after.column(idx.rel, k);
          if (!col || !large(col)) continue;
          const table = cat.after.relName(idx.rel);
          hits.push({
            statement: stmt,
            ...(ctx.statements[stmt]?.type === 'IndexStmt' ? { location: ctx.statements[stmt]!.start } : {}),
            message: `btree index ${idx.name} on ${table} ${list(cat.after.columnNames(idx.rel, idx.keys.slice(0, idx.nkeys)))} includes ${col.name} (${col.type}): values over 2,704 bytes will fail to insert and the index is as large as the data`,
            hint: `CREATE INDEX ... ON ${table} (md5(${col.name})), a hash index, or a GIN text-search index instead.`,
            objects: [table, idx.name, `${table}.${col.name}`],
          });
          break;
        }
      }
      return hits;
    }
    const lookup = columnTypeLookup(ctx);
    for (const idx of staticIndexes(ctx)) {
      if (idx.am !== 'btree' || !idx.columns || ctx.statements[idx.statement]?.type !== 'IndexStmt') continue;
      for (const c of idx.columns) {
        const t = lookup(idx.table, c, idx.statement)?.type;
        if (!t || t.array) continue;
        const big = ['text', 'jsonb', 'bytea'].includes(t.name) || (['varchar', 'bpchar'].includes(t.name) && (t.mods[0] === undefined || t.mods[0] > MAX_LENGTH));
        if (!big) continue;
        hits.push({
          statement: idx.statement,
          ...(idx.location !== undefined ? { location: idx.location } : {}),
          message: `btree index ${idx.name ?? ''} on ${idx.table.name} ${list(idx.columns)} includes ${c} (${t.name}): values over 2,704 bytes will fail to insert`,
          hint: `Index md5(${c}) or use a hash / GIN index.`,
          objects: [idx.table.name, ...(idx.name ? [idx.name] : [])],
        });
        break;
      }
    }
    return hits;
  },
});
