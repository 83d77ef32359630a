// column-type-rewrite: ALTER COLUMN ... TYPE that rewrites an existing table (relfilenode changed).
import { defineRule, type RuleHit } from '../types.js';
import { formatType, typeInfo } from '../ast.js';
import { alterTableCmds, tableFacts } from '../rule-helpers.js';

/** Without a catalog: type changes that are usually binary-compatible (no rewrite). */
const USUALLY_NO_REWRITE = new Set(['text', 'varchar']);

export default defineRule({
  id: 'column-type-rewrite',
  severity: 'advisory',
  category: 'hazard',
  needs: 'catalog',
  doc: {
    summary: 'ALTER COLUMN ... TYPE on an existing table that rewrites the table (seen as a relfilenode change in the check transaction; without a database: any type change with USING or to a non-text type).',
    why: 'The rewrite, and the rebuild of every index on the table, run under an ACCESS EXCLUSIVE lock: the table is unreadable and unwritable until it finishes.',
    fix: 'Add a new column of the new type, backfill it in batches (dual-write from the application), then swap names in a short transaction; or accept a maintenance window for small tables.',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    const cat = ctx.catalog;
    for (const { statement: st, table, cmd } of alterTableCmds(ctx)) {
      if (cmd.subtype !== 'AT_AlterColumnType' || !ctx.existedBefore(table)) continue;
      if (ctx.createdAt(table.name) !== undefined && ctx.createdAt(table.name)! < st.index) continue;
      const def = cmd.def?.ColumnDef;
      const t = def ? typeInfo(def.typeName) : undefined;
      const newType = formatType(t);
      const loc: number | undefined = typeof def?.location === 'number' && def.location >= 0 ? def.location : undefined;
      if (cat) {
        const rel = cat.before.rel(table.name, table.schema);
        if (!rel || !cat.effects[st.index]?.rewritten.includes(rel.oid)) continue;
        const old = cat.before.columnByName(rel.oid, cmd.name)?.type;
        hits.push({
          statement: st.index,
          ...(loc !== undefined ? { location: loc } : {}),
          message: `ALTER COLUMN ${table.name}.${cmd.name} TYPE ${newType}${old ? ` (from ${old})` : ''} rewrites the table and its indexes${tableFacts(ctx, st.index, table)}`,
          hint: 'Add a new column, backfill in batches, switch reads and writes, then drop the old column.',
          objects: [table.name, `${table.name}.${cmd.name}`],
        });
      } else {
        if (!def?.raw_default && t && USUALLY_NO_REWRITE.has(t.name)) continue;
        hits.push({
          statement: st.index,
          ...(loc !== undefined ? { location: loc } : {}),
          message: `ALTER COLUMN ${table.name}.${cmd.name} TYPE ${newType} may rewrite the table and its indexes under an ACCESS EXCLUSIVE lock`,
          hint: 'Add a new column, backfill in batches, switch reads and writes, then drop the old column.',
          objects: [table.name, `${table.name}.${cmd.name}`],
        });
      }
    }
    return hits;
  },
});

