// Ground truth: which defects are present in the database right now, read from the catalog.
// The audit runs before and after every applied migration; what appears is what that migration
// landed, what disappears was fixed. The queries follow what monitoring tools look at (postgres_ai's
// H003 for FKs without an index, H004 for redundant indexes, …) so the answer key uses their terms.
import type pg from 'pg';
import type { EntryRecord, GroundTruthDefect } from '../report/types.js';
import { postgresAiReportFor } from '../report/postgres-ai.js';

export interface AuditItem {
  rule: string;
  /** Stable identity of the defect: rule plus the objects it is about. */
  key: string;
  objects: string[];
  message: string;
}

export interface AuditOptions {
  /** Column count above which a table is "wide" (the checks' wide-table threshold). */
  wideTableColumns?: number;
}

type Row = Record<string, string>;

/** One query per rule; each returns rows with `objects` (text[]) and `message`. */
const AUDIT_QUERIES: Record<string, string> = {
  'fk-missing-index': `
    select array[format('%I.%I', n.nspname, c.relname), con.conname] ||
             (select array_agg(format('%I.%I.%I', n.nspname, c.relname, a.attname) order by k.ord)
                from unnest(con.conkey) with ordinality k(attnum, ord)
                join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as objects,
           format('foreign key %s on %s(%s) has no index leading with its columns', con.conname, c.relname,
                  (select string_agg(a.attname, ', ' order by k.ord) from unnest(con.conkey) with ordinality k(attnum, ord)
                     join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum)) as message
      from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
     where con.contype = 'f' and n.nspname = $1 and c.relkind = 'r'
       and not exists (
         select 1 from pg_index i
          where i.indrelid = con.conrelid and i.indisvalid and i.indpred is null
            and (i.indkey::int2[])[0:array_length(con.conkey, 1) - 1] = con.conkey)`,
  'redundant-index': `
    select array[format('%I.%I', n.nspname, c.relname), ci.relname, co.relname] as objects,
           format('index %s on %s is redundant: its columns lead %s', ci.relname, c.relname, co.relname) as message
      from pg_index i
      join pg_class ci on ci.oid = i.indexrelid
      join pg_class c on c.oid = i.indrelid
      join pg_namespace n on n.oid = c.relnamespace
      join pg_index o on o.indrelid = i.indrelid and o.indexrelid <> i.indexrelid
      join pg_class co on co.oid = o.indexrelid
     where n.nspname = $1 and not i.indisunique and i.indisvalid and o.indisvalid
       and ci.relam = co.relam
       and i.indnkeyatts <= o.indnkeyatts
       and (o.indkey::int2[])[0:i.indnkeyatts - 1] = (i.indkey::int2[])[0:i.indnkeyatts - 1]
       and (o.indclass::oid[])[0:i.indnkeyatts - 1] = (i.indclass::oid[])[0:i.indnkeyatts - 1]
       and coalesce(pg_get_expr(i.indexprs, i.indrelid), '') = coalesce(pg_get_expr(o.indexprs, o.indrelid), '')
       and coalesce(pg_get_expr(i.indpred, i.indrelid), '') = coalesce(pg_get_expr(o.indpred, o.indrelid), '')
       -- two identical non-unique indexes: report only one of the pair
       and (o.indisunique or i.indnkeyatts < o.indnkeyatts or ci.relname > co.relname)`,
  'boolean-as-text': `
    select array[format('%I.%I.%I', n.nspname, c.relname, a.attname)] as objects,
           format('%s.%s is %s but holds a yes/no flag', c.relname, a.attname, format_type(a.atttypid, a.atttypmod)) as message
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
     where n.nspname = $1 and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
       and a.atttypid in ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype)
       and (a.attname ~ '^(is|has|can|should|was)_' or lower(coalesce(pg_get_expr(d.adbin, d.adrelid), '')) ~ '^''(true|false|yes|no|y|n|t|f)''')`,
  'uuid-as-text': `
    select array[format('%I.%I.%I', n.nspname, c.relname, a.attname)] as objects,
           format('%s.%s is %s but holds UUIDs', c.relname, a.attname, format_type(a.atttypid, a.atttypmod)) as message
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
       and a.atttypid in ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype)
       and (a.atttypmod = 36 + 4 or (a.attname ~ '(^|_)id$' and a.atttypid <> 'bpchar'::regtype and a.atttypmod in (-1, 36 + 4)))`,
  'json-not-jsonb': `
    select array[format('%I.%I.%I', n.nspname, c.relname, a.attname)] as objects,
           format('%s.%s is json, not jsonb', c.relname, a.attname) as message
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped and a.atttypid = 'json'::regtype`,
  'timestamp-without-tz': `
    select array[format('%I.%I.%I', n.nspname, c.relname, a.attname)] as objects,
           format('%s.%s is timestamp without time zone', c.relname, a.attname) as message
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped and a.atttypid = 'timestamp'::regtype
       and not c.relispartition`,
  'table-without-pk': `
    select array[format('%I.%I', n.nspname, c.relname)] as objects, format('table %s has no primary key', c.relname) as message
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 and c.relkind in ('r', 'p') and not c.relispartition
       and not exists (select 1 from pg_constraint con where con.conrelid = c.oid and con.contype = 'p')`,
  'partition-missing-default': `
    select array[format('%I.%I', n.nspname, c.relname)] as objects,
           format('partitioned table %s has no DEFAULT partition', c.relname) as message
      from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_partitioned_table pt on pt.partrelid = c.oid
     where n.nspname = $1 and pt.partstrat in ('r', 'l') and pt.partdefid = 0`,
  'low-cardinality-index': `
    select array[format('%I.%I', n.nspname, c.relname), ci.relname] as objects,
           format('index %s leads with low-cardinality column %s.%s', ci.relname, c.relname, a.attname) as message
      from pg_index i join pg_class ci on ci.oid = i.indexrelid join pg_class c on c.oid = i.indrelid
      join pg_namespace n on n.oid = c.relnamespace join pg_am am on am.oid = ci.relam
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
     where n.nspname = $1 and am.amname = 'btree' and i.indpred is null and not i.indisunique and i.indkey[0] <> 0
       and (a.atttypid = 'bool'::regtype
            or (select count(*) from pg_enum e where e.enumtypid = a.atttypid) between 1 and 6
            or (a.attname ~ '(^|_)(status|state|type|kind)$' and a.atttypid in ('varchar'::regtype, 'text'::regtype, 'bpchar'::regtype)))`,
  'btree-on-large-text': `
    select array[format('%I.%I', n.nspname, c.relname), ci.relname] as objects,
           format('btree index %s is on unbounded %s column %s.%s', ci.relname, format_type(a.atttypid, a.atttypmod), c.relname, a.attname) as message
      from pg_index i join pg_class ci on ci.oid = i.indexrelid join pg_class c on c.oid = i.indrelid
      join pg_namespace n on n.oid = c.relnamespace join pg_am am on am.oid = ci.relam
      join lateral unnest(i.indkey::int2[]) k(attnum) on k.attnum <> 0
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
     where n.nspname = $1 and am.amname = 'btree'
       and (a.atttypid in ('text'::regtype, 'jsonb'::regtype, 'json'::regtype)
            or (a.atttypid = 'varchar'::regtype and (a.atttypmod = -1 or a.atttypmod - 4 > 1000)))`,
  'column-never-populated': `
    select array[format('%I.%I.%I', n.nspname, c.relname, a.attname)] as objects,
           format('%s.%s (tsvector) is not generated and no trigger on %s can fill it', c.relname, a.attname, c.relname) as message
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
       and a.atttypid = 'tsvector'::regtype and a.attgenerated = ''
       and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid and not t.tgisinternal)`,
  // Wide in the sense the roadmap means: a row of many sparse counters (at least the threshold of
  // columns, most of them integers with a default), not merely a table with many attributes.
  'wide-table': `
    select array[format('%I.%I', n.nspname, c.relname)] as objects,
           format('table %s has %s columns, %s of them counters', c.relname, count(*),
                  count(*) filter (where a.atttypid in ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype) and a.atthasdef)) as message
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 and c.relkind in ('r', 'p') and not c.relispartition and a.attnum > 0 and not a.attisdropped
     group by n.nspname, c.relname
    having count(*) >= $2
       and count(*) filter (where a.atttypid in ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype) and a.atthasdef) * 2 > count(*)`,
  'matview-no-unique-index': `
    select array[format('%I.%I', n.nspname, c.relname)] as objects,
           format('materialized view %s has no unique index (no REFRESH … CONCURRENTLY)', c.relname) as message
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 and c.relkind = 'm'
       and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisunique and i.indpred is null)`,
  // A unique key that contains a foreign key (issues' (project_id, number)) is scoped by its parent.
  'tenant-unique-missing-tenant': `
    select array[format('%I.%I', n.nspname, c.relname), ci.relname] as objects,
           format('unique index %s on tenant-scoped %s does not include %s', ci.relname, c.relname, t.attname) as message
      from pg_index i join pg_class ci on ci.oid = i.indexrelid join pg_class c on c.oid = i.indrelid
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute t on t.attrelid = c.oid and t.attname in ('organization_id', 'company_id', 'tenant_id') and not t.attisdropped
     where n.nspname = $1 and c.relkind in ('r', 'p') and i.indisunique and not i.indisprimary
       and not (t.attnum = any (i.indkey::int2[]))
       and not exists (select 1 from pg_constraint f where f.conrelid = c.oid and f.contype = 'f' and f.conkey[1] = any (i.indkey::int2[]))`,
  'fk-type-mismatch': `
    select array[format('%I.%I', n.nspname, c.relname), con.conname] as objects,
           format('foreign key %s: %s.%s is %s but %s.%s is %s', con.conname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                  rc.relname, ra.attname, format_type(ra.atttypid, ra.atttypmod)) as message
      from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
      join pg_class rc on rc.oid = con.confrelid
      join lateral unnest(con.conkey, con.confkey) k(a1, a2) on true
      join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.a1
      join pg_attribute ra on ra.attrelid = con.confrelid and ra.attnum = k.a2
     where con.contype = 'f' and n.nspname = $1 and (a.atttypid <> ra.atttypid or a.atttypmod <> ra.atttypmod)`,
};

