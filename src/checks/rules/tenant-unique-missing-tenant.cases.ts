import type { RuleCases } from '../types.js';
import { TASKPILOT_MINI } from '../fixtures.js';

export default {
  setup: TASKPILOT_MINI,
  bad: [
    {
      name: 'SLA policy names unique across organizations',
      sql: `CREATE TABLE sla_policies (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    organization_id UUID NOT NULL REFERENCES organizations(id),
    name VARCHAR(100) NOT NULL UNIQUE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);`,
    },
    { name: 'unique email index on users', sql: `CREATE UNIQUE INDEX CONCURRENTLY idx_users_email ON users(email);` },
  ],
  good: [
    {
      name: 'seed Day 70 style: a matview key for REFRESH CONCURRENTLY',
      sql: `CREATE MATERIALIZED VIEW mv_project_weekly AS
SELECT organization_id, project_id, date_trunc('week', created_at) AS week, count(*) AS issues_created
FROM issues GROUP BY organization_id, project_id, date_trunc('week', created_at);
CREATE UNIQUE INDEX idx_mv_project_weekly ON mv_project_weekly(project_id, week);`,
    },
    {
      name: 'scoped to the organization',
      sql: `CREATE TABLE sla_policies (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    organization_id UUID NOT NULL REFERENCES organizations(id),
    name VARCHAR(100) NOT NULL,
    CONSTRAINT sla_policies_org_name_key UNIQUE (organization_id, name)
);`,
    },
    {
      name: 'seed Day 48: uuid pairs are globally unique',
      sql: `CREATE TABLE issue_external_links (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    organization_id UUID NOT NULL,
    issue_id UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    integration_id UUID NOT NULL,
    CONSTRAINT issue_external_links_unique UNIQUE (issue_id, integration_id)
);`,
    },
  ],
} satisfies RuleCases;
