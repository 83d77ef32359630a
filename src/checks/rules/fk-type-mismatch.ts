// fk-type-mismatch: a foreign key column whose type differs from the referenced column's, or a
// <name>_id column that plainly refers to table <name>s but is not of its key's type.
import { defineRule, type RuleHit } from '../types.js';
import { locateColumnOrConstraint } from '../rule-helpers.js';
import type { Snapshot } from '../catalog.js';

/** Table a `<x>_id` column name points at, if the schema has one: x, xs, xes, x -> ies. */
function impliedTable(snap: Snapshot, column: string, schema: string | undefined) {
  const m = /^(.+)_id$/.exec(column);
  if (!m) return undefined;
  const base = m[1]!;
  for (const name of [`${base}s`, base, `${base}es`, base.replace(/y$/, 'ies')]) {
    const r = snap.rel(name, schema);
    if (r && (r.kind === 'r' || r.kind === 'p')) return r;
  }
  return undefined;
}

export default defineRule({
  id: 'fk-type-mismatch',
  severity: 'advisory',
  category: 'defect',
  needs: 'catalog',
  doc: {
    summary: 'A foreign key column (or a <table>_id column that refers to a table by name) whose type differs from the referenced key’s type.',
    why: 'Mismatched types force casts in every join, can defeat index use, waste space (varchar for a uuid) and let invalid values in when there is no constraint at all.',
    fix: 'Give the referencing column exactly the referenced column’s type (ALTER COLUMN ... TYPE uuid USING col::uuid) and declare the foreign key.',
  },
  check(ctx) {
    const cat = ctx.catalog;
    if (!cat) return [];
    const hits: RuleHit[] = [];
    const reported = new Set<string>();
    for (const con of cat.after.cons.values()) {
      if (con.type !== 'f' || con.parent) continue;
      const stmt = cat.createdBy('con', con.oid);
      if (stmt === undefined) continue;
      con.keys.forEach((k, i) => {
        const a = cat.after.column(con.rel, k);
        const b = cat.after.column(con.frel, con.fkeys[i]!);
        if (!a || !b || a.type === b.type) return;
        const table = cat.after.relName(con.rel);
        const ref = cat.after.relName(con.frel);
        reported.add(`${con.rel}:${a.num}`);
        const loc = locateColumnOrConstraint(ctx.statements[stmt], { constraint: con.name, column: a.name });
        hits.push({
          statement: stmt,
          ...(loc !== undefined ? { location: loc } : {}),
          message: `foreign key ${con.name}: ${table}.${a.name} is ${a.type} but references ${ref}.${b.name} of type ${b.type}`,
          hint: `ALTER TABLE ${table} ALTER COLUMN ${a.name} TYPE ${b.type};`,
          objects: [table, `${table}.${a.name}`, `${ref}.${b.name}`],
        });
      });
    }
    // Columns the migration defines that name a table (issue_id -> issues) but do not match its key type.
    for (const ev of ctx.columnEvents()) {
      const rel = cat.after.rel(ev.table.name, ev.table.schema);
      if (!rel) continue;
      const col = cat.after.columnByName(rel.oid, ev.column);
      if (!col || reported.has(`${rel.oid}:${col.num}`)) continue;
      const target = impliedTable(cat.after, ev.column, ev.table.schema);
      if (!target || target.oid === rel.oid) continue;
      const pk = cat.after.indexesOf(target.oid).find((i) => i.primary && i.keys.length === 1);
      const key = pk ? cat.after.column(target.oid, pk.keys[0]!) : undefined;
      if (!key || key.type === col.type) continue;
      const hasFk = cat.after.constraintsOf(rel.oid).some((c) => c.type === 'f' && c.keys.includes(col.num));
      if (hasFk) continue;
      reported.add(`${rel.oid}:${col.num}`);
      const table = cat.after.relName(rel.oid);
      const ref = cat.after.relName(target.oid);
      hits.push({
        statement: ev.statement,
        ...(ev.location !== undefined ? { location: ev.location } : {}),
        message: `${table}.${ev.column} is ${col.type} but refers to ${ref}.${key.name} of type ${key.type} (no foreign key can be declared across the mismatch)`,
        hint: `Declare it as ${key.type} with REFERENCES ${ref}(${key.name}).`,
        objects: [table, `${table}.${ev.column}`, `${ref}.${key.name}`],
      });
    }
    return hits;
  },
});
