// One embedded Postgres for the whole test run (or DATABASE_URL when set); test files create
// their own databases on it through test/helpers/db.ts.
import type { TestProject } from 'vitest/node';
import { openServer, type DatabaseServer } from '../src/db/server.js';

let server: DatabaseServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await openServer();
  project.provide('adminUrl', server.adminUrl);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
  }
}
