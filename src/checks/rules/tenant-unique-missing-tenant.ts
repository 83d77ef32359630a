// tenant-unique-missing-tenant: a UNIQUE constraint or unique index on a tenant-scoped table that
// leaves out the tenant column, so one tenant's value blocks another's.
import { defineRule, type RuleHit } from '../types.js';
import { list, sameRel, staticIndexes } from '../rule-helpers.js';

const TENANT_COLUMNS = ['organization_id', 'company_id', 'tenant_id', 'workspace_id'];

export default defineRule({
  id: 'tenant-unique-missing-tenant',
  severity: 'advisory',
  category: 'defect',
  needs: 'catalog',
  doc: {
    summary: 'A UNIQUE constraint or unique index (primary key excluded) on a tenant-scoped table (not a materialized view) (one with organization_id / company_id / tenant_id) that does not include the tenant column.',
    why: 'Uniqueness then holds across all tenants: one customer taking a name, slug or email blocks every other customer from using it, and the error leaks that the value exists elsewhere. Keys that are globally unique by construction (uuids) are exempt.',
    fix: 'Lead the key with the tenant column: UNIQUE (organization_id, <columns>).',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    const cat = ctx.catalog;
    if (cat) {
      for (const idx of cat.after.indexes.values()) {
        if (!idx.unique || idx.primary) continue;
        const stmt = cat.createdBy('rel', idx.oid);
        if (stmt === undefined) continue;
        const rel = cat.after.rels.get(idx.rel);
        // Tables only: a materialized view's unique index serves REFRESH CONCURRENTLY, not a business rule.
        if (!rel || rel.isPartition || (rel.kind !== 'r' && rel.kind !== 'p')) continue;
        const cols = cat.after.columns(rel.oid);
        const tenant = cols.find((c) => TENANT_COLUMNS.includes(c.name));
        if (!tenant) continue;
        const keys = idx.keys.slice(0, idx.nkeys);
        if (keys.includes(tenant.num) || (idx.exprs ?? '').includes(tenant.name)) continue;
        if (keys.some((k) => cat.after.column(rel.oid, k)?.typname === 'uuid')) continue;
        const table = cat.after.relName(rel.oid);
        const names = cat.after.columnNames(rel.oid, keys);
        const what = idx.constraint ? `unique constraint ${idx.constraint}` : `unique index ${idx.name}`;
        hits.push({
          statement: stmt,
          message: `${what} on ${table} ${list(names)} does not include the tenant column ${tenant.name}: values are unique across all tenants`,
          hint: `Make it UNIQUE (${[tenant.name, ...names].join(', ')}).`,
          objects: [table, idx.constraint ?? idx.name, `${table}.${tenant.name}`],
        });
      }
      return hits;
    }
    // No catalog: tables the migration creates, with the column types it declares.
    const newColumns = new Map<string, ReturnType<typeof ctx.columnEvents>>();
    for (const e of ctx.columnEvents()) if (e.newTable) newColumns.set(e.table.name, [...(newColumns.get(e.table.name) ?? []), e]);
    for (const idx of staticIndexes(ctx)) {
      if (!idx.unique || idx.primary || !idx.columns) continue;
      const cols = (newColumns.get(idx.table.name) ?? []).filter((e) => sameRel(e.table, idx.table));
      const tenant = cols.find((c) => TENANT_COLUMNS.includes(c.column));
      if (!tenant || idx.columns.includes(tenant.column)) continue;
      if (idx.columns.some((c) => cols.find((e) => e.column === c)?.type?.name === 'uuid')) continue;
      hits.push({
        statement: idx.statement,
        ...(idx.location !== undefined ? { location: idx.location } : {}),
        message: `unique key${idx.name ? ` ${idx.name}` : ''} on ${idx.table.name} ${list(idx.columns)} does not include the tenant column ${tenant.column}: values are unique across all tenants`,
        hint: `Make it UNIQUE (${[tenant.column, ...idx.columns].join(', ')}).`,
        objects: [idx.table.name, `${idx.table.name}.${tenant.column}`],
      });
    }
    return hits;
  },
});
