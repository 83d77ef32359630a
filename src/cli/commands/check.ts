// `schemacrew check <migration.sql>`: run the checks stage on one migration file.
//   --schema <base.sql>   build a throwaway database from that file on the embedded Postgres and check against it
//   --database-url <url>  check against an existing database (as the role in the URL)
//   neither (and no DATABASE_URL): static checks only, said on stderr
import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { InputError, SchemacrewError, ExitCode } from '../../errors.js';

interface CheckFlags {
  schema?: string;
  databaseUrl?: string;
  searchPath?: string;
  format: 'text' | 'json' | 'sarif';
  static?: boolean;
}

async function readInput(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'ENOENT' ? `${what} not found` : `cannot read ${what}: ${(err as Error).message}`);
  }
}

/** Line of a character position (1-based) in a text. */
function lineAt(text: string, position: number | undefined): number | undefined {
  if (!position) return undefined;
  return text.slice(0, position - 1).split('\n').length;
}

/**
 * A throwaway database built from a base schema file on the embedded Postgres (or DATABASE_URL's
 * server), owned by a fresh sandbox role; returns its sandbox URL and a cleanup function.
 */
async function throwawayDatabase(baseFile: string, baseSql: string, searchPath: string | undefined) {
  const { openServer } = await import('../../db/server.js');
  const { BASE_EXTENSIONS, createSandboxRole, handOverSchema, dropSandboxRole } = await import('../../checks/sandbox.js');
  const { quoteIdent } = await import('../../checks/parse.js');
  const server = await openServer();
  const database = `schemacrew_check_${randomBytes(4).toString('hex')}`;
  let role: string | undefined;
  const cleanup = async () => {
    const admin = new pg.Client({ connectionString: server.adminUrl });
    try {
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      if (role) await dropSandboxRole(admin, role);
    } finally {
      await admin.end().catch(() => undefined);
      await server.stop();
    }
  };
  try {
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.end();
    }
    const url = server.urlFor(database);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      for (const ext of BASE_EXTENSIONS) await db.query(`CREATE EXTENSION IF NOT EXISTS "${ext}" SCHEMA public`);
      const schema = searchPath ?? 'public';
      if (searchPath) await db.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(searchPath)}`);
      await db.query(`SET search_path TO ${quoteIdent(schema)}, public`);
      try {
        await db.query(baseSql);
      } catch (err) {
        const e = err as { message?: string; position?: string };
        throw new InputError(baseFile, `does not apply: ${e.message ?? String(err)}`, lineAt(baseSql, Number(e.position) || undefined));
      }
      await db.query('RESET search_path');
      const sb = await createSandboxRole(db, url, 'sc_check');
      role = sb.role;
      await handOverSchema(db, schema, sb.role);
      return { url: sb.url, schema, cleanup };
    } finally {
      await db.end();
    }
  } catch (err) {
    await cleanup().catch(() => undefined);
    throw err;
  }
}

export function registerCheck(program: Command): void {
  // Usage errors are thrown before the action runs: guard the exit code from the start.
  if (process.argv.slice(2).find((a) => !a.startsWith('-')) === 'check')   program
    .command('check')
    .description('Check one migration: static rules on its AST, then (given a database) a catalog pass in a rolled-back transaction.')
    .argument('<migration.sql>', 'the migration file')
    .addOption(new Option('--schema <base.sql>', 'build a throwaway database from this base schema (embedded Postgres) and check against it').conflicts('databaseUrl'))
    .addOption(new Option('--database-url <url>', 'check against this database, as the role in the URL').conflicts('schema'))
    .option('--search-path <schema>', 'schema the migration runs in (search_path)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('--static', 'static checks only (no database)')
    .action(async (file: string, flags: CheckFlags) => {
      const sql = await readInput(file, 'migration file');
      const { checkMigration, loadRules } = await import('../../checks/engine.js');
      const { formatJson, formatSarif, formatText } = await import('../../checks/format.js');

      let connectionString: string | undefined;
      let schema = flags.searchPath;
      let cleanup: (() => Promise<void>) | undefined;
      let mode: string;
      if (flags.static) mode = 'static checks only';
      else if (flags.schema) {
        const base = await readInput(flags.schema, 'base schema file');
        const tmp = await throwawayDatabase(flags.schema, base, flags.searchPath);
        connectionString = tmp.url;
        schema = tmp.schema;
        cleanup = tmp.cleanup;
        mode = `against a throwaway database built from ${flags.schema}`;
      } else if (flags.databaseUrl ?? process.env.DATABASE_URL) {
        connectionString = flags.databaseUrl ?? process.env.DATABASE_URL;
        mode = `against ${redact(connectionString!)}`;
      } else {
        mode = 'static checks only';
        process.stderr.write('schemacrew check: no --schema, --database-url or DATABASE_URL: static checks only (no catalog pass)\n');
      }

      let result;
      try {
        result = await checkMigration(sql, { ...(connectionString ? { connectionString } : { staticOnly: true }), ...(schema ? { schema } : {}) });
      } finally {
        await cleanup?.();
      }

      let out: string;
      if (flags.format === 'json') out = formatJson(result);
      else if (flags.format === 'sarif') out = formatSarif(result, { file, rules: await loadRules(), version: process.env.npm_package_version ?? '0.1.0' });
      else out = formatText(result, { file, color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, mode });
      process.stdout.write(out + '\n');
      if (result.findings.some((f) => f.severity === 'blocking')) process.exitCode = ExitCode.Failed;
    });
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    throw new SchemacrewError(`--database-url is not a URL: ${url}`, ExitCode.BadInput);
  }
}


