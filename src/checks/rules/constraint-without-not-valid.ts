// constraint-without-not-valid: a FOREIGN KEY or CHECK constraint added to an existing table
// without NOT VALID (validated in the same lock as it is added).
import { defineRule, type RuleHit } from '../types.js';
import { rangeVarName } from '../ast.js';
import { alterTableCmds, tableFacts } from '../rule-helpers.js';

export default defineRule({
  id: 'constraint-without-not-valid',
  severity: 'advisory',
  category: 'hazard',
  needs: 'catalog',
  doc: {
    summary: 'ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY or CHECK on an existing table without NOT VALID.',
    why: 'Adding the constraint scans the whole table to validate it while holding a lock that blocks writes (SHARE ROW EXCLUSIVE for a foreign key, on both tables; ACCESS EXCLUSIVE for a CHECK).',
    fix: 'ADD CONSTRAINT ... NOT VALID (instant), then ALTER TABLE ... VALIDATE CONSTRAINT ... in a later statement or migration: validation takes only a SHARE UPDATE EXCLUSIVE lock.',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const { statement: st, table, cmd } of alterTableCmds(ctx)) {
      const con = cmd.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
      if (!con || (con.contype !== 'CONSTR_FOREIGN' && con.contype !== 'CONSTR_CHECK') || con.skip_validation) continue;
      if (!ctx.existedBefore(table) || (ctx.createdAt(table.name) ?? Infinity) < st.index) continue;
      const kind = con.contype === 'CONSTR_FOREIGN' ? 'FOREIGN KEY' : 'CHECK';
      const name = con.conname ?? `(unnamed ${kind.toLowerCase()})`;
      const ref = con.contype === 'CONSTR_FOREIGN' ? rangeVarName(con.pktable) : undefined;
      const lock = ctx.catalog?.lockText(st.index);
      const rows = tableFacts(ctx, st.index, table).replace(/; takes .*\)$/, ')');
      hits.push({
        statement: st.index,
        ...(typeof con.location === 'number' ? { location: con.location } : {}),
        message: `ADD CONSTRAINT ${name} ${kind} on existing table ${table.name}${ref ? ` -> ${ref.name}` : ''} without NOT VALID validates every row${rows}${lock ? ` while holding ${lock}` : ' under a lock that blocks writes'}`,
        hint: `ALTER TABLE ${table.name} ADD CONSTRAINT ${name} ... NOT VALID; then ALTER TABLE ${table.name} VALIDATE CONSTRAINT ${name};`,
        objects: [table.name, name, ...(ref ? [ref.name] : [])],
      });
    }
    return hits;
  },
});
