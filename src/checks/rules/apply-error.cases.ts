import type { RuleCases } from '../types.js';

export default {
  setup: `CREATE TABLE automation_execution_log (
    id BIGSERIAL PRIMARY KEY,
    rule_id UUID NOT NULL,
    success BOOLEAN NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
  );
  INSERT INTO automation_execution_log (rule_id, success) SELECT uuid_generate_v4(), true FROM generate_series(1, 50);`,
  bad: [
    {
      name: 'NOT NULL column without default on a table with rows (seed Day 38-39)',
      sql: `ALTER TABLE automation_execution_log ADD COLUMN batch_id UUID NOT NULL;`,
    },
    {
      name: 'syntax error',
      sql: `CREATE TABLE time_entries (\n  id UUID PRIMARY KEY,\n  minutes INTEGER NOT NULL,,\n);`,
    },
    {
      name: 'enum value used before it exists (seed Day 17)',
      setup: `CREATE TYPE notification_type AS ENUM ('issue_assigned', 'comment_added');
        CREATE TABLE notifications (id UUID PRIMARY KEY DEFAULT uuid_generate_v4(), user_id UUID NOT NULL, type notification_type NOT NULL, title VARCHAR(200) NOT NULL);`,
      sql: `INSERT INTO notifications (user_id, type, title)\nVALUES (uuid_generate_v4(), 'sla_breach', 'SLA Breached!');`,
    },
  ],
  good: [
    {
      name: 'nullable column, backfilled later (seed Day 40)',
      sql: `ALTER TABLE automation_execution_log ADD COLUMN batch_id UUID;`,
    },
  ],
} satisfies RuleCases;
