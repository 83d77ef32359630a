// One database per trial, cloned from a template prepared once per experiment (base schema, seed
// data, empty ledger): CREATE DATABASE … TEMPLATE copies files instead of replaying schema.sql and
// seed.sql. Postgres refuses the clone while anyone is connected to the template, so nothing
// keeps a connection to it and clones are serialised (CloneLock); the lock is held until the
// pipeline has opened the clone, because opening one runs ALTER ROLE on the shared sandbox role,
// which concurrent sessions would trip over ("tuple concurrently updated").
import { createHash } from 'node:crypto';
import type { DatabaseServer } from '../db/server.js';
import type { Scenario } from '../scenario/types.js';
import { createDatabase, dropDatabase, prepareScenarioDatabase, withClient } from '../db/sandbox.js';

/** A FIFO mutex. */
export class CloneLock {
  private tail: Promise<void> = Promise.resolve();

  /** Resolves with a release function once every earlier holder has released. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const ready = this.tail.then(() => {
      let done = false;
      return () => {
        if (done) return;
        done = true;
        release();
      };
    });
    this.tail = this.tail.then(() => next);
    return ready;
  }
}

function short(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}

/** Database names for an experiment: short, valid identifiers, unique per experiment and trial. */
export function templateName(experimentId: string): string {
  return `scx_${short(experimentId)}_tpl`;
}

export function trialDatabaseName(experimentId: string, trialId: string): string {
  return `scx_${short(experimentId)}_${short(trialId)}`;
}

/** Builds the template: an empty database prepared with the scenario (ledger empty). */
export async function buildTemplate(
  server: DatabaseServer,
  name: string,
  scenario: Scenario,
  opts: { scale?: number; log?: (line: string) => void } = {},
): Promise<{ ms: number }> {
  const t0 = performance.now();
  await dropTemplate(server, name);
  await createDatabase(server, name);
  try {
    await prepareScenarioDatabase(server, name, scenario, { ...(opts.scale !== undefined ? { scale: opts.scale } : {}), ...(opts.log ? { log: opts.log } : {}) });
  } catch (err) {
    await dropTemplate(server, name).catch(() => undefined);
    throw err;
  }
  // Mark it a template (documentation for anyone looking at the server; CREATE … TEMPLATE works either way).
  await withClient(server.adminUrl, (c) => c.query(`ALTER DATABASE "${name}" IS_TEMPLATE true`));
  return { ms: performance.now() - t0 };
}

export async function dropTemplate(server: DatabaseServer, name: string): Promise<void> {
  await withClient(server.adminUrl, (c) => c.query(`ALTER DATABASE "${name}" IS_TEMPLATE false`)).catch(() => undefined);
  await dropDatabase(server, name);
}

/**
 * How to copy the template. FILE_COPY (Postgres 15+) copies the files and checkpoints, about twice
 * as fast as WAL_LOG for the ~30 MB TaskPilot template; the checkpoints are cheap on the embedded
 * server (fsync off, a private cluster), so it is used there. On a DATABASE_URL server the server's
 * default (WAL_LOG) is kept: forced checkpoints on a shared, durable server are not ours to cause.
 */
export type CloneStrategy = 'FILE_COPY' | 'WAL_LOG' | 'default';

export function cloneStrategyFor(server: DatabaseServer): CloneStrategy {
  return server.embedded ? 'FILE_COPY' : 'default';
}

/** Clones the template into `name` (dropping a leftover of an interrupted run first); returns ms spent. */
export async function cloneTemplate(server: DatabaseServer, template: string, name: string, strategy: CloneStrategy = cloneStrategyFor(server)): Promise<number> {
  await dropDatabase(server, name);
  const t0 = performance.now();
  if (strategy === 'default') {
    await createDatabase(server, name, template);
  } else {
    await withClient(server.adminUrl, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}" STRATEGY ${strategy}`));
  }
  return performance.now() - t0;
}

/** The ledger rows of a database (run id and entry id), in roadmap order. */
export async function ledgerRows(server: DatabaseServer, name: string): Promise<{ runId: string; entryId: string }[]> {
  return withClient(server.urlFor(name), async (c) =>
    (await c.query('select run_id, entry_id from schemacrew.ledger order by entry_index')).rows.map((r) => ({ runId: String(r.run_id), entryId: String(r.entry_id) })),
  );
}
