import type { RuleCases } from '../types.js';
import { TASKPILOT_MINI } from '../fixtures.js';

export default {
  setup: TASKPILOT_MINI,
  bad: [
    { name: 'uuid default on an existing table', sql: `ALTER TABLE comments ADD COLUMN public_id UUID NOT NULL DEFAULT gen_random_uuid();` },
    { name: 'clock_timestamp default', sql: `ALTER TABLE issues ADD COLUMN synced_at TIMESTAMPTZ DEFAULT clock_timestamp();` },
    { name: 'bigserial column', sql: `ALTER TABLE comments ADD COLUMN seq BIGSERIAL;` },
  ],
  good: [
    { name: 'seed Day 1: constant default (no rewrite since PG 11)', sql: `ALTER TABLE issues ADD COLUMN time_estimate_minutes INTEGER;\nALTER TABLE issues ADD COLUMN time_spent_minutes INTEGER DEFAULT 0;` },
    { name: 'seed Day 8: long constant default', sql: `ALTER TABLE issues\nADD COLUMN default_value TEXT DEFAULT 'This is a very long default value that will cause issues...';` },
    { name: 'now() is stable, not volatile', sql: `ALTER TABLE issues ADD COLUMN imported_at TIMESTAMPTZ DEFAULT now();` },
  ],
} satisfies RuleCases;
