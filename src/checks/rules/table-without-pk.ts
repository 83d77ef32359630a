// table-without-pk: a table the migration creates with no primary key (a partition inherits its
// parent's key and is not a finding).
import { defineRule, type RuleHit } from '../types.js';
import { rangeVarName } from '../ast.js';
import { staticIndexes } from '../rule-helpers.js';

export default defineRule({
  id: 'table-without-pk',
  severity: 'advisory',
  category: 'defect',
  needs: 'catalog',
  doc: {
    summary: 'A table created by the migration has no primary key.',
    why: 'Without a key rows cannot be addressed reliably: duplicates creep in, logical replication cannot UPDATE/DELETE, and ORMs and tooling misbehave.',
    fix: 'Add a PRIMARY KEY (a uuid or bigint identity id column, or the natural composite key).',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    const cat = ctx.catalog;
    if (cat) {
      for (const rel of cat.after.rels.values()) {
        if ((rel.kind !== 'r' && rel.kind !== 'p') || rel.isPartition) continue;
        const stmt = cat.createdBy('rel', rel.oid);
        if (stmt === undefined) continue;
        if (cat.after.indexesOf(rel.oid).some((i) => i.primary)) continue;
        const name = cat.after.relName(rel.oid);
        hits.push({ statement: stmt, message: `table ${name} has no primary key`, hint: `ALTER TABLE ${name} ADD PRIMARY KEY (id);`, objects: [name] });
      }
      return hits;
    }
    const pks = new Set(staticIndexes(ctx).filter((i) => i.primary).map((i) => i.table.name));
    for (const st of ctx.statements) {
      let rel;
      if (st.type === 'CreateStmt') {
        if (st.node.partbound || st.node.relation?.relpersistence === 't') continue;
        // CREATE TABLE (LIKE ...) may copy a key: cannot tell without a catalog.
        if ((st.node.tableElts ?? []).some((e: { TableLikeClause?: unknown }) => e.TableLikeClause)) continue;
        rel = rangeVarName(st.node.relation);
      } else if (st.type === 'CreateTableAsStmt' && st.node.objtype !== 'OBJECT_MATVIEW') rel = rangeVarName(st.node.into?.rel);
      if (!rel) continue;
      if (pks.has(rel.name)) continue;
      hits.push({ statement: st.index, message: `table ${rel.name} has no primary key`, hint: `Add PRIMARY KEY to ${rel.name}.`, objects: [rel.name] });
    }
    return hits;
  },
});
