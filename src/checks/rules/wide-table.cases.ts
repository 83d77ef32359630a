import type { RuleCases } from '../types.js';
import { TASKPILOT_MINI } from '../fixtures.js';

const USER_DAILY_METRICS = `CREATE TABLE user_daily_metrics (
    id BIGSERIAL PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date DATE NOT NULL,

    -- This is getting out of hand...
    issues_created INTEGER DEFAULT 0,
    issues_assigned INTEGER DEFAULT 0,
    issues_completed INTEGER DEFAULT 0,
    comments_made INTEGER DEFAULT 0,
    time_logged_minutes INTEGER DEFAULT 0,
    reactions_given INTEGER DEFAULT 0,
    reactions_received INTEGER DEFAULT 0,
    labels_added INTEGER DEFAULT 0,
    labels_removed INTEGER DEFAULT 0,
    attachments_uploaded INTEGER DEFAULT 0,
    mentions_made INTEGER DEFAULT 0,
    mentions_received INTEGER DEFAULT 0,
    cycle_updates INTEGER DEFAULT 0,
    status_changes INTEGER DEFAULT 0,
    priority_changes INTEGER DEFAULT 0,
    estimate_changes INTEGER DEFAULT 0,
    -- ... imagine 20 more columns

    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    CONSTRAINT user_metrics_unique UNIQUE (user_id, date)
);`;

export default {
  setup: TASKPILOT_MINI,
  bad: [
    { name: 'seed Day 42: user_daily_metrics (20 columns)', sql: USER_DAILY_METRICS },
    {
      name: 'pushing an existing table past the threshold',
      setup: `CREATE TABLE org_settings (id UUID PRIMARY KEY, ${Array.from({ length: 18 }, (_, i) => `s${i} INTEGER`).join(', ')});`,
      sql: `ALTER TABLE org_settings ADD COLUMN s18 INTEGER, ADD COLUMN s19 INTEGER;`,
    },
  ],
  good: [
    {
      name: 'seed Day 41: project_daily_metrics (13 columns)',
      sql: `CREATE TABLE project_daily_metrics (
    id BIGSERIAL PRIMARY KEY,
    project_id UUID NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    date DATE NOT NULL,
    issues_created INTEGER DEFAULT 0,
    issues_completed INTEGER DEFAULT 0,
    issues_reopened INTEGER DEFAULT 0,
    points_completed DECIMAL(10,2) DEFAULT 0,
    points_added DECIMAL(10,2) DEFAULT 0,
    comments_added INTEGER DEFAULT 0,
    time_logged_minutes INTEGER DEFAULT 0,
    avg_first_response_time INTEGER,
    avg_resolution_time INTEGER,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    CONSTRAINT project_metrics_unique UNIQUE (project_id, date)
);`,
    },
    { name: 'threshold raised in config', sql: USER_DAILY_METRICS, config: { wideTableColumns: 30 } },
  ],
} satisfies RuleCases;