export const AUDITED_RULES = Object.keys(AUDIT_QUERIES);

/** Every defect of the audited kinds present in the schema now, sorted by key. */
export async function auditSchema(client: pg.Client, schema: string, opts: AuditOptions = {}): Promise<AuditItem[]> {
  const items: AuditItem[] = [];
  for (const [rule, sql] of Object.entries(AUDIT_QUERIES)) {
    const params: unknown[] = rule === 'wide-table' ? [schema, opts.wideTableColumns ?? 20] : [schema];
    const { rows } = await client.query<Row & { objects: string[] }>(sql, params);
    for (const r of rows) items.push({ rule, key: `${rule}:${r.objects.join(':')}`, objects: r.objects, message: r.message! });
  }
  return items.sort((a, b) => a.key.localeCompare(b.key));
}

/** Live defects (not fixed) recorded for the database, by key. */
async function liveKeys(client: pg.Client): Promise<Map<string, string>> {
  const { rows } = await client.query<{ id: string; key: string }>(
    `select id, detail->>'key' as key from schemacrew.defects where fixed_by_entry is null`,
  );
  return new Map(rows.map((r) => [r.key, r.id]));
}

/**
 * Brings schemacrew.defects in line with the catalog after `entry` was applied: new audit items
 * become defects landed by that entry; live defects no longer in the audit are marked fixed by it.
 * Idempotent: running it twice changes nothing the second time (used to repair after a crash).
 */
