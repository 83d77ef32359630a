import type { RuleCases } from '../types.js';

const HISTORY = `CREATE TABLE recurring_issue_history (
    id SERIAL PRIMARY KEY,
    config_id VARCHAR(36) NOT NULL,
    issue_id VARCHAR(36) NOT NULL,
    status VARCHAR(20),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);
INSERT INTO recurring_issue_history (config_id, issue_id) SELECT gen_random_uuid()::text, gen_random_uuid()::text FROM generate_series(1, 30);`;

export default {
  setup: HISTORY,
  bad: [
    {
      name: 'seed Day 35: varchar(36) -> uuid',
      sql: `ALTER TABLE recurring_issue_history
ALTER COLUMN config_id TYPE UUID USING config_id::uuid,
ALTER COLUMN issue_id TYPE UUID USING issue_id::uuid;`,
    },
    { name: 'integer -> bigint', sql: `ALTER TABLE recurring_issue_history ALTER COLUMN id TYPE BIGINT;` },
  ],
  good: [
    { name: 'widening a varchar is metadata-only', sql: `ALTER TABLE recurring_issue_history ALTER COLUMN status TYPE VARCHAR(50);` },
    { name: 'varchar -> text is metadata-only', sql: `ALTER TABLE recurring_issue_history ALTER COLUMN status TYPE TEXT;` },
  ],
} satisfies RuleCases;
