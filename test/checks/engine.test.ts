// The engine: positions (UTF-8 byte offsets from libpg-query -> line/column in characters), the
// catalog pass leaving nothing behind, apply errors, CONCURRENTLY through its in-transaction
// equivalent, ignore comments, severity overrides and static-only mode.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { checkMigration, splitStatements } from '../../src/checks/engine.js';
import { SourceText } from '../../src/checks/source.js';
import { TASKPILOT_MINI } from '../../src/checks/fixtures.js';
import { checkSandbox, type CheckSandbox } from './sandbox.js';

let sb: CheckSandbox;
let schema: string;
beforeAll(async () => {
  sb = await checkSandbox('engine');
  schema = await sb.schema(TASKPILOT_MINI);
});
afterAll(async () => {
  await sb?.close();
});

const check = (sql: string, extra: Parameters<typeof checkMigration>[1] = {}) =>
  checkMigration(sql, { connectionString: sb.sandboxUrl, schema, ...extra });

describe('positions', () => {
  it('converts byte offsets to line and character column', () => {
    const src = new SourceText('-- é✓😀\nSELECT 1;');
    // '-- é✓😀' is 7 characters, 3+2+3+4 = 12 bytes; the newline is byte 12.
    expect(src.positionOfByte(13)).toEqual({ line: 2, column: 1 });
    expect(src.positionOfByte(3)).toEqual({ line: 1, column: 4 });
    expect(src.positionOfByte(5)).toEqual({ line: 1, column: 5 }); // ✓ starts after é (2 bytes)
    expect(src.positionOfByte(8)).toEqual({ line: 1, column: 6 }); // 😀 starts after ✓ (3 bytes)
    expect(src.indexOfByte(8)).toBe(5);
    expect(src.byteOfIndex(5)).toBe(8);
  });

  it('reports statements and findings after non-ASCII text at the right line and column', async () => {
    const sql = `-- Größe: ü ✓ 日本語 😀\nSELECT 'é✓😀'; ALTER TABLE issues ADD COLUMN payload json;\n`;
    const r = await checkMigration(sql, { staticOnly: true });
    expect(r.statements.map((s) => [s.line, s.column])).toEqual([
      [2, 1],
      [2, 15],
    ]);
    expect(r.statements[1]!.text).toBe('ALTER TABLE issues ADD COLUMN payload json');
    const f = r.findings.find((x) => x.rule === 'json-not-jsonb')!;
    expect(f).toMatchObject({ statement: 1, line: 2, column: 45 });
  });

  it('positions a syntax error after non-ASCII text (no throw)', async () => {
    const r = await checkMigration(`-- ✓✓✓\nSELECT 'ü';\nCREATE TABLEx t (a int);`, { staticOnly: true });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ rule: 'apply-error', severity: 'blocking', statement: 1, line: 3, column: 8 });
    expect(r.applyError).toMatchObject({ sqlstate: '42601', line: 3, column: 8, statement: 1 });
    expect(r.findings[0]!.message).toMatch(/42601/);
  });
});

