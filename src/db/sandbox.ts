// The scenario database: extensions and bookkeeping set up as superuser, everything the personas
// touch owned by an unprivileged sandbox role that migrations run as.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Scenario } from '../scenario/types.js';
import type { DatabaseServer } from './server.js';
import { SchemacrewError, ExitCode } from '../errors.js';
import { LEDGER_DDL } from './ledger.js';
import { quoteIdent } from '../checks/parse.js';

export const SANDBOX_ROLE = 'schemacrew_sandbox';

export interface SandboxLimits {
  statementTimeoutMs: number;
  lockTimeoutMs: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { statementTimeoutMs: 60_000, lockTimeoutMs: 5_000 };

export interface ScenarioDatabase {
  database: string;
  /** Superuser connection to the scenario database: setup, ledger reads, catalog summaries. */
  adminUrl: string;
  /** Sandbox-role connection: every migration and every check runs through this. */
  sandboxUrl: string;
  role: string;
  /** Postgres schema holding the scenario's tables. */
  schema: string;
}

export { quoteIdent };

function quoteLiteral(value: string): string {
  return "'" + value.replace(/'/g, "''") + "'";
}

/**
 * Derived from the superuser credentials, so every schemacrew process talking to the same server
 * computes the same password without storing it, and the sandbox role cannot learn the admin's.
 */
function sandboxPassword(adminUrl: string): string {
  // Only the server and the admin's credentials count, not the database or query string: every
  // process and every database on one server must arrive at the same password for the one role.
  const u = new URL(adminUrl);
  const key = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}@${u.hostname}:${u.port || 5432}`;
  return createHash('sha256').update('schemacrew-sandbox:' + key).digest('hex').slice(0, 32);
}

function withCredentials(url: string, database: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function databaseExists(server: DatabaseServer, database: string): Promise<boolean> {
  return withClient(server.adminUrl, async (c) => {
    const { rowCount } = await c.query('select 1 from pg_database where datname = $1', [database]);
    return (rowCount ?? 0) > 0;
  });
}

/** True when the database already holds a schemacrew ledger (a previous run's database). */
export async function hasLedger(url: string): Promise<boolean> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(`select to_regclass('schemacrew.ledger') is not null as present`);
    return Boolean(rows[0]?.present);
  });
}

export async function createDatabase(server: DatabaseServer, database: string, template?: string): Promise<void> {
  await withClient(server.adminUrl, async (c) => {
    await c.query(`CREATE DATABASE ${quoteIdent(database)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}`);
  });
}

export async function dropDatabase(server: DatabaseServer, database: string): Promise<void> {
  await withClient(server.adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  });
}

/** Connection details for a database that already went through prepareScenarioDatabase (or a clone of one). */
export async function openScenarioDatabase(
  server: DatabaseServer,
  database: string,
  scenario: Pick<Scenario, 'schema'>,
  limits: SandboxLimits = DEFAULT_LIMITS,
): Promise<ScenarioDatabase> {
  const adminUrl = server.urlFor(database);
  const password = sandboxPassword(server.adminUrl);
  await withClient(adminUrl, async (c) => {
    const { rowCount } = await c.query('select 1 from pg_roles where rolname = $1', [SANDBOX_ROLE]);
    const pw = quoteLiteral(password);
    if (!rowCount) {
      await c.query(
        `CREATE ROLE ${SANDBOX_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${pw}`,
      ).catch((err: { code?: string }) => {
        // Another process created it between our look and our create.
        if (err.code !== '42710' && err.code !== '23505') throw err;
      });
    }
    await c.query(`ALTER ROLE ${SANDBOX_ROLE} LOGIN NOSUPERUSER PASSWORD ${pw}`);
    const db = quoteIdent(database);
    const schema = quoteIdent(scenario.schema);
    await c.query(`ALTER ROLE ${SANDBOX_ROLE} IN DATABASE ${db} SET search_path = ${schema}, public`);
    await c.query(`ALTER ROLE ${SANDBOX_ROLE} IN DATABASE ${db} SET statement_timeout = ${limits.statementTimeoutMs}`);
    await c.query(`ALTER ROLE ${SANDBOX_ROLE} IN DATABASE ${db} SET lock_timeout = ${limits.lockTimeoutMs}`);
    await c.query(`ALTER ROLE ${SANDBOX_ROLE} IN DATABASE ${db} SET idle_in_transaction_session_timeout = 300000`);
  });
  return {
    database,
    adminUrl,
    sandboxUrl: withCredentials(server.adminUrl, database, SANDBOX_ROLE, password),
    role: SANDBOX_ROLE,
    schema: scenario.schema,
  };
}

export interface PrepareOptions {
  /** Seed scale factor (1 = thousands of rows). */
  scale?: number;
  limits?: SandboxLimits;
  log?: (line: string) => void;
}

/**
 * Turns an empty database into the scenario's starting point: extensions, the sandbox role,
 * the scenario schema (owned by the role), the base schema and seed data, the ledger.
 * Runs in one transaction per step so a bad schema file leaves no half-built database behind.
 */
export async function prepareScenarioDatabase(
  server: DatabaseServer,
  database: string,
  scenario: Scenario,
  opts: PrepareOptions = {},
): Promise<ScenarioDatabase> {
  const log = opts.log ?? (() => {});
  const adminUrl = server.urlFor(database);
  await withClient(adminUrl, async (c) => {
    for (const ext of scenario.extensions) {
      await c.query(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(ext)} WITH SCHEMA public`);
    }
  });
  const db = await openScenarioDatabase(server, database, scenario, opts.limits);
  await withClient(adminUrl, async (c) => {
    await c.query('BEGIN');
    await c.query(`CREATE SCHEMA ${quoteIdent(scenario.schema)} AUTHORIZATION ${SANDBOX_ROLE}`);
    await c.query(LEDGER_DDL);
    await c.query(`GRANT USAGE ON SCHEMA schemacrew TO ${SANDBOX_ROLE}`);
    // The migration and its ledger row commit together on the sandbox connection; the role may
    // add ledger rows but never read, change or delete them.
    await c.query(`GRANT INSERT ON schemacrew.ledger TO ${SANDBOX_ROLE}`);
    await c.query(`GRANT USAGE ON SEQUENCE schemacrew.ledger_id_seq TO ${SANDBOX_ROLE}`);
    await c.query('COMMIT');
  });
  const t0 = Date.now();
  await withClient(db.sandboxUrl, async (c) => {
    await c.query('BEGIN');
    await c.query('SET LOCAL statement_timeout = 0');
    try {
      await c.query(scenario.baseSchemaSql);
    } catch (err) {
      await c.query('ROLLBACK');
      throw new SchemacrewError(`${scenario.dir}/schema.sql: ${(err as Error).message}`, ExitCode.BadInput);
    }
    try {
      await c.query(`SET LOCAL schemacrew.scale = ${Math.max(1, Math.floor(opts.scale ?? scenario.seed.scale))}`);
      await c.query(scenario.seed.sql);
    } catch (err) {
      await c.query('ROLLBACK');
      throw new SchemacrewError(`${scenario.dir}/seed.sql: ${(err as Error).message}`, ExitCode.BadInput);
    }
    await c.query('COMMIT');
    await c.query('ANALYZE');
  });
  log(`base schema and seed data loaded in ${Date.now() - t0} ms`);
  return db;
}
