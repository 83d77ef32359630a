// redundant-index: postgres_ai H004. A non-unique index whose key columns and operator classes are
// a leading prefix of another index on the same table (unique ones and the primary key included),
// with the same access method, identical expressions and identical predicate.
import { defineRule, type RuleHit } from '../types.js';
import type { IndexInfo } from '../catalog.js';
import { list, sameRel, staticIndexes } from '../rule-helpers.js';

function isPrefix(a: IndexInfo, b: IndexInfo): boolean {
  if (a.keys.length > b.keys.length) return false;
  return a.keys.every((k, i) => b.keys[i] === k && a.opclasses[i] === b.opclasses[i]);
}

function label(i: { name: string; unique: boolean; primary: boolean; constraint: string | null }): string {
  if (i.constraint) return `${i.constraint} (${i.primary ? 'primary key' : 'unique constraint'})`;
  return i.unique ? `${i.name} (unique)` : i.name;
}

export default defineRule({
  id: 'redundant-index',
  severity: 'advisory',
  category: 'defect',
  needs: 'catalog',
  doc: {
    summary: 'An index made redundant by another index on the same table (postgres_ai H004): its columns and operator classes are a leading prefix of the other’s, same access method, same expressions and predicate.',
    why: 'The covering index already serves every query the redundant one can; the redundant one costs disk, cache and write amplification on every INSERT/UPDATE.',
    fix: 'Drop the redundant index (DROP INDEX CONCURRENTLY), or do not create it. Unique indexes and primary keys are never reported as redundant: they enforce a constraint.',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    const cat = ctx.catalog;
    if (cat) {
      const byTable = new Map<number, IndexInfo[]>();
      for (const i of cat.after.indexes.values()) {
        if (!i.valid) continue;
        byTable.set(i.rel, [...(byTable.get(i.rel) ?? []), i]);
      }
      for (const [rel, idx] of byTable) {
        for (const a of idx) {
          if (a.unique || a.primary) continue;
          const aNew = cat.createdBy('rel', a.oid);
          const covering = idx.filter((b) => {
            if (b.oid === a.oid || b.am !== a.am || b.exprs !== a.exprs || b.pred !== a.pred) return false;
            if (!isPrefix(a, b)) return false;
            // Two identical non-unique indexes: the later one is the redundant one.
            if (!b.unique && a.keys.length === b.keys.length) {
              const bNew = cat.createdBy('rel', b.oid);
              const aOrder = aNew ?? -1;
              const bOrder = bNew ?? -1;
              return aOrder > bOrder || (aOrder === bOrder && a.oid > b.oid);
            }
            return true;
          });
          if (!covering.length) continue;
          // Report only what this migration caused: a new redundant index, or an old one a new index covers.
          const culprit = aNew ?? covering.map((b) => cat.createdBy('rel', b.oid)).find((s) => s !== undefined);
          if (culprit === undefined) continue;
          covering.sort((x, y) => Number(y.unique) - Number(x.unique) || x.keys.length - y.keys.length);
          const best = covering[0]!;
          const table = cat.after.relName(rel);
          const cols = cat.after.columnNames(rel, a.keys);
          hits.push({
            statement: culprit,
            ...(aNew !== undefined && ctx.statements[aNew]?.type === 'IndexStmt' ? { location: ctx.statements[aNew]!.start } : {}),
            message: `index ${a.name} on ${table} ${list(cols)} is redundant: ${a.keys.length === best.keys.length ? 'it duplicates' : 'its columns are a leading prefix of'} ${label(best)} ${list(cat.after.columnNames(rel, best.keys))}`,
            hint: `DROP INDEX CONCURRENTLY ${a.name};  -- ${label(best)} already serves these lookups`,
            objects: [table, a.name, best.constraint ?? best.name],
          });
        }
      }
      return hits;
    }
    // No catalog: indexes the migration defines, compared among themselves (plain columns, default opclasses).
    const byTable = new Map<string, ReturnType<typeof staticIndexes>>();
    for (const d of staticIndexes(ctx)) byTable.set(d.table.name, [...(byTable.get(d.table.name) ?? []), d]);
    for (const a of [...byTable.values()].flat()) {
      if (a.unique || a.primary || a.partial || !a.columns || !a.name) continue;
      const b = byTable.get(a.table.name)!.find(
        (x) =>
          x !== a && sameRel(x.table, a.table) && x.am === a.am && !x.partial && x.columns &&
          a.columns!.length <= x.columns.length && a.columns!.every((c, i) => x.columns![i] === c) &&
          (x.unique || a.columns!.length < x.columns.length || x.statement < a.statement),
      );
      if (!b) continue;
      hits.push({
        statement: a.statement,
        ...(a.location !== undefined ? { location: a.location } : {}),
        message: `index ${a.name} on ${a.table.name} ${list(a.columns)} is redundant: its columns are a leading prefix of ${b.name ?? (b.primary ? 'the primary key' : 'a unique constraint')} ${list(b.columns!)}`,
        hint: `Do not create ${a.name}; ${b.name ?? 'the existing index'} already serves these lookups.`,
        objects: [a.table.name, a.name, ...(b.name ? [b.name] : [])],
      });
    }
    return hits;
  },
});
