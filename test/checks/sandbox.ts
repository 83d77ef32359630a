// A scratch database with a sandbox role for the checks tests: each case gets its own schema,
// set up as superuser and then handed to the NOSUPERUSER sandbox role the check runs as.
import pg from 'pg';
import { scratchDatabase, adminUrl } from '../helpers/db.js';
import { BASE_EXTENSIONS, createSandboxRole, dropSandboxRole, handOverSchema } from '../../src/checks/sandbox.js';

export interface CheckSandbox {
  /** Superuser URL of the scratch database. */
  url: string;
  /** Sandbox-role URL of the scratch database. */
  sandboxUrl: string;
  role: string;
  admin: pg.Client;
  /** Creates a schema, runs the setup SQL in it as superuser, hands it to the sandbox role. */
  schema(setup?: string): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;

export async function checkSandbox(prefix = 'chk'): Promise<CheckSandbox> {
  const db = await scratchDatabase(prefix);
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  for (const ext of BASE_EXTENSIONS) await admin.query(`CREATE EXTENSION IF NOT EXISTS "${ext}" SCHEMA public`);
  const sb = await createSandboxRole(admin, db.url);
  return {
    url: db.url,
    sandboxUrl: sb.url,
    role: sb.role,
    admin,
    async schema(setup) {
      const name = `s${++counter}_${Math.random().toString(36).slice(2, 7)}`;
      // One query string: callers may run concurrently on this one connection, and the
      // search_path must not leak from one case's setup into another's.
      try {
        await admin.query(`CREATE SCHEMA ${name}; SET search_path TO ${name}, public;\n${setup ?? ''}\n;RESET search_path`);
      } catch (err) {
        await admin.query('RESET search_path');
        throw err;
      }
      await handOverSchema(admin, name, sb.role);
      return name;
    },
    async close() {
      await admin.end();
      await db.drop();
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      try {
        await dropSandboxRole(c, sb.role);
      } finally {
        await c.end();
      }
    },
  };
}
