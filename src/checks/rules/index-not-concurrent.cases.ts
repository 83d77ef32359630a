import type { RuleCases } from '../types.js';
import { TASKPILOT_MINI } from '../fixtures.js';

export default {
  setup: TASKPILOT_MINI,
  bad: [
    { name: 'seed Day 4: index on an existing table', setup: `CREATE TABLE time_entries (id UUID PRIMARY KEY DEFAULT uuid_generate_v4(), issue_id UUID NOT NULL REFERENCES issues(id));`, sql: `CREATE INDEX idx_time_entries_issue_id ON time_entries(issue_id);` },
    { name: 'seed Day 6: GIN index on issues', sql: `ALTER TABLE issues ADD COLUMN custom_fields JSONB DEFAULT '{}'::jsonb;\nCREATE INDEX idx_issues_custom_fields ON issues USING gin(custom_fields);` },
  ],
  good: [
    { name: 'CONCURRENTLY', sql: `CREATE INDEX CONCURRENTLY idx_issues_title ON issues(title);` },
    {
      name: 'index on a table created in the same migration',
      sql: `CREATE TABLE time_entries (id UUID PRIMARY KEY DEFAULT uuid_generate_v4(), issue_id UUID NOT NULL REFERENCES issues(id));
CREATE INDEX idx_time_entries_issue_id ON time_entries(issue_id);`,
    },
  ],
} satisfies RuleCases;
