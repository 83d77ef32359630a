// What the catalog pass reads from pg_catalog: a full snapshot of the schemas in scope before and
// after the migration, and a cheap probe after each statement (locks taken, relations rewritten,
// objects created), all inside the check transaction.
import type pg from 'pg';
import { quoteIdent } from './parse.js';

export interface RelInfo {
  oid: number;
  schema: string;
  name: string;
  /** pg_class.relkind: r table, p partitioned table, m matview, v view, i/I index, S sequence, f foreign. */
  kind: string;
  filenode: number;
  tuples: number;
  pages: number;
  isPartition: boolean;
  parent: number | null;
  /** pg_partitioned_table.partstrat (r, l, h) for partitioned tables. */
  partStrategy: string | null;
  partDefault: number | null;
}

export interface ColInfo {
  rel: number;
  num: number;
  name: string;
  /** format_type(): 'character varying(36)', 'timestamp without time zone', ... */
  type: string;
  /** Base type name (domains resolved): varchar, bpchar, text, uuid, bool, jsonb, tsvector, ... */
  typname: string;
  /** Declared length for varchar/bpchar (-1 when unbounded). */
  length: number;
  category: string;
  notNull: boolean;
  default: string | null;
  generated: string;
  identity: string;
  /** Number of labels when the type is an enum, else 0. */
  enumLabels: number;
}

export interface IndexInfo {
  oid: number;
  rel: number;
  name: string;
  unique: boolean;
  primary: boolean;
  valid: boolean;
  am: string;
  /** pg_index.indkey (0 = expression), key and INCLUDE columns. */
  keys: number[];
  nkeys: number;
  opclasses: number[];
  exprs: string | null;
  pred: string | null;
  /** Not read (kept null to keep the snapshot cheap). */
  def: string | null;
  /** Name of the constraint the index implements (PK / UNIQUE / EXCLUDE). */
  constraint: string | null;
}

export interface ConInfo {
  oid: number;
  rel: number;
  name: string;
  /** p, u, f, c, x, n */
  type: string;
  keys: number[];
  frel: number;
  fkeys: number[];
  validated: boolean;
  /** pg_get_constraintdef() for CHECK constraints ('' for the others). */
  def: string;
  /** pg_constraint.conparentid: set on the per-partition clones of a partitioned table's constraint. */
  parent: number;
}

export interface TrigInfo {
  oid: number;
  rel: number;
  name: string;
  /** pg_trigger.tgtype bits: 1 row, 2 before, 4 insert, 8 delete, 16 update, 64 instead. */
  type: number;
  func: string;
  lang: string;
  src: string;
}

export class Snapshot {
  readonly rels = new Map<number, RelInfo>();
  readonly cols = new Map<number, ColInfo[]>();
  readonly indexes = new Map<number, IndexInfo>();
  readonly cons = new Map<number, ConInfo>();
  readonly trigs = new Map<number, TrigInfo>();
  private readonly byName = new Map<string, RelInfo[]>();
  /** Oids of every relation / constraint / trigger in the schemas (in scope or not). */
  readonly allRels: number[];
  readonly allCons: number[];
  readonly allTrigs: number[];
  /** Single-column primary keys in the schemas: how many are uuid, of how many. */
  readonly uuidKeys: { uuid: number; total: number };

