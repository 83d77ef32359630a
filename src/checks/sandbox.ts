// A sandbox role for the catalog pass: NOSUPERUSER, LOGIN, owning a schema and everything in it
// (so the migration can ALTER what it finds) and nothing else. Used by `schemacrew check --schema`
// and the tests; the orchestrator makes its own.
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { quoteIdent } from './parse.js';

export interface Sandbox {
  role: string;
  /** Connection string for the sandbox role on the same database. */
  url: string;
}

/** Extensions a scenario base schema may rely on, created in public by the superuser. */
export const BASE_EXTENSIONS = ['uuid-ossp', 'pg_trgm', 'btree_gin'];

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Creates a LOGIN NOSUPERUSER role with a random password; returns its connection string. */
export async function createSandboxRole(admin: pg.Client, databaseUrl: string, prefix = 'sc_sandbox'): Promise<Sandbox> {
  const role = `${prefix}_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await admin.query(
    `CREATE ROLE ${quoteIdent(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${literal(password)}`,
  );
  const u = new URL(databaseUrl);
  u.username = role;
  u.password = password;
  return { role, url: u.toString() };
}

/**
 * Gives the role a schema and every object in it (tables and partitions, views, matviews,
 * sequences not owned by a column, functions, types), extension members excepted.
 */
export async function handOverSchema(admin: pg.Client, schema: string, role: string): Promise<void> {
  const r = quoteIdent(role);
  await admin.query(`ALTER SCHEMA ${quoteIdent(schema)} OWNER TO ${r}`);
  await admin.query(`DO $sc$
DECLARE o record;
BEGIN
  FOR o IN
    SELECT c.oid::regclass::text AS name,
           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                          WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ${literal(schema)} AND c.relkind IN ('r','p','v','m','S','f')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                         AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a','i'))))
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I', o.kind, o.name, ${literal(role)});
  END LOOP;
  FOR o IN
    SELECT p.oid::regprocedure::text AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = ${literal(schema)}
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', o.name, ${literal(role)});
  END LOOP;
  FOR o IN
    SELECT t.oid::regtype::text AS name, CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END AS kind
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = ${literal(schema)} AND t.typtype IN ('e','d','r')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I', o.kind, o.name, ${literal(role)});
  END LOOP;
END $sc$`);
}

/** Drops a sandbox role after the databases it owned objects in are gone (or cleaned). */
export async function dropSandboxRole(admin: pg.Client, role: string): Promise<void> {
  await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
}
