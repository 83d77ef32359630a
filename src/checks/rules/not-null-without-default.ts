// not-null-without-default: ADD COLUMN ... NOT NULL with no default on an existing table.
import { defineRule, type RuleHit } from '../types.js';
import { columnConstraints } from '../ast.js';
import { tableFacts } from '../rule-helpers.js';

export default defineRule({
  id: 'not-null-without-default',
  severity: 'advisory',
  category: 'hazard',
  needs: 'catalog',
  doc: {
    summary: 'ALTER TABLE ... ADD COLUMN ... NOT NULL without a DEFAULT on an existing table.',
    why: 'Existing rows would get NULL, so Postgres rejects the statement as soon as the table has a row (it only "works" on an empty table, i.e. in development); under an ACCESS EXCLUSIVE lock either way.',
    fix: 'Add the column nullable, backfill it in batches, add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL. Or give it a constant DEFAULT (no rewrite since Postgres 11).',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const e of ctx.columnEvents()) {
      if (e.via !== 'add' || e.newTable || !ctx.existedBefore(e.table)) continue;
      const cons = columnConstraints(e.def);
      const notNull = cons.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
      const filled = cons.some((c) => ['CONSTR_DEFAULT', 'CONSTR_IDENTITY', 'CONSTR_GENERATED'].includes(c.contype));
      const serial = /^(small|big)?serial[248]?$/.test(e.type?.name ?? '');
      if (!notNull || filled || serial) continue;
      hits.push({
        statement: e.statement,
        ...(e.location !== undefined ? { location: e.location } : {}),
        message: `ADD COLUMN ${e.table.name}.${e.column} NOT NULL without a default${tableFacts(ctx, e.statement, e.table)}: fails on any existing row`,
        hint: `ADD COLUMN ${e.column} ... NULL; backfill; ADD CONSTRAINT ... CHECK (${e.column} IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT; then SET NOT NULL.`,
        objects: [e.table.name, `${e.table.name}.${e.column}`],
      });
    }
    return hits;
  },
});
