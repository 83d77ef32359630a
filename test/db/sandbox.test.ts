import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { prepareScenarioDatabase, createDatabase, dropDatabase, withClient, type ScenarioDatabase } from '../../src/db/sandbox.js';
import { applyMigration } from '../../src/db/apply.js';
import type { EntryRecord } from '../../src/report/types.js';
import { testServer, tinyScenario } from '../helpers/scenario.js';

const server = testServer();
const database = `sbx_${randomBytes(4).toString('hex')}`;
let db: ScenarioDatabase;

beforeAll(async () => {
  await createDatabase(server, database);
  db = await prepareScenarioDatabase(server, database, tinyScenario(), { scale: 2 });
});
afterAll(async () => {
  await dropDatabase(server, database);
});

async function asSandbox(sql: string): Promise<{ code?: string; message: string } | undefined> {
  return withClient(db.sandboxUrl, async (c) => {
    try {
      await c.query(sql);
      return undefined;
    } catch (err) {
      const e = err as { code?: string; message: string };
      return { code: e.code, message: e.message };
    }
  });
}

function record(entryId: string, up: string): EntryRecord {
  const now = new Date().toISOString();
  return {
    entryId, index: 0, dayStart: 1, dayEnd: 1, week: 1, personaId: 'jo', personaName: 'Jo', title: entryId,
    verdictTag: 'good', plan: { defects: [], source: 'none' }, rounds: [], status: 'applied', reason: 'test',
    realisedDefects: [], reviewerCaught: [], appliedSql: { up, down: '' }, tokens: { input: 0, output: 0, cachedInput: 0 },
    costUsd: 0, startedAt: now, finishedAt: now, durationMs: 0,
  };
}

describe('sandbox role', () => {
  it('owns the scenario schema and sees the seeded base tables through its search_path', async () => {
    await withClient(db.sandboxUrl, async (c) => {
      const { rows } = await c.query(`select current_user as u, count(*)::int as n from notes`);
      expect(rows[0]).toEqual({ u: 'schemacrew_sandbox', n: 20 });
      const settings = await c.query(`select current_setting('statement_timeout') as st, current_setting('lock_timeout') as lt`);
      expect(settings.rows[0]).toEqual({ st: '1min', lt: '5s' });
    });
  });

  it('is refused by Postgres itself for COPY FROM PROGRAM, CREATE ROLE SUPERUSER and ALTER SYSTEM', async () => {
    const copy = await asSandbox(`COPY notes (body) FROM PROGRAM 'cat /etc/passwd'`);
    expect(copy?.code).toBe('42501');
    const role = await asSandbox(`CREATE ROLE evil SUPERUSER LOGIN`);
    expect(role?.code).toBe('42501');
    const system = await asSandbox(`ALTER SYSTEM SET fsync = off`);
    expect(system?.code).toBe('42501');
    // And the superuser connection really would have run the COPY: the role is what stops it.
    await withClient(db.adminUrl, async (c) => {
      await c.query('BEGIN');
      await c.query(`COPY app.notes (body) FROM PROGRAM 'echo hello'`);
      await c.query('ROLLBACK');
    });
  });

  it('may add ledger rows but not read, change or delete them', async () => {
    expect((await asSandbox(`SELECT * FROM schemacrew.ledger`))?.code).toBe('42501');
    expect((await asSandbox(`DELETE FROM schemacrew.ledger`))?.code).toBe('42501');
  });
});

describe('applying a migration', () => {
  const ledgerCount = async (entryId: string) =>
    withClient(db.adminUrl, async (c) => (await c.query(`select count(*)::int as n from schemacrew.ledger where entry_id = $1`, [entryId])).rows[0].n);

  it('commits the migration and its ledger row together', async () => {
    const out = await applyMigration(db, 'run-1', record('ok-1', `CREATE TABLE tags (id serial PRIMARY KEY, name text); CREATE INDEX tags_name ON tags (name);`));
    expect(out.status).toBe('applied');
    expect(await ledgerCount('ok-1')).toBe(1);
    expect(await asSandbox('SELECT * FROM tags')).toBeUndefined();
  });

  it('leaves no table, column or ledger row behind when a later statement fails', async () => {
    const out = await applyMigration(
      db,
      'run-1',
      record('bad-1', `CREATE TABLE leftovers (id int); ALTER TABLE notes ADD COLUMN extra text; INSERT INTO notes (id, body) VALUES ('not-a-uuid', 'x');`),
    );
    expect(out.status).toBe('failed');
    if (out.status === 'failed') expect(out.error.sqlstate).toBe('22P02');
    expect(await ledgerCount('bad-1')).toBe(0);
    await withClient(db.adminUrl, async (c) => {
      expect((await c.query(`select to_regclass('app.leftovers') as t`)).rows[0].t).toBeNull();
      const cols = await c.query(`select 1 from information_schema.columns where table_schema = 'app' and table_name = 'notes' and column_name = 'extra'`);
      expect(cols.rowCount).toBe(0);
    });
  });

  it('takes the statement-by-statement path for CREATE INDEX CONCURRENTLY and records it', async () => {
    const out = await applyMigration(db, 'run-1', record('cic-1', `ALTER TABLE notes ADD COLUMN flagged boolean;\nCREATE INDEX CONCURRENTLY notes_flagged ON notes (flagged);`));
    expect(out).toMatchObject({ status: 'applied', mode: 'statement-by-statement' });
    await withClient(db.adminUrl, async (c) => {
      const { rows } = await c.query(`select status from schemacrew.ledger where entry_id = 'cic-1'`);
      expect(rows).toEqual([{ status: 'applied' }]);
      const idx = await c.query(`select indisvalid from pg_index where indexrelid = 'app.notes_flagged'::regclass`);
      expect(idx.rows[0].indisvalid).toBe(true);
    });
  });

  it('marks a statement-by-statement migration that broke halfway as partial, never applied', async () => {
    const out = await applyMigration(db, 'run-1', record('cic-2', `CREATE INDEX CONCURRENTLY notes_body ON notes (body);\nCREATE INDEX CONCURRENTLY nope ON missing_table (x);`));
    expect(out.status).toBe('partial');
    await withClient(db.adminUrl, async (c) => {
      const { rows } = await c.query(`select status from schemacrew.ledger where entry_id = 'cic-2'`);
      expect(rows).toEqual([{ status: 'partial' }]);
    });
  });
});

void pg;
