// Applying an accepted migration: the migration and its ledger row commit in one transaction on
// the sandbox connection, or neither exists.
import pg from 'pg';
import { splitStatements } from '../checks/engine.js';
import type { EntryRecord } from '../report/types.js';
import { ledgerInsert, checksum } from './ledger.js';
import type { ScenarioDatabase } from './sandbox.js';
import { withClient } from './sandbox.js';

export interface ApplyError {
  sqlstate: string;
  message: string;
  /** Index of the failing statement when known. */
  statement?: number;
}

export type ApplyOutcome =
  | { status: 'applied'; durationMs: number; mode: 'transaction' | 'statement-by-statement' }
  | { status: 'failed'; durationMs: number; error: ApplyError }
  /** Non-transactional path only: some statements ran before one failed. The run must stop. */
  | { status: 'partial'; durationMs: number; error: ApplyError; executed: number };

function toApplyError(err: unknown, statement?: number): ApplyError {
  const e = err as { code?: string; message?: string };
  return { sqlstate: e.code ?? 'XX000', message: e.message ?? String(err), ...(statement !== undefined ? { statement } : {}) };
}

/**
 * Applies `record.appliedSql.up` and writes its ledger row.
 *
 * Migrations whose statements can all run in a transaction block (almost all) take the atomic path.
 * A migration containing CREATE INDEX CONCURRENTLY or another statement that Postgres refuses inside
 * a transaction block takes the documented statement-by-statement path: a ledger row marked
 * 'applying' is committed first, each statement then runs on its own, and the row becomes 'applied'
 * at the end. If a statement fails there, the row becomes 'partial' (naming how many statements ran)
 * and the caller stops the run: nothing is ever half-applied silently.
 */
export async function applyMigration(db: ScenarioDatabase, runId: string, record: EntryRecord): Promise<ApplyOutcome> {
  const up = record.appliedSql?.up;
  if (!up) throw new Error(`applyMigration: entry ${record.entryId} has no SQL to apply`);
  const statements = splitStatements(up);
  const t0 = Date.now();
  if (statements.every((s) => s.transactional)) {
    return withClient(db.sandboxUrl, async (c) => {
      await c.query('BEGIN');
      try {
        await c.query(up);
      } catch (err) {
        await c.query('ROLLBACK');
        return { status: 'failed', durationMs: Date.now() - t0, error: toApplyError(err) } as const;
      }
      const finished = { ...record, durationMs: Date.now() - t0 };
      const ins = ledgerInsert(runId, finished, 'applied');
      try {
        await c.query(ins.text, ins.values);
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      return { status: 'applied', durationMs: Date.now() - t0, mode: 'transaction' } as const;
    });
  }
  return applyStatementByStatement(db, runId, record, statements, t0);
}

async function applyStatementByStatement(
  db: ScenarioDatabase,
  runId: string,
  record: EntryRecord,
  statements: ReturnType<typeof splitStatements>,
  t0: number,
): Promise<ApplyOutcome> {
  const admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  try {
    const ins = ledgerInsert(runId, record, 'applying');
    await admin.query(ins.text, ins.values);
    let executed = 0;
    const failure = await withClient(db.sandboxUrl, async (c) => {
      for (const s of statements) {
        try {
          await c.query(s.text);
          executed++;
        } catch (err) {
          return toApplyError(err, s.index);
        }
      }
      return undefined;
    });
    const durationMs = Date.now() - t0;
    if (failure) {
      const status = executed === 0 ? 'failed' : 'partial';
      if (status === 'failed') {
        // Nothing ran: the entry failed cleanly; the row records that like any failed entry.
        await admin.query(`update schemacrew.ledger set status = 'failed', duration_ms = $2, record = $3, up_sql = null, down_sql = null, checksum = null where entry_id = $1`, [
          record.entryId,
          durationMs,
          JSON.stringify({ ...record, durationMs }),
        ]);
        return { status: 'failed', durationMs, error: failure };
      }
      await admin.query(`update schemacrew.ledger set status = 'partial', duration_ms = $2, record = $3 where entry_id = $1`, [
        record.entryId,
        durationMs,
        JSON.stringify({ ...record, durationMs, partial: { executed, error: failure } }),
      ]);
      return { status: 'partial', durationMs, error: failure, executed };
    }
    await admin.query(
      `update schemacrew.ledger set status = 'applied', duration_ms = $2, record = $3, checksum = $4 where entry_id = $1`,
      [record.entryId, durationMs, JSON.stringify({ ...record, durationMs }), checksum(record.appliedSql!.up)],
    );
    return { status: 'applied', durationMs, mode: 'statement-by-statement' };
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** Records an entry that was not applied (rejected, failed, or applied-then-failed) in its own transaction. */
export async function recordUnapplied(db: ScenarioDatabase, runId: string, record: EntryRecord, status: 'rejected' | 'failed'): Promise<void> {
  await withClient(db.adminUrl, async (c) => {
    const { appliedSql: _drop, ...rest } = record;
    const ins = ledgerInsert(runId, rest as EntryRecord, status);
    await c.query(ins.text, ins.values);
  });
}
