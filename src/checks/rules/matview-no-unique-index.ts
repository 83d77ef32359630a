// matview-no-unique-index: a materialized view left without a unique index (so it cannot be
// refreshed CONCURRENTLY).
import { defineRule, type RuleHit } from '../types.js';
import { rangeVarName } from '../ast.js';
import type { IndexInfo } from '../catalog.js';

function servesConcurrentRefresh(i: IndexInfo): boolean {
  return i.unique && i.valid && !i.pred && !i.exprs && i.keys.every((k) => k !== 0);
}

export default defineRule({
  id: 'matview-no-unique-index',
  severity: 'advisory',
  category: 'defect',
  needs: 'catalog',
  doc: {
    summary: 'A materialized view created (or changed) by the migration has no unique index on plain columns at the end of it.',
    why: 'REFRESH MATERIALIZED VIEW CONCURRENTLY needs a unique, non-partial index on columns; without it every refresh takes an ACCESS EXCLUSIVE lock and blocks all readers of the view.',
    fix: 'CREATE UNIQUE INDEX ON <view> (<its natural key>) right after creating the view.',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    const cat = ctx.catalog;
    if (cat) {
      for (const rel of cat.after.rels.values()) {
        if (rel.kind !== 'm') continue;
        let stmt = cat.createdBy('rel', rel.oid);
        if (stmt === undefined) {
          // An existing view whose unique index this migration dropped.
          const had = cat.before.indexesOf(rel.oid).some(servesConcurrentRefresh);
          if (!had) continue;
          stmt = ctx.statements.find((s) => s.type === 'DropStmt' && s.node.removeType === 'OBJECT_INDEX')?.index;
          if (stmt === undefined) continue;
        }
        if (cat.after.indexesOf(rel.oid).some(servesConcurrentRefresh)) continue;
        const name = cat.after.relName(rel.oid);
        hits.push({
          statement: stmt,
          message: `materialized view ${name} has no unique index; it cannot be refreshed CONCURRENTLY`,
          hint: `CREATE UNIQUE INDEX idx_${rel.name} ON ${name} (<key columns>);`,
          objects: [name],
        });
      }
      return hits;
    }
    for (const st of ctx.statements) {
      if (st.type !== 'CreateTableAsStmt' || st.node.objtype !== 'OBJECT_MATVIEW') continue;
      const rel = rangeVarName(st.node.into?.rel);
      if (!rel) continue;
      const indexed = ctx.statements.some(
        (s) =>
          s.type === 'IndexStmt' && s.node.unique && !s.node.whereClause && rangeVarName(s.node.relation)?.name === rel.name &&
          (s.node.indexParams ?? []).every((p: { IndexElem?: { name?: string } }) => p.IndexElem?.name),
      );
      if (indexed) continue;
      hits.push({
        statement: st.index,
        message: `materialized view ${rel.name} has no unique index; it cannot be refreshed CONCURRENTLY`,
        hint: `CREATE UNIQUE INDEX idx_${rel.name} ON ${rel.name} (<key columns>);`,
        objects: [rel.name],
      });
    }
    return hits;
  },
});
