import type { RuleCases } from '../types.js';
import { TASKPILOT_MINI } from '../fixtures.js';

export default {
  setup: TASKPILOT_MINI,
  bad: [
    {
      name: 'seed Day 2: time_entries.issue_id without an index',
      sql: `CREATE TABLE time_entries (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    issue_id UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
    minutes INTEGER NOT NULL,
    description TEXT,
    date DATE NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);`,
    },
    {
      name: 'seed Day 27: new FK column on issues, no index',
      setup: `CREATE TABLE issue_templates (id UUID PRIMARY KEY DEFAULT uuid_generate_v4(), name VARCHAR(100) NOT NULL);`,
      sql: `ALTER TABLE issues ADD COLUMN template_id UUID REFERENCES issue_templates(id);`,
    },
    {
      name: 'index with the FK column second does not count',
      sql: `CREATE TABLE time_entries (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    issue_id UUID NOT NULL REFERENCES issues(id),
    date DATE NOT NULL
);
CREATE INDEX idx_time_entries_date_issue ON time_entries(date, issue_id);`,
    },
  ],
  good: [
    {
      name: 'seed Day 4 style: FK with its index',
      sql: `CREATE TABLE time_entries (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    issue_id UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    minutes INTEGER NOT NULL
);
CREATE INDEX idx_time_entries_issue_id ON time_entries(issue_id);`,
    },
    {
      name: 'FK covered by the leading column of a UNIQUE constraint',
      sql: `CREATE TABLE issue_watchers (
    issue_id UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    email VARCHAR(255) NOT NULL,
    CONSTRAINT issue_watchers_unique UNIQUE (issue_id, email)
);`,
    },
  ],
} satisfies RuleCases;
