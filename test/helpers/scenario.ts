// A tiny scenario for database-level tests that should not depend on the TaskPilot data.
import type { Scenario, RoadmapEntry } from '../../src/scenario/types.js';
import type { DatabaseServer } from '../../src/db/server.js';
import { adminUrl, urlFor } from './db.js';

export function testServer(): DatabaseServer {
  return { adminUrl: adminUrl(), embedded: false, urlFor, stop: async () => {} };
}

export function tinyScenario(roadmap: Partial<RoadmapEntry>[] = []): Scenario {
  const persona = {
    id: 'jo',
    name: 'Jo',
    role: 'engineer',
    kind: 'engineer' as const,
    years: 1,
    errorRate: 0.4,
    tendencies: { 'fk-missing-index': 1 },
    style: ['terse'],
    prompt: 'You are Jo.',
    file: 'agents/jo.md',
  };
  return {
    id: 'tiny',
    name: 'Tiny',
    description: 'a tiny test scenario',
    dir: 'test/tiny',
    schema: 'app',
    extensions: ['uuid-ossp'],
    baseSchemaSql: `CREATE TABLE notes (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), body text NOT NULL);`,
    seed: { sql: `INSERT INTO notes (body) SELECT 'note ' || g FROM generate_series(1, current_setting('schemacrew.scale')::int * 10) g;`, scale: 1 },
    roadmap: roadmap.map((e, index) => ({
      id: `day-${index + 1}`,
      index,
      dayStart: index + 1,
      dayEnd: index + 1,
      week: 1,
      weekTitle: 'Week 1',
      personaId: 'jo',
      title: `entry ${index + 1}`,
      task: 'a task',
      referenceSql: 'SELECT 1;',
      verdict: 'good' as const,
      plantedDefects: [],
      expectations: [],
      file: 'test/tiny/roadmap.md',
      line: index + 1,
      ...e,
    })),
    cast: new Map([['jo', persona]]),
    reviewer: { ...persona, id: 'rev', name: 'Rev', kind: 'reviewer' as const, errorRate: 0, strictness: 0.5 },
  };
}
