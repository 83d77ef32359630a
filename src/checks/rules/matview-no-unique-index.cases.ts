import type { RuleCases } from '../types.js';
import { TASKPILOT_MINI } from '../fixtures.js';

const TIME_ENTRIES = `CREATE TABLE time_entries (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    issue_id UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    minutes INTEGER NOT NULL,
    date DATE NOT NULL
);`;

export default {
  setup: TASKPILOT_MINI,
  bad: [
    {
      name: 'summary view without its unique index',
      setup: TIME_ENTRIES,
      sql: `CREATE MATERIALIZED VIEW mv_issue_time_summary AS
SELECT
    issue_id,
    SUM(minutes) as total_minutes,
    COUNT(*) as entry_count,
    MAX(date) as last_entry_date
FROM time_entries
GROUP BY issue_id;`,
    },
    {
      name: 'a non-unique index does not allow CONCURRENTLY',
      sql: `CREATE MATERIALIZED VIEW mv_project_issue_counts AS
SELECT project_id, status, count(*) AS n FROM issues GROUP BY project_id, status;
CREATE INDEX idx_mv_project_issue_counts ON mv_project_issue_counts(project_id);`,
    },
  ],
  good: [
    {
      name: 'seed Day 5: with a unique index',
      setup: TIME_ENTRIES,
      sql: `CREATE MATERIALIZED VIEW mv_issue_time_summary AS
SELECT
    issue_id,
    SUM(minutes) as total_minutes,
    COUNT(*) as entry_count,
    MAX(date) as last_entry_date
FROM time_entries
GROUP BY issue_id;

CREATE UNIQUE INDEX idx_mv_issue_time_summary ON mv_issue_time_summary(issue_id);`,
    },
  ],
} satisfies RuleCases;