describe('catalog pass', () => {
  it('leaves no session state on its pooled connection: advisory locks, prepared statements, settings', async () => {
    const sql = `PREPARE sc_probe AS SELECT 1;\nSELECT pg_advisory_lock(4242);\nSET work_mem = '77MB';`;
    for (let i = 0; i < 3; i++) {
      const r = await check(sql);
      // A PREPARE left behind by the previous check would make this one fail ("already exists").
      expect(r.findings.filter((f) => f.rule === 'apply-error')).toEqual([]);
    }
    const other = new pg.Client({ connectionString: sb.sandboxUrl });
    await other.connect();
    try {
      const { rows } = await other.query('SELECT pg_try_advisory_lock(4242) AS got');
      expect(rows[0].got).toBe(true);
    } finally {
      await other.end();
    }
    const r = await check(`SELECT current_setting('work_mem') AS w;`);
    expect(r.findings).toEqual([]);
  });

  const snapshot = async () => {
    const q = await sb.admin.query(
      `SELECT (SELECT json_agg(c.relname || ':' || c.relkind::text || ':' || c.relfilenode || ':' || c.relnatts ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1) AS rels,
              (SELECT json_agg(t.typname ORDER BY t.typname) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1) AS types,
              (SELECT json_agg(k.conname ORDER BY k.conname) FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE n.nspname = $1) AS cons,
              (SELECT json_agg(p.proname ORDER BY p.proname) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1) AS funcs,
              (SELECT count(*) FROM ${schema}.issues) AS issues,
              (SELECT string_agg(title, ',' ORDER BY number) FROM ${schema}.issues) AS titles`,
      [schema],
    );
    return q.rows[0];
  };

  it('leaves nothing behind', async () => {
    const before = await snapshot();
    const r = await check(`CREATE TYPE sla_state AS ENUM ('ok', 'breached');
CREATE TABLE sla_status (id UUID PRIMARY KEY DEFAULT uuid_generate_v4(), issue_id UUID NOT NULL REFERENCES issues(id), state sla_state);
CREATE INDEX idx_sla_status_issue ON sla_status(issue_id);
CREATE FUNCTION sla_touch() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql;
ALTER TABLE issues ADD COLUMN sla_due_at TIMESTAMPTZ, ALTER COLUMN number TYPE BIGINT;
UPDATE issues SET title = 'changed';
DELETE FROM comments;
INSERT INTO issues (organization_id, project_id, number, title) SELECT organization_id, project_id, 1000, 'new' FROM issues LIMIT 1;
DROP INDEX idx_issues_assignee;`);
    expect(r.applyError).toBeUndefined();
    expect(r.timings.catalogMs).toBeGreaterThan(0);
    // The rewrite happened inside the check transaction (and was seen)...
    expect(r.findings.some((f) => f.rule === 'column-type-rewrite')).toBe(true);
    // ...and none of it survived.
    expect(await snapshot()).toEqual(before);
  });

  it('reports a failing statement as apply-error with SQLSTATE, line and column, and runs nothing after it', async () => {
    const r = await check(`ALTER TABLE issues ADD COLUMN sla_due_at TIMESTAMPTZ;\n\nSELECT id, titel FROM issues;\nCREATE TABLE never_run (a json);`);
    expect(r.applyError).toMatchObject({ sqlstate: '42703', statement: 1, line: 3, column: 12 });
    const f = r.findings.filter((x) => x.rule === 'apply-error');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'blocking', statement: 1, line: 3, column: 12 });
    expect(f[0]!.message).toContain('42703');
    // Static findings still come; catalog ones on later statements do not.
    expect(r.findings.some((x) => x.rule === 'json-not-jsonb')).toBe(true);
    expect(r.findings.some((x) => x.rule === 'table-without-pk' && x.statement === 2)).toBe(true); // static fallback
  });

  it('analyses CREATE INDEX CONCURRENTLY through its in-transaction equivalent, reported as what it is', async () => {
    const r = await check(`CREATE INDEX CONCURRENTLY idx_issues_status ON issues (status);`);
    expect(r.statements[0]).toMatchObject({ kind: 'CREATE INDEX CONCURRENTLY', transactional: false });
    expect(r.applyError).toBeUndefined();
    // Only the catalog knows status is a 6-label enum: the index was really built in the check transaction.
    expect(r.findings.map((f) => f.rule)).toContain('low-cardinality-index');
    expect(r.findings.map((f) => f.rule)).not.toContain('index-not-concurrent');
  });

  it('maps an error position in a CONCURRENTLY statement back to the original text', async () => {
    const sql = `CREATE UNIQUE INDEX CONCURRENTLY idx_x ON issues (title) WHERE nope > 0;`;
    const r = await check(sql);
    expect(r.applyError).toMatchObject({ sqlstate: '42703', line: 1 });
    // Postgres saw the text without CONCURRENTLY; the column points into the original.
    expect(r.applyError!.column).toBe(sql.indexOf('nope') + 1);
  });

  it('handles DROP INDEX CONCURRENTLY and REINDEX CONCURRENTLY', async () => {
    const r = await check(`REINDEX INDEX CONCURRENTLY idx_issues_assignee;\nDROP INDEX CONCURRENTLY idx_issues_assignee;`);
    expect(r.applyError).toBeUndefined();
    expect(r.statements.map((s) => [s.kind, s.transactional])).toEqual([
      ['REINDEX CONCURRENTLY', false],
      ['DROP INDEX CONCURRENTLY', false],
    ]);
  });

  it('does not execute unsafe or transaction-control statements', async () => {
    const r = await check(`BEGIN;\nGRANT SELECT ON issues TO no_such_role_xyz;\nCOMMIT;\nCREATE TABLE ok_table (id UUID PRIMARY KEY);`);
    expect(r.applyError).toBeUndefined();
    expect(r.findings.map((f) => f.rule).sort()).toEqual(['transaction-control', 'transaction-control', 'unsafe-statement']);
  });

  it('mentions the estimated rows and the lock taken', async () => {
    const r = await check(`CREATE INDEX idx_issues_title ON issues (title);`);
    const f = r.findings.find((x) => x.rule === 'index-not-concurrent')!;
    expect(f.message).toContain('40 rows');
    expect(f.message).toContain('ShareLock on issues');
  });
});

