// A compact, deterministic description of the scenario schema as it is now, read from the catalog
// (not from memory of what was applied), for persona and reviewer prompts.
import type pg from 'pg';
import { quoteIdent } from './sandbox.js';

/** Rounded: the prompt needs the order of magnitude, not the exact count. */
function approxRows(n: number): string {
  if (n < 1000) return n === 0 ? 'empty' : 'under 1k rows';
  return `~${Math.round(n / 1000)}k rows`;
}

export async function schemaSummary(client: pg.Client, schema: string): Promise<string> {
  const enums = await client.query<{ name: string; labels: string[] }>(
    `select t.typname::text as name, array_agg(e.enumlabel::text order by e.enumsortorder) as labels
       from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace
      where n.nspname = $1 group by t.typname order by t.typname`,
    [schema],
  );
  const rels = await client.query<{ oid: number; name: string; kind: string; partitioned_by: string | null; parent: string | null }>(
    `select c.oid, c.relname as name, c.relkind as kind,
            case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partitioned_by,
            (select p.relname from pg_inherits i join pg_class p on p.oid = i.inhparent where i.inhrelid = c.oid) as parent
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('r','p','v','m') order by c.relname`,
    [schema],
  );
  // Exact (capped) row counts, not reltuples: an estimate changes whenever autovacuum happens to
  // analyse a table, and the summary goes into prompts that recorded runs must replay byte for byte.
  const countable = rels.rows.filter((r) => (r.kind === 'r' || r.kind === 'm') && !r.parent);
  const counts = new Map<number, number>();
  if (countable.length) {
    const { rows } = await client.query<{ oid: number; n: string }>(
      countable
        .map(
          (r) =>
            `SELECT ${Number(r.oid)}::int8 AS oid, CASE WHEN (SELECT relispopulated FROM pg_class WHERE oid = ${Number(r.oid)}) ` +
            `THEN (SELECT count(*) FROM (SELECT 1 FROM ${quoteIdent(schema)}.${quoteIdent(r.name)} LIMIT 1000000) s) ELSE 0 END AS n`,
        )
        .join(' UNION ALL '),
    );
    for (const r of rows) counts.set(Number(r.oid), Number(r.n));
  }
  const cols = await client.query<{ rel: number; name: string; type: string; notnull: boolean; def: string | null }>(
    `select a.attrelid as rel, a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as notnull,
            pg_get_expr(d.adbin, d.adrelid) as def
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
       left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where n.nspname = $1 and a.attnum > 0 and not a.attisdropped order by a.attrelid, a.attnum`,
    [schema],
  );
  const cons = await client.query<{ rel: number; def: string; name: string }>(
    `select con.conrelid as rel, con.conname as name, pg_get_constraintdef(con.oid) as def
       from pg_constraint con join pg_namespace n on n.oid = con.connamespace
      where n.nspname = $1 and con.contype in ('p','f','u','c') and con.conrelid <> 0 order by con.conrelid, con.conname`,
    [schema],
  );
  const idx = await client.query<{ rel: number; name: string; def: string }>(
    `select i.indrelid as rel, ic.relname as name, pg_get_indexdef(i.indexrelid) as def
       from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_namespace n on n.oid = ic.relnamespace
      where n.nspname = $1 order by i.indrelid, ic.relname`,
    [schema],
  );
  const byRel = <T extends { rel: number }>(rows: T[]) => {
    const m = new Map<number, T[]>();
    for (const r of rows) m.set(r.rel, [...(m.get(r.rel) ?? []), r]);
    return m;
  };
  const colsBy = byRel(cols.rows);
  const consBy = byRel(cons.rows);
  const idxBy = byRel(idx.rows);
  const out: string[] = [];
  for (const e of enums.rows) out.push(`enum ${e.name}: ${e.labels.join(', ')}`);
  const kindName: Record<string, string> = { r: 'table', p: 'partitioned table', v: 'view', m: 'materialized view' };
  for (const r of rels.rows) {
    // Partitions repeat their parent's columns; naming them is enough.
    if (r.parent) {
      out.push(`partition ${r.name} of ${r.parent}`);
      continue;
    }
    const head = `${kindName[r.kind] ?? r.kind} ${r.name}` + (r.kind === 'r' || r.kind === 'm' ? ` (${approxRows(counts.get(Number(r.oid)) ?? 0)})` : '') + (r.partitioned_by ? ` partitioned by ${r.partitioned_by}` : '');
    out.push(head);
    const colText = (colsBy.get(r.oid) ?? []).map((c) => `${c.name} ${c.type}${c.notnull ? ' not null' : ''}${c.def ? ` default ${c.def}` : ''}`);
    if (colText.length) out.push(`  columns: ${colText.join('; ')}`);
    for (const c of consBy.get(r.oid) ?? []) out.push(`  constraint ${c.name}: ${c.def}`);
    for (const i of idxBy.get(r.oid) ?? []) out.push(`  index ${i.name}: ${i.def.replace(/ USING btree/, '').replace(/ ON [^ ]+\./, ' ON ')}`);
  }
  return out.join('\n');
}
