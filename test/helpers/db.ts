// Throwaway databases on the suite's shared server.
import { inject } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';

export function adminUrl(): string {
  return inject('adminUrl');
}

export function urlFor(database: string): string {
  const u = new URL(adminUrl());
  u.pathname = '/' + database;
  return u.toString();
}

/** Creates a fresh empty database and returns its name and superuser URL; drop() removes it. */
export async function scratchDatabase(prefix = 't'): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: urlFor(name),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
