// The migration ledger: one row per roadmap entry per database, written in the same transaction
// as the migration it records. It is the source of truth for resume and for reports.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { EntryRecord, GroundTruthDefect, RunMeta } from '../report/types.js';

export const LEDGER_DDL = `
CREATE SCHEMA IF NOT EXISTS schemacrew;
CREATE TABLE IF NOT EXISTS schemacrew.runs (
  run_id      text PRIMARY KEY,
  scenario    text NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  outcome     text,
  meta        jsonb NOT NULL
);
CREATE TABLE IF NOT EXISTS schemacrew.ledger (
  id          bigserial PRIMARY KEY,
  run_id      text NOT NULL,
  entry_id    text NOT NULL,
  entry_index integer NOT NULL,
  persona_id  text NOT NULL,
  status      text NOT NULL CHECK (status IN ('applied', 'rejected', 'failed', 'applying', 'partial')),
  up_sql      text,
  down_sql    text,
  checksum    text,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  duration_ms integer NOT NULL,
  record      jsonb NOT NULL,
  -- Each entry is done once per database: a resumed run can never apply it twice.
  CONSTRAINT ledger_entry_once UNIQUE (entry_id)
);
CREATE TABLE IF NOT EXISTS schemacrew.defects (
  id              text PRIMARY KEY,
  rule            text NOT NULL,
  entry_id        text NOT NULL,
  detail          jsonb NOT NULL,
  introduced_at   timestamptz NOT NULL DEFAULT now(),
  fixed_by_entry  text,
  fixed_at        timestamptz
);
`;

export function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

export interface LedgerRow {
  entryId: string;
  entryIndex: number;
  personaId: string;
  status: string;
  record: EntryRecord;
  runId: string;
}

export function ledgerInsert(runId: string, record: EntryRecord, status: string): { text: string; values: unknown[] } {
  return {
    text: `INSERT INTO schemacrew.ledger
      (run_id, entry_id, entry_index, persona_id, status, up_sql, down_sql, checksum, started_at, duration_ms, record)
      VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
    values: [
      runId,
      record.entryId,
      record.index,
      record.personaId,
      status,
      record.appliedSql?.up ?? null,
      record.appliedSql?.down ?? null,
      record.appliedSql ? checksum(record.appliedSql.up) : null,
      record.startedAt,
      record.durationMs,
      JSON.stringify(record),
    ],
  };
}

export async function readLedger(admin: pg.Client): Promise<LedgerRow[]> {
  const { rows } = await admin.query(
    `select run_id, entry_id, entry_index, persona_id, status, record from schemacrew.ledger order by entry_index, id`,
  );
  return rows.map((r) => ({
    runId: r.run_id,
    entryId: r.entry_id,
    entryIndex: r.entry_index,
    personaId: r.persona_id,
    status: r.status,
    record: r.record as EntryRecord,
  }));
}

export async function recordRunStart(admin: pg.Client, meta: RunMeta): Promise<void> {
  await admin.query(
    `insert into schemacrew.runs (run_id, scenario, started_at, meta) values ($1,$2,$3,$4)
     on conflict (run_id) do update set meta = excluded.meta`,
    [meta.runId, meta.scenario, meta.startedAt, JSON.stringify(meta)],
  );
}

export async function recordRunEnd(admin: pg.Client, meta: RunMeta): Promise<void> {
  await admin.query(`update schemacrew.runs set finished_at = $2, outcome = $3, meta = $4 where run_id = $1`, [
    meta.runId,
    meta.finishedAt ?? new Date().toISOString(),
    meta.outcome,
    JSON.stringify(meta),
  ]);
}

export async function readDefects(admin: pg.Client): Promise<GroundTruthDefect[]> {
  const { rows } = await admin.query(
    `select id, detail, fixed_by_entry, fixed_at from schemacrew.defects order by introduced_at, id`,
  );
  return rows.map((r) => ({
    ...(({ key: _key, ...d }) => d)(r.detail as GroundTruthDefect & { key?: string }),
    ...(r.fixed_by_entry ? { fixedByEntryId: r.fixed_by_entry, fixedAt: new Date(r.fixed_at).toISOString() } : {}),
  }));
}
