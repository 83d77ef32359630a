// set-not-null-scan: SET NOT NULL on an existing column with no validated CHECK (col IS NOT NULL)
// to prove it, so Postgres scans the whole table under an ACCESS EXCLUSIVE lock.
import { defineRule, type RuleContext, type RuleHit } from '../types.js';
import { columnRefs, type AstNode } from '../ast.js';
import { alterTableCmds, tableFacts, type AlterCmd } from '../rule-helpers.js';

function isNotNullCheck(expr: AstNode, column: string): boolean {
  const nt = expr?.NullTest;
  return Boolean(nt && nt.nulltesttype === 'IS_NOT_NULL' && columnRefs(nt.arg)[0] === column);
}

/** A validated CHECK (col IS NOT NULL) before this command: in the catalog, or added earlier in the migration. */
function proven(ctx: RuleContext, a: AlterCmd, cmds: AlterCmd[]): boolean {
  const column: string = a.cmd.name;
  const cat = ctx.catalog;
  if (cat) {
    const rel = cat.before.rel(a.table.name, a.table.schema);
    const re = new RegExp(`^CHECK \\(\\(?"?${column}"? IS NOT NULL\\)?\\)$`, 'i');
    if (rel && cat.before.constraintsOf(rel.oid).some((c) => c.type === 'c' && c.validated && re.test(c.def))) return true;
  }
  const earlier = cmds.filter((c) => c.table.name === a.table.name && c.statement.index <= a.statement.index && c !== a);
  for (const c of earlier) {
    const con = c.cmd.subtype === 'AT_AddConstraint' ? c.cmd.def?.Constraint : undefined;
    if (con?.contype !== 'CONSTR_CHECK' || !isNotNullCheck(con.raw_expr, column)) continue;
    if (!con.skip_validation) return true;
    if (earlier.some((v) => v.cmd.subtype === 'AT_ValidateConstraint' && v.cmd.name === con.conname)) return true;
  }
  return false;
}

export default defineRule({
  id: 'set-not-null-scan',
  severity: 'advisory',
  category: 'hazard',
  needs: 'catalog',
  doc: {
    summary: 'ALTER COLUMN ... SET NOT NULL on an existing table without a validated CHECK (col IS NOT NULL) that proves it.',
    why: 'Postgres must scan every row to check for NULLs, holding an ACCESS EXCLUSIVE lock (no reads or writes) for the whole scan. With a validated CHECK it skips the scan.',
    fix: 'ADD CONSTRAINT <t>_<col>_not_null CHECK (<col> IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT (weak lock); SET NOT NULL (no scan); then drop the CHECK.',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    const cmds = alterTableCmds(ctx);
    for (const a of cmds) {
      if (a.cmd.subtype !== 'AT_SetNotNull' || !ctx.existedBefore(a.table)) continue;
      if ((ctx.createdAt(a.table.name) ?? Infinity) < a.statement.index) continue;
      // A column added by this migration is scanned too, but it is the ADD COLUMN's problem.
      const addedHere = cmds.some((c) => c.table.name === a.table.name && c.cmd.subtype === 'AT_AddColumn' && c.cmd.def?.ColumnDef?.colname === a.cmd.name);
      if (addedHere || proven(ctx, a, cmds)) continue;
      hits.push({
        statement: a.statement.index,
        message: `SET NOT NULL on ${a.table.name}.${a.cmd.name} scans the whole table${tableFacts(ctx, a.statement.index, a.table)}: no validated CHECK (${a.cmd.name} IS NOT NULL) proves it`,
        hint: `ALTER TABLE ${a.table.name} ADD CONSTRAINT ${a.table.name}_${a.cmd.name}_not_null CHECK (${a.cmd.name} IS NOT NULL) NOT VALID; VALIDATE it; then SET NOT NULL and drop the check.`,
        objects: [a.table.name, `${a.table.name}.${a.cmd.name}`],
      });
    }
    return hits;
  },
});
