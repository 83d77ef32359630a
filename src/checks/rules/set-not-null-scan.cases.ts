import type { RuleCases } from '../types.js';

const LOG = `CREATE TABLE automation_execution_log (
    id BIGSERIAL PRIMARY KEY,
    batch_id UUID,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);
INSERT INTO automation_execution_log (batch_id) SELECT gen_random_uuid() FROM generate_series(1, 25);`;

export default {
  setup: LOG,
  bad: [
    { name: 'SET NOT NULL after a backfill', sql: `UPDATE automation_execution_log SET batch_id = gen_random_uuid() WHERE batch_id IS NULL;\nALTER TABLE automation_execution_log ALTER COLUMN batch_id SET NOT NULL;` },
    {
      name: 'a NOT VALID check that was never validated does not help',
      sql: `ALTER TABLE automation_execution_log ADD CONSTRAINT log_batch_nn CHECK (batch_id IS NOT NULL) NOT VALID;\nALTER TABLE automation_execution_log ALTER COLUMN batch_id SET NOT NULL;`,
    },
  ],
  good: [
    {
      name: 'validated check first',
      setup: `ALTER TABLE automation_execution_log ADD CONSTRAINT log_batch_nn CHECK (batch_id IS NOT NULL) NOT VALID;
ALTER TABLE automation_execution_log VALIDATE CONSTRAINT log_batch_nn;`,
      sql: `ALTER TABLE automation_execution_log ALTER COLUMN batch_id SET NOT NULL;\nALTER TABLE automation_execution_log DROP CONSTRAINT log_batch_nn;`,
    },
    { name: 'new table', sql: `CREATE TABLE automation_batches (id UUID PRIMARY KEY, name TEXT);\nALTER TABLE automation_batches ALTER COLUMN name SET NOT NULL;` },
  ],
} satisfies RuleCases;