export async function syncDefects(
  client: pg.Client,
  schema: string,
  entry: Pick<EntryRecord, 'entryId' | 'personaId' | 'plan' | 'reviewerCaught'> | { entryId: 'base'; personaId: 'base' },
  at: string,
  opts: AuditOptions = {},
): Promise<{ landed: GroundTruthDefect[]; fixed: string[] }> {
  const audit = await auditSchema(client, schema, opts);
  const live = await liveKeys(client);
  const planned = 'plan' in entry ? entry.plan.defects : [];
  const caught = 'reviewerCaught' in entry ? entry.reviewerCaught : [];
  const landed: GroundTruthDefect[] = [];
  const present = new Set<string>();
  for (const item of audit) {
    present.add(item.key);
    if (live.has(item.key)) continue;
    const report = postgresAiReportFor(item.rule);
    landed.push({
      id: `${entry.entryId}:${item.key}`,
      rule: item.rule,
      ...(report ? { postgresAiReport: report } : {}),
      objects: item.objects,
      message: item.message,
      entryId: entry.entryId,
      personaId: entry.personaId,
      planned: planned.includes(item.rule),
      reviewerCaught: caught.includes(item.rule),
      introducedAt: at,
    });
  }
  for (const d of landed) {
    await client.query(
      `insert into schemacrew.defects (id, rule, entry_id, detail, introduced_at) values ($1, $2, $3, $4, $5) on conflict (id) do nothing`,
      [d.id, d.rule, d.entryId, JSON.stringify({ ...d, key: d.id.slice(entry.entryId.length + 1) }), at],
    );
  }
  const fixed: string[] = [];
  for (const [key, id] of live) {
    if (present.has(key)) continue;
    await client.query(`update schemacrew.defects set fixed_by_entry = $2, fixed_at = $3 where id = $1`, [id, entry.entryId, at]);
    fixed.push(id);
  }
  return { landed, fixed };
}
