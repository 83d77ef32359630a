// partition-missing-default: a range/list partitioned table the migration created or touched is
// left without a DEFAULT partition.
import { defineRule, type RuleHit } from '../types.js';
import { rangeVarName, walkObjects } from '../ast.js';

export default defineRule({
  id: 'partition-missing-default',
  severity: 'advisory',
  category: 'defect',
  needs: 'catalog',
  doc: {
    summary: 'A RANGE or LIST partitioned table created or changed by the migration has no DEFAULT partition at the end of it.',
    why: 'A row whose key falls outside every partition is rejected: inserts start failing the day the last monthly partition runs out.',
    fix: 'CREATE TABLE <table>_default PARTITION OF <table> DEFAULT; and create future partitions ahead of time (a scheduled job).',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    const cat = ctx.catalog;
    if (cat) {
      // Partitioned tables the migration changes: ALTER TABLE on them, CREATE TABLE ... PARTITION OF them.
      const touched = new Map<string, number>();
      const touch = (name: string | undefined, index: number) => {
        if (name && !touched.has(name)) touched.set(name, index);
      };
      for (const st of ctx.statements) {
        if (st.type === 'AlterTableStmt') touch(rangeVarName(st.node.relation)?.name, st.index);
        if (st.type === 'CreateStmt') for (const r of st.node.inhRelations ?? []) touch(rangeVarName(r.RangeVar)?.name, st.index);
      }
      // A statement that removed a DEFAULT partition (DROP TABLE / DETACH of it).
      const droppedDefault = (parent: number): number | undefined => {
        const was = cat.before.rels.get(parent)?.partDefault;
        const name = was ? cat.before.rels.get(was)?.name : undefined;
        if (!name) return undefined;
        return ctx.statements.find((s) => {
          let hit = false;
          walkObjects(s.node, (o) => {
            if (o.relname === name || o.String?.sval === name) hit = true;
          });
          return hit;
        })?.index;
      };
      for (const rel of cat.after.rels.values()) {
        if (rel.kind !== 'p' || rel.partStrategy === 'h' || rel.partDefault) continue;
        const stmt = cat.createdBy('rel', rel.oid) ?? touched.get(rel.name) ?? droppedDefault(rel.oid);
        if (stmt === undefined) continue;
        const name = cat.after.relName(rel.oid);
        hits.push({
          statement: stmt,
          message: `partitioned table ${name} has no DEFAULT partition; rows outside the defined ranges will be rejected`,
          hint: `CREATE TABLE ${rel.name}_default PARTITION OF ${name} DEFAULT;`,
          objects: [name],
        });
      }
      return hits;
    }
    for (const st of ctx.statements) {
      if (st.type !== 'CreateStmt' || !st.node.partspec) continue;
      const strategy = String(st.node.partspec.strategy ?? '');
      if (strategy.endsWith('HASH')) continue;
      const rel = rangeVarName(st.node.relation);
      if (!rel) continue;
      const hasDefault = ctx.statements.some(
        (s) =>
          (s.type === 'CreateStmt' && s.node.partbound?.is_default && (s.node.inhRelations ?? []).some((r: { RangeVar?: { relname?: string } }) => r.RangeVar?.relname === rel.name)) ||
          (s.type === 'AlterTableStmt' && rangeVarName(s.node.relation)?.name === rel.name &&
            (s.node.cmds ?? []).some((c: { AlterTableCmd?: { subtype?: string; def?: { PartitionCmd?: { bound?: { is_default?: boolean } } } } }) =>
              c.AlterTableCmd?.subtype === 'AT_AttachPartition' && c.AlterTableCmd.def?.PartitionCmd?.bound?.is_default)),
      );
      if (hasDefault) continue;
      hits.push({
        statement: st.index,
        message: `partitioned table ${rel.name} has no DEFAULT partition; rows outside the defined ranges will be rejected`,
        hint: `CREATE TABLE ${rel.name}_default PARTITION OF ${rel.name} DEFAULT;`,
        objects: [rel.name],
      });
    }
    return hits;
  },
});
