import type { RuleCases } from '../types.js';
import { TASKPILOT_MINI } from '../fixtures.js';

const LINKS = `CREATE TABLE issue_external_links (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    issue_id UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    integration_id UUID NOT NULL,
    external_id VARCHAR(200) NOT NULL
);`;

export default {
  setup: TASKPILOT_MINI,
  bad: [
    {
      name: 'seed Day 48: UNIQUE added to an existing table',
      setup: LINKS,
      sql: `ALTER TABLE issue_external_links\nADD CONSTRAINT issue_external_links_unique UNIQUE (issue_id, integration_id);`,
    },
    { name: 'PRIMARY KEY added to an existing table', setup: `CREATE TABLE legacy_tags (id UUID NOT NULL, name TEXT);`, sql: `ALTER TABLE legacy_tags ADD PRIMARY KEY (id);` },
  ],
  good: [
    {
      name: 'USING INDEX of an index built CONCURRENTLY',
      setup: LINKS,
      sql: `CREATE UNIQUE INDEX CONCURRENTLY issue_external_links_unique ON issue_external_links (issue_id, integration_id);
ALTER TABLE issue_external_links ADD CONSTRAINT issue_external_links_unique UNIQUE USING INDEX issue_external_links_unique;`,
    },
    {
      name: 'seed Day 29-30: table created in the same migration',
      sql: `CREATE TABLE issue_template_versions (id UUID PRIMARY KEY, template_id UUID NOT NULL, version INTEGER NOT NULL);
ALTER TABLE issue_template_versions ADD CONSTRAINT template_version_unique UNIQUE (template_id, version);`,
    },
  ],
} satisfies RuleCases;
