import type { RuleCases } from '../types.js';
import { TASKPILOT_MINI } from '../fixtures.js';

export default {
  setup: TASKPILOT_MINI,
  bad: [
    {
      name: 'seed Day 32: VARCHAR(36) ids for uuid keys',
      sql: `CREATE TABLE recurring_issue_history (
    id SERIAL PRIMARY KEY,
    config_id VARCHAR(36) NOT NULL,
    issue_id VARCHAR(36) NOT NULL,
    scheduled_for TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);`,
    },
    {
      name: 'integer FK to a bigint key',
      setup: `CREATE TABLE api_request_log (id BIGSERIAL PRIMARY KEY, endpoint VARCHAR(200) NOT NULL);`,
      sql: `CREATE TABLE api_request_errors (
    id BIGSERIAL PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES api_request_log(id),
    message TEXT
);
CREATE INDEX idx_api_request_errors_request ON api_request_errors(request_id);`,
    },
  ],
  good: [
    {
      name: 'uuid FK to a uuid key',
      sql: `CREATE TABLE time_entries (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    issue_id UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    minutes INTEGER NOT NULL
);
CREATE INDEX idx_time_entries_issue_id ON time_entries(issue_id);`,
    },
    {
      name: 'external ids are not references',
      sql: `ALTER TABLE issues ADD COLUMN external_id VARCHAR(200);`,
    },
  ],
} satisfies RuleCases;
