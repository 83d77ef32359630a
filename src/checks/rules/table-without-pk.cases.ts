import type { RuleCases } from '../types.js';
import { TASKPILOT_MINI } from '../fixtures.js';

export default {
  setup: TASKPILOT_MINI,
  bad: [
    {
      name: 'join table without a key',
      sql: `CREATE TABLE issue_watchers (
    issue_id UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);
CREATE INDEX idx_issue_watchers_issue ON issue_watchers(issue_id);
CREATE INDEX idx_issue_watchers_user ON issue_watchers(user_id);`,
    },
    { name: 'CREATE TABLE AS', sql: `CREATE TABLE issues_archive AS SELECT * FROM issues WHERE false;` },
  ],
  good: [
    {
      name: 'composite primary key',
      sql: `CREATE TABLE issue_watchers (
    issue_id UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (issue_id, user_id)
);
CREATE INDEX idx_issue_watchers_user ON issue_watchers(user_id);`,
    },
    {
      name: 'seed Day 51: partitions inherit the parent key',
      sql: `CREATE TABLE activity_log_partitioned (
    id UUID DEFAULT uuid_generate_v4(),
    organization_id UUID NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE activity_log_y2025m01 PARTITION OF activity_log_partitioned
    FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');
CREATE TABLE activity_log_default PARTITION OF activity_log_partitioned DEFAULT;`,
    },
    { name: 'key added later in the migration', sql: `CREATE TABLE labels_tmp (id UUID NOT NULL, name TEXT);\nALTER TABLE labels_tmp ADD PRIMARY KEY (id);` },
  ],
} satisfies RuleCases;
