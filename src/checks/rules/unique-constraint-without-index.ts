// unique-constraint-without-index: ADD CONSTRAINT ... UNIQUE / PRIMARY KEY / EXCLUDE on an existing
// table that builds its index inside the ALTER TABLE (not USING INDEX of one built CONCURRENTLY).
// Not in the scenario's planted-defect vocabulary: a migration-safety hazard like index-not-concurrent.
import { defineRule, type RuleHit } from '../types.js';
import { strings } from '../ast.js';
import { alterTableCmds, list, tableFacts } from '../rule-helpers.js';

const KINDS: Record<string, string> = { CONSTR_UNIQUE: 'UNIQUE', CONSTR_PRIMARY: 'PRIMARY KEY', CONSTR_EXCLUSION: 'EXCLUDE' };

export default defineRule({
  id: 'unique-constraint-without-index',
  severity: 'advisory',
  category: 'hazard',
  needs: 'catalog',
  doc: {
    summary: 'ALTER TABLE ... ADD CONSTRAINT ... UNIQUE / PRIMARY KEY / EXCLUDE on an existing table without USING INDEX: the index is built inside the ALTER TABLE.',
    why: 'The index build runs under the ALTER TABLE’s ACCESS EXCLUSIVE lock: no reads or writes on the table until it finishes, minutes on a large table.',
    fix: 'CREATE UNIQUE INDEX CONCURRENTLY <name> ON <table> (<columns>); then ALTER TABLE <table> ADD CONSTRAINT <name> UNIQUE USING INDEX <name>; (PRIMARY KEY USING INDEX likewise).',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const { statement: st, table, cmd } of alterTableCmds(ctx)) {
      const con = cmd.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
      const kind = con ? KINDS[con.contype] : undefined;
      if (!con || !kind || con.indexname) continue;
      if (!ctx.existedBefore(table) || (ctx.createdAt(table.name) ?? Infinity) < st.index) continue;
      const name = con.conname ?? `${table.name}_${kind === 'PRIMARY KEY' ? 'pkey' : 'key'}`;
      const cols = strings(con.keys);
      hits.push({
        statement: st.index,
        ...(typeof con.location === 'number' ? { location: con.location } : {}),
        message: `ADD CONSTRAINT ${name} ${kind} ${list(cols)} on existing table ${table.name} builds its index under the ALTER TABLE lock${tableFacts(ctx, st.index, table)}`,
        hint: `CREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${table.name} ${list(cols)}; then ALTER TABLE ${table.name} ADD CONSTRAINT ${name} ${kind} USING INDEX ${name};`,
        objects: [table.name, name],
      });
    }
    return hits;
  },
});
