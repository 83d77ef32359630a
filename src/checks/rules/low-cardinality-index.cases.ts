import type { RuleCases } from '../types.js';
import { TASKPILOT_MINI } from '../fixtures.js';

const HISTORY = `CREATE TABLE recurring_issue_history (
    id SERIAL PRIMARY KEY,
    config_id UUID NOT NULL,
    issue_id UUID NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);`;

export default {
  setup: TASKPILOT_MINI,
  bad: [
    {
      name: 'seed Day 33-34: index on a VARCHAR(20) status',
      setup: HISTORY,
      sql: `ALTER TABLE recurring_issue_history
ADD COLUMN status VARCHAR(20) DEFAULT 'success', -- Should be ENUM
ADD COLUMN error_message TEXT,
ADD COLUMN retry_count INTEGER DEFAULT 0;

-- Adding index on status without considering cardinality
CREATE INDEX idx_recurring_history_status ON recurring_issue_history(status);`,
    },
    { name: 'enum with 6 labels', sql: `CREATE INDEX CONCURRENTLY idx_issues_status ON issues(status);` },
    {
      name: 'boolean flag',
      sql: `ALTER TABLE users ADD COLUMN is_active BOOLEAN NOT NULL DEFAULT true;\nCREATE INDEX idx_users_is_active ON users(is_active);`,
    },
  ],
  good: [
    { name: 'partial index on the rare value', setup: HISTORY, sql: `ALTER TABLE recurring_issue_history ADD COLUMN status VARCHAR(20) DEFAULT 'success';\nCREATE INDEX idx_recurring_history_failed ON recurring_issue_history(created_at) WHERE status = 'failed';` },
    { name: 'selective leading column', sql: `CREATE INDEX idx_issues_project_status ON issues(project_id, status);` },
  ],
} satisfies RuleCases;
