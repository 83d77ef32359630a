import type { RuleCases } from '../types.js';
import { TASKPILOT_MINI } from '../fixtures.js';

export default {
  setup: TASKPILOT_MINI,
  bad: [
    {
      name: 'seed Day 7: project index is a prefix of UNIQUE (project_id, name)',
      sql: `CREATE TABLE custom_field_definitions (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    project_id UUID NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name VARCHAR(50) NOT NULL,
    field_type VARCHAR(20) NOT NULL,
    options JSONB,
    is_required BOOLEAN DEFAULT false,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    CONSTRAINT custom_field_def_unique UNIQUE (project_id, name)
);

CREATE INDEX idx_custom_field_def_project ON custom_field_definitions(project_id);
CREATE INDEX idx_custom_field_def_name ON custom_field_definitions(name);`,
    },
    {
      name: 'seed Day 29-30: duplicate of the unique constraint, and a prefix of it',
      setup: `CREATE TABLE issue_templates (id UUID PRIMARY KEY DEFAULT uuid_generate_v4(), name VARCHAR(100) NOT NULL);`,
      sql: `CREATE TABLE issue_template_versions (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    template_id UUID NOT NULL REFERENCES issue_templates(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    title_template VARCHAR(500),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

ALTER TABLE issue_template_versions
ADD CONSTRAINT template_version_unique UNIQUE (template_id, version);

CREATE INDEX idx_template_versions_template ON issue_template_versions(template_id);
CREATE INDEX idx_template_versions_unique ON issue_template_versions(template_id, version);`,
    },
    {
      name: 'new unique constraint makes an existing index redundant',
      sql: `ALTER TABLE comments ADD CONSTRAINT comments_issue_created_unique UNIQUE (issue_id, created_at, id);`,
    },
  ],
  good: [
    {
      name: 'a name index is not a prefix of UNIQUE (project_id, name)',
      sql: `CREATE TABLE custom_field_definitions (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    project_id UUID NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name VARCHAR(50) NOT NULL,
    CONSTRAINT custom_field_def_unique UNIQUE (project_id, name)
);
CREATE INDEX idx_custom_field_def_name ON custom_field_definitions(name);`,
    },
    {
      name: 'a partial index is not redundant to a plain one',
      sql: `CREATE INDEX idx_issues_assignee_open ON issues(assignee_id) WHERE status <> 'done';`,
    },
    {
      name: 'different access method',
      sql: `ALTER TABLE issues ADD COLUMN custom_fields JSONB DEFAULT '{}'::jsonb;
CREATE INDEX idx_issues_custom_fields ON issues USING gin(custom_fields);
CREATE INDEX idx_issues_custom_fields_hash ON issues USING hash(custom_fields);`,
    },
  ],
} satisfies RuleCases;
