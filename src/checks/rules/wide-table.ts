// wide-table: a table with too many columns (configurable; default 20).
import { defineRule, type RuleHit } from '../types.js';
import { rangeVarName } from '../ast.js';

export default defineRule({
  id: 'wide-table',
  severity: 'advisory',
  category: 'defect',
  needs: 'catalog',
  doc: {
    summary:
      'A table the migration creates with at least `wideTableColumns` columns (default 20), or an existing table the migration pushes past that threshold.',
    why: 'Wide tables of mostly-sparse counters (postgres_ai’s guidance flags 20+) bloat every row version: each counter update rewrites the whole row, and adding one more metric means another migration. A narrow (entity, date, metric, value) table grows by rows instead.',
    fix: 'Normalise: one row per metric (or a jsonb of counters), or split rarely-used columns into a side table.',
  },
  check(ctx) {
    const limit = ctx.config.wideTableColumns;
    const hits: RuleHit[] = [];
    const cat = ctx.catalog;
    if (cat) {
      for (const rel of cat.after.rels.values()) {
        if ((rel.kind !== 'r' && rel.kind !== 'p') || rel.isPartition) continue;
        const n = cat.after.columns(rel.oid).length;
        if (n < limit) continue;
        const created = cat.createdBy('rel', rel.oid);
        let stmt = created;
        if (stmt === undefined) {
          const before = cat.before.rels.has(rel.oid) ? cat.before.columns(rel.oid).length : 0;
          if (before >= limit) continue;
          // The statement that altered it last.
          stmt = [...ctx.statements].reverse().find((s) => s.type === 'AlterTableStmt' && rangeVarName(s.node.relation)?.name === rel.name)?.index;
          if (stmt === undefined) continue;
        }
        const name = cat.after.relName(rel.oid);
        hits.push({
          statement: stmt,
          message: `table ${name} has ${n} columns (threshold ${limit})${created === undefined ? ' after this migration' : ''}`,
          hint: 'Store sparse counters as rows (entity_id, date, metric, value) or split them into a side table.',
          objects: [name],
        });
      }
      return hits;
    }
    for (const st of ctx.statements) {
      if (st.type !== 'CreateStmt' || st.node.partbound) continue;
      const n = (st.node.tableElts ?? []).filter((e: { ColumnDef?: unknown }) => e.ColumnDef).length;
      if (n < limit) continue;
      const rel = rangeVarName(st.node.relation);
      hits.push({
        statement: st.index,
        message: `table ${rel?.name ?? '?'} has ${n} columns (threshold ${limit})`,
        hint: 'Store sparse counters as rows (entity_id, date, metric, value) or split them into a side table.',
        objects: rel ? [rel.name] : [],
      });
    }
    return hits;
  },
});