describe('ignore comments and severity', () => {
  it('suppresses the named rules for the next statement and reports them as suppressed', async () => {
    const r = await checkMigration(
      `-- schemacrew-ignore: json-not-jsonb, timestamp-without-tz legacy payload kept verbatim for the export API\nALTER TABLE issues ADD COLUMN payload json, ADD COLUMN seen TIMESTAMP;\nALTER TABLE comments ADD COLUMN raw json;`,
      { staticOnly: true },
    );
    expect(r.suppressed.map((f) => [f.rule, f.statement])).toEqual([
      ['json-not-jsonb', 0],
      ['timestamp-without-tz', 0],
    ]);
    expect(r.findings.map((f) => [f.rule, f.statement])).toEqual([['json-not-jsonb', 1]]);
  });

  it('overrides severity per rule, and turns rules off', async () => {
    const sql = `ALTER TABLE issues ADD COLUMN payload json, ADD COLUMN seen TIMESTAMP;`;
    const r = await checkMigration(sql, { staticOnly: true, config: { severity: { 'json-not-jsonb': 'blocking', 'timestamp-without-tz': 'off' } } });
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([['json-not-jsonb', 'blocking']]);
  });

  it('honours a custom extension allow-list', async () => {
    const sql = `CREATE EXTENSION IF NOT EXISTS hstore;`;
    expect((await checkMigration(sql, { staticOnly: true })).findings).toEqual([]);
    const r = await checkMigration(sql, { staticOnly: true, config: { extensionAllowList: ['pg_trgm'] } });
    expect(r.findings.map((f) => f.rule)).toEqual(['unsafe-statement']);
  });
});

describe('static-only mode', () => {
  it('works with no database at all', async () => {
    const r = await checkMigration(`DROP SCHEMA taskpilot CASCADE;\nCREATE TABLE t (id int, created TIMESTAMP);`);
    expect(r.timings.catalogMs).toBe(0);
    expect(r.findings.map((f) => f.rule)).toEqual(['unsafe-statement', 'table-without-pk', 'timestamp-without-tz']);
  });

  it('staticOnly ignores a connection string', async () => {
    const r = await checkMigration(`SELECT 1;`, { staticOnly: true, connectionString: 'postgres://nobody@127.0.0.1:1/nothing' });
    expect(r.findings).toEqual([]);
  });
});

describe('splitStatements', () => {
  it('splits with positions, kinds and transactional flags', () => {
    const parts = splitStatements(`-- ✓\nCREATE INDEX CONCURRENTLY i ON t (a);\nALTER TABLE t ADD COLUMN b int; VACUUM t;`);
    expect(parts).toEqual([
      { index: 0, text: 'CREATE INDEX CONCURRENTLY i ON t (a)', line: 2, column: 1, transactional: false, kind: 'CREATE INDEX CONCURRENTLY' },
      { index: 1, text: 'ALTER TABLE t ADD COLUMN b int', line: 3, column: 1, transactional: true, kind: 'ALTER TABLE' },
      { index: 2, text: 'VACUUM t', line: 3, column: 33, transactional: false, kind: 'VACUUM' },
    ]);
  });

  it('throws a usage error on a syntax error', () => {
    expect(() => splitStatements('CREATE TABLEx t ();')).toThrow(/syntax error at 1:8/);
  });
});

describe('quoteIdent', () => {
  it('leaves plain names bare and quotes what Postgres would misread', async () => {
    const { quoteIdent } = await import('../../src/checks/parse.js');
    expect(quoteIdent('time_entries')).toBe('time_entries');
    expect(quoteIdent('name')).toBe('name');
    expect(quoteIdent('user')).toBe('"user"');
    expect(quoteIdent('order')).toBe('"order"');
    expect(quoteIdent('interval')).toBe('"interval"');
    expect(quoteIdent('Mixed')).toBe('"Mixed"');
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
  });
});