  constructor(
    raw: SnapshotRaw,
    readonly preferredSchema?: string,
  ) {
    this.allRels = raw.allrels ?? [];
    this.allCons = raw.allcons ?? [];
    this.allTrigs = raw.alltrigs ?? [];
    this.uuidKeys = { uuid: raw.pkeys?.[0] ?? 0, total: raw.pkeys?.[1] ?? 0 };
    for (const r of raw.rels ?? []) {
      const rel: RelInfo = {
        oid: r[0], schema: r[1], name: r[2], kind: r[3], filenode: r[4], tuples: r[5], pages: r[6],
        isPartition: r[7], parent: r[8], partStrategy: r[9], partDefault: r[10],
      };
      this.rels.set(rel.oid, rel);
      const list = this.byName.get(rel.name) ?? [];
      list.push(rel);
      this.byName.set(rel.name, list);
    }
    for (const c of raw.cols ?? []) {
      const col: ColInfo = {
        rel: c[0], num: c[1], name: c[2], type: c[3], typname: c[4], length: c[5], category: c[6],
        notNull: c[7], default: c[8], generated: c[9] ?? '', identity: c[10] ?? '', enumLabels: c[11] ?? 0,
      };
      const list = this.cols.get(col.rel) ?? [];
      list.push(col);
      this.cols.set(col.rel, list);
    }
    for (const i of raw.idx ?? []) {
      this.indexes.set(i[0], {
        oid: i[0], rel: i[1], name: i[2], unique: i[3], primary: i[4], valid: i[5], am: i[6], keys: i[7] ?? [],
        nkeys: i[8], opclasses: i[9] ?? [], exprs: i[10], pred: i[11], def: i[12], constraint: i[13],
      });
    }
    for (const k of raw.cons ?? []) {
      this.cons.set(k[0], {
        oid: k[0], rel: k[1], name: k[2], type: k[3], keys: k[4] ?? [], frel: k[5], fkeys: k[6] ?? [], validated: k[7], def: k[8] ?? '',
        parent: k[9] ?? 0,
      });
    }
    for (const t of raw.trigs ?? []) {
      this.trigs.set(t[0], { oid: t[0], rel: t[1], name: t[2], type: t[3], func: t[4], lang: t[5], src: t[6] ?? '' });
    }
  }

  /** A relation by (unquoted, as parsed) name; the preferred schema first. */
  rel(name: string, schema?: string): RelInfo | undefined {
    const list = this.byName.get(name);
    if (!list) return undefined;
    if (schema) return list.find((r) => r.schema === schema);
    return list.find((r) => r.schema === this.preferredSchema) ?? list.find((r) => r.schema === 'public') ?? list[0];
  }

  columns(rel: number): ColInfo[] {
    return this.cols.get(rel) ?? [];
  }

  column(rel: number, num: number): ColInfo | undefined {
    return this.columns(rel).find((c) => c.num === num);
  }

  columnByName(rel: number, name: string): ColInfo | undefined {
    return this.columns(rel).find((c) => c.name === name);
  }

  indexesOf(rel: number): IndexInfo[] {
    return [...this.indexes.values()].filter((i) => i.rel === rel);
  }

  constraintsOf(rel: number): ConInfo[] {
    return [...this.cons.values()].filter((c) => c.rel === rel);
  }

  triggersOf(rel: number): TrigInfo[] {
    return [...this.trigs.values()].filter((t) => t.rel === rel);
  }

  /** Name for messages: schema-qualified only outside the preferred schema. */
  relName(oid: number): string {
    const r = this.rels.get(oid);
    if (!r) return `#${oid}`;
    return r.schema === this.preferredSchema || (!this.preferredSchema && r.schema === 'public') ? r.name : `${r.schema}.${r.name}`;
  }

