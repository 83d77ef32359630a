import type { RuleCases } from '../types.js';

export default {
  setup: `CREATE TABLE activity_log_partitioned (
    id UUID DEFAULT uuid_generate_v4(),
    organization_id UUID NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE activity_log_y2024m01 PARTITION OF activity_log_partitioned FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE activity_log_default PARTITION OF activity_log_partitioned DEFAULT;
CREATE TABLE time_entries (id UUID PRIMARY KEY DEFAULT uuid_generate_v4(), minutes INTEGER, is_billable TEXT DEFAULT 'false');`,
  bad: [
    { name: 'seed Day 54: drop a partition in place', sql: `DROP TABLE activity_log_y2024m01;` },
    { name: 'seed Day 4: drop a column', sql: `ALTER TABLE time_entries DROP COLUMN is_billable;\nALTER TABLE time_entries ADD COLUMN is_billable BOOLEAN DEFAULT false;` },
    { name: 'DROP TABLE IF EXISTS of a missing table', sql: `DROP TABLE IF EXISTS legacy_time_entries;` },
  ],
  good: [
    { name: 'detach only', sql: `ALTER TABLE activity_log_partitioned DETACH PARTITION activity_log_y2024m01;` },
    { name: 'dropping an index is not destructive', sql: `DROP INDEX IF EXISTS idx_api_request_log_body;` },
  ],
} satisfies RuleCases;
