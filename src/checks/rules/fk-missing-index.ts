// fk-missing-index: a foreign key the migration creates whose columns are not the leading
// columns, in order, of a valid non-partial index on the referencing table.
import { defineRule, type RuleHit } from '../types.js';
import { indexName, list, locateColumnOrConstraint, sameRel, staticForeignKeys, staticIndexes } from '../rule-helpers.js';

export default defineRule({
  id: 'fk-missing-index',
  severity: 'advisory',
  category: 'defect',
  needs: 'catalog',
  doc: {
    summary: 'A foreign key created by the migration has no index whose leading columns are the key’s columns.',
    why: 'Every DELETE or key UPDATE on the referenced table scans the referencing table to enforce the key, and joins along the key cannot use an index: slow cascades and lock pile-ups as the table grows.',
    fix: 'Create an index on the referencing columns, in key order (CREATE INDEX CONCURRENTLY idx_<table>_<col> ON <table> (<col>)), or make them the leading columns of an existing index.',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    const cat = ctx.catalog;
    if (cat) {
      for (const con of cat.after.cons.values()) {
        if (con.type !== 'f' || con.parent) continue;
        const stmt = cat.createdBy('con', con.oid);
        if (stmt === undefined) continue;
        const covered = cat.after.indexesOf(con.rel).some(
          (i) => i.valid && !i.pred && con.keys.every((k, n) => i.keys[n] === k && n < i.nkeys),
        );
        if (covered) continue;
        const table = cat.after.relName(con.rel);
        const cols = cat.after.columnNames(con.rel, con.keys);
        const ref = `${cat.after.relName(con.frel)} ${list(cat.after.columnNames(con.frel, con.fkeys))}`;
        const hit: RuleHit = {
          statement: stmt,
          message: `foreign key ${con.name} on ${table} ${list(cols)} -> ${ref} has no index with leading column${cols.length > 1 ? 's' : ''} ${list(cols)}`,
          hint: `CREATE INDEX CONCURRENTLY ${indexName(cat.after.rels.get(con.rel)?.name ?? table, cols)} ON ${table} ${list(cols)};`,
          objects: [table, con.name, ...cols.map((c) => `${table}.${c}`)],
        };
        const loc = locateColumnOrConstraint(ctx.statements[stmt], { constraint: con.name, contype: 'CONSTR_FOREIGN', column: cols[0] });
        if (loc !== undefined) hit.location = loc;
        hits.push(hit);
      }
      return hits;
    }
    // No catalog: only what the migration itself shows (an index it creates, or a PK/UNIQUE it declares).
    const byTable = new Map<string, ReturnType<typeof staticIndexes>>();
    for (const i of staticIndexes(ctx)) byTable.set(i.table.name, [...(byTable.get(i.table.name) ?? []), i]);
    for (const fk of staticForeignKeys(ctx)) {
      const covered = (byTable.get(fk.table.name) ?? []).some(
        (i) => sameRel(i.table, fk.table) && !i.partial && i.columns && fk.columns.every((c, n) => i.columns![n] === c),
      );
      if (covered) continue;
      const table = fk.table.name;
      const hit: RuleHit = {
        statement: fk.statement,
        message: `foreign key ${fk.name ? `${fk.name} ` : ''}on ${table} ${list(fk.columns)} -> ${fk.refTable?.name ?? '?'} has no index created with leading column${fk.columns.length > 1 ? 's' : ''} ${list(fk.columns)} in this migration`,
        hint: `CREATE INDEX CONCURRENTLY ${indexName(table, fk.columns)} ON ${table} ${list(fk.columns)};`,
        objects: [table, ...fk.columns.map((c) => `${table}.${c}`)],
      };
      if (fk.location !== undefined) hit.location = fk.location;
      // Without a catalog, existing columns of an existing table may already be indexed: skip those.
      if (fk.via === 'add-constraint' && ctx.existedBefore(fk.table)) continue;
      hits.push(hit);
    }
    return hits;
  },
});