  columnNames(rel: number, nums: number[]): string[] {
    return nums.map((n) => (n === 0 ? '(expression)' : (this.column(rel, n)?.name ?? `#${n}`)));
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
interface SnapshotRaw {
  rels: any[] | null;
  cols: any[] | null;
  idx: any[] | null;
  cons: any[] | null;
  trigs: any[] | null;
  allrels: number[] | null;
  allcons: number[] | null;
  alltrigs: number[] | null;
  pkeys: [number, number] | null;
}

// $1: schema names in scope, or NULL for every user schema.
const NS = `ns AS (
  SELECT oid, nspname FROM pg_namespace
  WHERE CASE WHEN $1::text[] IS NULL
             THEN nspname !~ '^pg_' AND nspname NOT IN ('information_schema', 'schemacrew')
             ELSE nspname = ANY($1::text[]) END
)`;

// Relations in scope: $2 names (those the migration mentions; NULL = all), plus, for the "after"
// snapshot, everything not in $3 (the oids that existed before), plus the inheritance parents and
// children (partitions) of those.
const SCOPE = `named AS (
  SELECT c.oid FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
   WHERE c.relkind IN ('r','p','m','v','f')
     AND ($2::text[] IS NULL OR c.relname = ANY($2::text[]) OR ($3::int8[] IS NOT NULL AND NOT (c.oid::int8 = ANY($3::int8[]))))
),
scope AS (
  SELECT oid FROM named
  UNION SELECT inhparent FROM pg_inherits WHERE inhrelid IN (SELECT oid FROM named)
  UNION SELECT inhrelid FROM pg_inherits WHERE inhparent IN (SELECT oid FROM named)
)`;

const SNAPSHOT_PARTS: Record<string, string> = {
  rels: `SELECT json_agg(json_build_array(c.oid::int8, ns.nspname, c.relname, c.relkind, c.relfilenode::int8, c.reltuples, c.relpages,
        c.relispartition, inh.inhparent::int8, pt.partstrat, pt.partdefid::int8))
    FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
    LEFT JOIN pg_index x ON x.indexrelid = c.oid
    LEFT JOIN pg_inherits inh ON inh.inhrelid = c.oid AND inh.inhseqno = 1
    LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
   WHERE c.oid IN (SELECT oid FROM scope) OR x.indrelid IN (SELECT oid FROM scope)`,
  cols: `SELECT json_agg(json_build_array(a.attrelid::int8, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),
        coalesce(bt.typname, t.typname),
        CASE WHEN coalesce(bt.typname, t.typname) IN ('varchar','bpchar')
             THEN CASE WHEN (CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END) > 4
                       THEN (CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END) - 4 ELSE -1 END
             ELSE -1 END,
        coalesce(bt.typcategory, t.typcategory), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attgenerated, a.attidentity,
        coalesce(en.n, 0)))
    FROM pg_attribute a
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
    LEFT JOIN en ON en.enumtypid = coalesce(bt.oid, t.oid)
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE a.attrelid IN (SELECT oid FROM scope) AND a.attnum > 0 AND NOT a.attisdropped`,
  idx: `SELECT json_agg(json_build_array(i.indexrelid::int8, i.indrelid::int8, ic.relname, i.indisunique, i.indisprimary, i.indisvalid, am.amname,
        i.indkey::int2[], i.indnkeyatts, i.indclass::oid[]::int8[], pg_get_expr(i.indexprs, i.indrelid), pg_get_expr(i.indpred, i.indrelid),
        NULL, k.conname))
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
    LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p','u','x')
   WHERE i.indrelid IN (SELECT oid FROM scope)`,
  cons: `SELECT json_agg(json_build_array(k.oid::int8, k.conrelid::int8, k.conname, k.contype, k.conkey, k.confrelid::int8, k.confkey, k.convalidated,
        CASE WHEN k.contype = 'c' THEN pg_get_constraintdef(k.oid) END, k.conparentid::int8))
    FROM pg_constraint k WHERE k.conrelid IN (SELECT oid FROM scope)`,
  trigs: `SELECT json_agg(json_build_array(t.oid::int8, t.tgrelid::int8, t.tgname, t.tgtype, p.proname, l.lanname, p.prosrc))
    FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_language l ON l.oid = p.prolang
   WHERE t.tgrelid IN (SELECT oid FROM scope) AND NOT t.tgisinternal`,
  allrels: `SELECT json_agg(c.oid::int8) FROM pg_class c JOIN ns ON ns.oid = c.relnamespace`,
  allcons: `SELECT json_agg(k.oid::int8) FROM pg_constraint k JOIN ns ON ns.oid = k.connamespace WHERE k.conrelid <> 0`,
  alltrigs: `SELECT json_agg(t.oid::int8) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN ns ON ns.oid = c.relnamespace WHERE NOT t.tgisinternal`,
  pkeys: `SELECT json_build_array(count(*) FILTER (WHERE ty.typname = 'uuid'), count(*))
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN ns ON ns.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] JOIN pg_type ty ON ty.oid = a.atttypid
   WHERE i.indisprimary AND i.indnkeyatts = 1`,
};

const SNAPSHOT_WITH = `WITH ${NS},
${SCOPE},
en AS (SELECT enumtypid, count(*) AS n FROM pg_enum GROUP BY enumtypid)`;

const SNAPSHOT_SQL = `${SNAPSHOT_WITH}
SELECT ${Object.entries(SNAPSHOT_PARTS)
  .map(([name, q]) => `(${q}) AS ${name}`)
  .join(',\n')}`;

/** The snapshot's parts as separate queries (for profiling). */
export const SNAPSHOT_PART_QUERIES = Object.fromEntries(Object.entries(SNAPSHOT_PARTS).map(([n, q]) => [n, `${SNAPSHOT_WITH} ${q}`]));

/**
 * Snapshot of the relations in scope (see SCOPE) with their columns, indexes, constraints and
 * triggers, plus the oids of everything in the schemas (to tell what a statement creates).
 * `names`: relation names to include (null: all); `before`: for the "after" snapshot, the earlier
 * snapshot, whose unknown (new) relations are included too.
 */
export async function takeSnapshot(
  client: pg.Client,
  schemas: string[] | null,
  preferredSchema?: string,
  names: string[] | null = null,
  before?: Snapshot,
): Promise<Snapshot> {
  // Named: the "after" snapshot reuses the plan of the "before" one on the same connection.
  const res = await client.query({
    name: 'schemacrew_snapshot',
    text: SNAPSHOT_SQL,
    values: [schemas, names, before ? before.allRels : null],
  });
  return new Snapshot(res.rows[0] as SnapshotRaw, preferredSchema);
}

/** What one statement did, read right after it ran. */
export interface StatementEffect {
  index: number;
  ran: boolean;
  /** The statement's own execution time. */
  ms: number;
  /** Locks newly held on relations that existed before the migration (tables, matviews). */
  locks: { rel: number; mode: string }[];
  /** Pre-existing relations whose relfilenode changed (table rewrites). */
  rewritten: number[];
  createdRels: number[];
  createdCons: number[];
  createdTrigs: number[];
}

const PROBE_SQL = `WITH ${NS}
SELECT
 (SELECT json_agg(json_build_array(l.relation::int8, l.mode) ORDER BY l.relation::regclass::text, l.mode) FROM pg_locks l
   WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND l.relation = ANY($2::oid[])) AS locks,
 (SELECT json_agg(json_build_array(c.oid::int8, c.relfilenode::int8)) FROM pg_class c WHERE c.oid = ANY($2::oid[])) AS files,
 (SELECT json_agg(c.oid::int8) FROM pg_class c JOIN ns ON ns.oid = c.relnamespace WHERE NOT (c.oid = ANY($3::oid[]))) AS rels,
 (SELECT json_agg(k.oid::int8) FROM pg_constraint k JOIN ns ON ns.oid = k.connamespace WHERE k.conrelid <> 0 AND NOT (k.oid = ANY($4::oid[]))) AS cons,
 (SELECT json_agg(t.oid::int8) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN ns ON ns.oid = c.relnamespace
   WHERE NOT t.tgisinternal AND NOT (t.oid = ANY($5::oid[]))) AS trigs`;

/**
 * Tracks per-statement effects against the "before" snapshot with one round trip per statement.
 */
export class Prober {
  private readonly tables: number[];
  private readonly allRels: number[];
  private readonly allCons: number[];
  private readonly allTrigs: number[];
  private locks = new Set<string>();
  private files = new Map<number, number>();
  private seenRels = new Set<number>();
  private seenCons = new Set<number>();
  private seenTrigs = new Set<number>();

  constructor(
    private readonly client: pg.Client,
    private readonly schemas: string[] | null,
    before: Snapshot,
  ) {
    this.tables = [...before.rels.values()].filter((r) => r.kind === 'r' || r.kind === 'p' || r.kind === 'm').map((r) => r.oid);
    this.allRels = before.allRels;
    this.allCons = before.allCons;
    this.allTrigs = before.allTrigs;
    for (const r of before.rels.values()) this.files.set(r.oid, r.filenode);
  }

  private async read(): Promise<{ locks: [number, string][]; files: [number, number][]; rels: number[]; cons: number[]; trigs: number[] }> {
    const res = await this.client.query({
      name: 'schemacrew_probe',
      text: PROBE_SQL,
      values: [this.schemas, this.tables, this.allRels, this.allCons, this.allTrigs],
    });
    const row = res.rows[0];
    return { locks: row.locks ?? [], files: row.files ?? [], rels: row.rels ?? [], cons: row.cons ?? [], trigs: row.trigs ?? [] };
  }

  /** Records the baseline (locks already held by the snapshot queries). */
  async baseline(): Promise<void> {
    const r = await this.read();
    for (const [rel, mode] of r.locks) this.locks.add(`${rel}:${mode}`);
  }

  /** The baseline without a round trip: the only user-table locks before the migration are count(*)'s. */
  assumeHeld(rels: number[], mode = 'AccessShareLock'): void {
    for (const rel of rels) this.locks.add(`${rel}:${mode}`);
  }

  async after(index: number, ms: number): Promise<StatementEffect> {
    const r = await this.read();
    const effect: StatementEffect = { index, ran: true, ms, locks: [], rewritten: [], createdRels: [], createdCons: [], createdTrigs: [] };
    for (const [rel, mode] of r.locks) {
      const key = `${rel}:${mode}`;
      if (!this.locks.has(key)) {
        this.locks.add(key);
        effect.locks.push({ rel, mode });
      }
    }
    for (const [oid, file] of r.files) {
      if (this.files.get(oid) !== file) {
        this.files.set(oid, file);
        effect.rewritten.push(oid);
      }
    }
    for (const oid of r.rels) if (!this.seenRels.has(oid)) (this.seenRels.add(oid), effect.createdRels.push(oid));
    for (const oid of r.cons) if (!this.seenCons.has(oid)) (this.seenCons.add(oid), effect.createdCons.push(oid));
    for (const oid of r.trigs) if (!this.seenTrigs.has(oid)) (this.seenTrigs.add(oid), effect.createdTrigs.push(oid));
    return effect;
  }
}

const LOCK_ORDER = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
];

/** What a lock mode blocks, for messages. */
export function lockImpact(mode: string): string {
  switch (mode) {
    case 'AccessExclusiveLock':
      return 'blocks all reads and writes';
    case 'ExclusiveLock':
    case 'ShareRowExclusiveLock':
    case 'ShareLock':
      return 'blocks writes';
    case 'ShareUpdateExclusiveLock':
      return 'blocks other DDL and VACUUM, not reads or writes';
    default:
      return 'does not block reads or writes';
  }
}

export function strongestLock(modes: string[]): string | undefined {
  let best: string | undefined;
  for (const m of modes) if (!best || LOCK_ORDER.indexOf(m) > LOCK_ORDER.indexOf(best)) best = m;
  return best;
}

/**
 * Row counts of the given pre-existing tables: a capped count(*) for small tables, reltuples for
 * big analysed ones (never-analysed big ones stay unknown).
 */
export async function countRows(client: pg.Client, rels: RelInfo[]): Promise<{ rows: Map<number, number>; counted: number[] }> {
  const out = new Map<number, number>();
  const toCount: RelInfo[] = [];
  for (const r of rels) {
    if (r.kind !== 'r' && r.kind !== 'p' && r.kind !== 'm') continue;
    // Small tables are counted (cheap, and exact whether or not autovacuum has analysed them yet,
    // so messages do not change between otherwise identical runs); big ones use the estimate.
    if (r.pages < 1000) toCount.push(r);
    else if (r.tuples >= 0) out.set(r.oid, Math.round(r.tuples));
  }
  if (toCount.length) {
    const parts = toCount.map(
      (r, i) => `(SELECT ${i} AS i, count(*) AS n FROM (SELECT 1 FROM ${quoteIdent(r.schema)}.${quoteIdent(r.name)} LIMIT 1000001) s)`,
    );
    // In a savepoint: a failure (privileges, a matview never populated) must not abort the check transaction.
    await client.query('SAVEPOINT schemacrew_count');
    try {
      const res = await client.query(parts.join(' UNION ALL '));
      for (const row of res.rows) out.set(toCount[row.i]!.oid, Number(row.n));
      await client.query('RELEASE SAVEPOINT schemacrew_count');
    } catch {
      await client.query('ROLLBACK TO SAVEPOINT schemacrew_count');
    }
  }
  return { rows: out, counted: toCount.map((r) => r.oid) };
}

