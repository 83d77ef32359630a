// volatile-default-rewrite: ADD COLUMN with a volatile default (or serial / identity / stored
// generated column) on an existing table: a full table rewrite under an ACCESS EXCLUSIVE lock.
import { defineRule, type RuleHit } from '../types.js';
import { columnConstraints, funcName, walk, type AstNode } from '../ast.js';
import { tableFacts } from '../rule-helpers.js';

const VOLATILE = new Set([
  'random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'uuidv4', 'uuidv7',
  'clock_timestamp', 'timeofday', 'nextval', 'txid_current', 'random_normal', 'gen_random_bytes',
]);

function volatileReason(def: AstNode, typeName: string | undefined): string | undefined {
  if (typeName && /^(small|big)?serial[248]?$/.test(typeName)) return `${typeName} (a nextval() default)`;
  for (const c of columnConstraints(def)) {
    if (c.contype === 'CONSTR_IDENTITY') return 'an identity column';
    if (c.contype === 'CONSTR_GENERATED') return 'a stored generated column';
    if (c.contype === 'CONSTR_DEFAULT') {
      let fn: string | undefined;
      walk(c.raw_expr, (t, b) => {
        if (t === 'FuncCall' && !fn) {
          const name = funcName(b).pop() ?? '';
          if (VOLATILE.has(name)) fn = name;
        }
      });
      if (fn) return `volatile default ${fn}()`;
    }
  }
  return undefined;
}

export default defineRule({
  id: 'volatile-default-rewrite',
  severity: 'advisory',
  category: 'hazard',
  needs: 'catalog',
  doc: {
    summary: 'ADD COLUMN on an existing table with a volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval/serial), an identity or a stored generated column: Postgres rewrites the whole table. A constant default is fine since Postgres 11.',
    why: 'The rewrite holds an ACCESS EXCLUSIVE lock for its whole duration (no reads, no writes) and temporarily doubles the table on disk.',
    fix: 'Add the column without the default (or with a constant one), backfill in batches, then SET DEFAULT for new rows.',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    const cat = ctx.catalog;
    for (const e of ctx.columnEvents()) {
      if (e.via !== 'add' || e.newTable || !ctx.existedBefore(e.table)) continue;
      const reason = volatileReason(e.def, e.type?.name);
      if (cat) {
        const rel = cat.before.rel(e.table.name, e.table.schema);
        const effect = cat.effects[e.statement];
        if (!rel || !effect?.rewritten.includes(rel.oid)) continue;
        // A statement that also changes a column type: that is column-type-rewrite's finding.
        const st = ctx.statements[e.statement]!;
        const alsoRetypes = (st.node.cmds ?? []).some((c: AstNode) => c.AlterTableCmd?.subtype === 'AT_AlterColumnType');
        if (alsoRetypes && !reason) continue;
      } else if (!reason) continue;
      hits.push({
        statement: e.statement,
        ...(e.location !== undefined ? { location: e.location } : {}),
        message: `ADD COLUMN ${e.table.name}.${e.column} with ${reason ?? 'a non-constant default'} rewrites the whole table${tableFacts(ctx, e.statement, e.table)}`,
        hint: `ADD COLUMN ${e.column} without the default; backfill in batches; then ALTER COLUMN ${e.column} SET DEFAULT ...`,
        objects: [e.table.name, `${e.table.name}.${e.column}`],
      });
    }
    return hits;
  },
});
