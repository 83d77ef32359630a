// index-not-concurrent: CREATE INDEX without CONCURRENTLY on a table that existed before the
// migration (never on a table the same migration created).
import { defineRule, type RuleHit } from '../types.js';
import { rangeVarName } from '../ast.js';
import { tableFacts } from '../rule-helpers.js';

export default defineRule({
  id: 'index-not-concurrent',
  severity: 'advisory',
  category: 'hazard',
  needs: 'catalog',
  doc: {
    summary: 'CREATE INDEX without CONCURRENTLY on a table that already existed.',
    why: 'A plain CREATE INDEX holds a SHARE lock on the table for the whole build: every INSERT, UPDATE and DELETE waits, for minutes on a large table.',
    fix: 'CREATE INDEX CONCURRENTLY (outside a transaction block; the apply stage runs it on its own). For a partitioned table: CREATE INDEX ON ONLY the parent, CONCURRENTLY on each partition, then ALTER INDEX ... ATTACH PARTITION.',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const st of ctx.statements) {
      if (st.type !== 'IndexStmt' || st.node.concurrent) continue;
      const rel = rangeVarName(st.node.relation);
      if (!rel || st.node.relation?.inh === false) continue; // ON ONLY parent: builds nothing
      if (!ctx.existedBefore(rel)) continue;
      const partitioned = ctx.catalog?.before.rel(rel.name, rel.schema)?.kind === 'p';
      const name = st.node.idxname ?? '(unnamed)';
      hits.push({
        statement: st.index,
        message: `CREATE INDEX ${name} on existing table ${rel.name} without CONCURRENTLY${tableFacts(ctx, st.index, rel)}: writes wait for the whole build`,
        hint: partitioned
          ? `CREATE INDEX ${name} ON ONLY ${rel.name} (...); then CREATE INDEX CONCURRENTLY on each partition and ALTER INDEX ${name} ATTACH PARTITION ...`
          : `${st.text.replace(/^(CREATE\s+(UNIQUE\s+)?INDEX)\s+/i, '$1 CONCURRENTLY ').replace(/\s+/g, ' ')};`,
        objects: [rel.name, name],
      });
    }
    return hits;
  },
});
