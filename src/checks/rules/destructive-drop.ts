// destructive-drop: DROP TABLE / DROP COLUMN / dropping a partition without detaching it first.
import { defineRule, type RuleHit } from '../types.js';
import { relFromList } from '../ast.js';
import { alterTableCmds, tableFacts } from '../rule-helpers.js';

export default defineRule({
  id: 'destructive-drop',
  severity: 'advisory',
  category: 'hazard',
  needs: 'catalog',
  doc: {
    summary: 'DROP TABLE, ALTER TABLE ... DROP COLUMN, or dropping a partition without detaching it first. DROP TABLE IF EXISTS of a table that is not there is still reported: the intent is destructive.',
    why: 'The data is gone for good, and application code still reading the table or column breaks at once. A partition dropped in place also takes an ACCESS EXCLUSIVE lock on the parent.',
    fix: 'Deprecate first: stop reading and writing, keep a backup or archive (DETACH PARTITION [CONCURRENTLY], dump it), then drop in a later migration.',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    const cat = ctx.catalog;
    for (const st of ctx.statements) {
      if (st.type !== 'DropStmt' || st.node.removeType !== 'OBJECT_TABLE') continue;
      for (const obj of st.node.objects ?? []) {
        const rel = relFromList(obj);
        if (!rel) continue;
        let what = `DROP TABLE ${rel.name} destroys the table and its data`;
        let hint = 'Rename or archive it first and drop it in a later migration, once nothing reads it.';
        if (cat) {
          const info = cat.before.rel(rel.name, rel.schema);
          if (!info) what = `DROP TABLE${st.node.missing_ok ? ' IF EXISTS' : ''} ${rel.name}: the table does not exist here, but the intent is destructive`;
          else if (info.isPartition && info.parent) {
            const parent = cat.before.relName(info.parent);
            what = `DROP TABLE ${rel.name} drops a partition of ${parent} without detaching it first`;
            hint = `ALTER TABLE ${parent} DETACH PARTITION ${rel.name} CONCURRENTLY; archive it; drop it in a later migration.`;
          }
        }
        hits.push({ statement: st.index, message: `${what}${tableFacts(ctx, st.index, rel)}`, hint, objects: [rel.name] });
      }
    }
    for (const { statement: st, table, cmd } of alterTableCmds(ctx)) {
      if (cmd.subtype !== 'AT_DropColumn') continue;
      hits.push({
        statement: st.index,
        message: `DROP COLUMN ${table.name}.${cmd.name} destroys the column's data${tableFacts(ctx, st.index, table)}`,
        hint: 'Stop using the column first (one release), keep a copy if it matters, then drop it.',
        objects: [table.name, `${table.name}.${cmd.name}`],
      });
    }
    return hits;
  },
});
