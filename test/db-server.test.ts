import { describe, it, expect } from 'vitest';
import pg from 'pg';
import { scratchDatabase } from './helpers/db.js';
import { connectExternal } from '../src/db/server.js';
import { SchemacrewError } from '../src/errors.js';

describe('database server', () => {
  it('is a real Postgres 14+ with the scenario extensions available', async () => {
    const db = await scratchDatabase();
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const { rows } = await c.query<{ v: number }>(`select current_setting('server_version_num')::int as v`);
      expect(rows[0]!.v).toBeGreaterThanOrEqual(140000);
      for (const ext of ['uuid-ossp', 'pg_trgm', 'btree_gin', 'pg_stat_statements']) {
        await c.query(`create extension if not exists "${ext}"`);
      }
      const { rows: u } = await c.query(`select uuid_generate_v4() as id`);
      expect(u[0].id).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await c.end();
      await db.drop();
    }
  });

  it('says in one line when DATABASE_URL cannot be reached', async () => {
    const err = await connectExternal('postgres://nobody:x@127.0.0.1:1/nothing').catch((e) => e);
    expect(err).toBeInstanceOf(SchemacrewError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('127.0.0.1:1/nothing');
    expect(err.message.split('\n')).toHaveLength(1);
  });
});
