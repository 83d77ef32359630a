import type { RuleCases } from '../types.js';

const LOG = `CREATE TABLE automation_execution_log (
    id BIGSERIAL PRIMARY KEY,
    rule_id UUID NOT NULL,
    success BOOLEAN NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);`;

export default {
  setup: LOG,
  bad: [
    {
      name: 'seed Day 38-39 on a populated table (the apply fails too)',
      setup: `INSERT INTO automation_execution_log (rule_id, success) SELECT uuid_generate_v4(), true FROM generate_series(1, 20);`,
      sql: `ALTER TABLE automation_execution_log ADD COLUMN batch_id UUID NOT NULL;`,
    },
    { name: 'seed Day 38-39 on an empty table', sql: `ALTER TABLE automation_execution_log ADD COLUMN batch_id UUID NOT NULL;` },
  ],
  good: [
    { name: 'seed Day 40: nullable', sql: `ALTER TABLE automation_execution_log ADD COLUMN batch_id UUID;` },
    { name: 'constant default', sql: `ALTER TABLE automation_execution_log ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;` },
    { name: 'new table', sql: `CREATE TABLE automation_batches (id UUID PRIMARY KEY);\nALTER TABLE automation_batches ADD COLUMN started_at TIMESTAMPTZ NOT NULL;` },
  ],
} satisfies RuleCases;
