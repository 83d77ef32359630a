import type { RuleCases } from '../types.js';
import { TASKPILOT_MINI } from '../fixtures.js';

const CUSTOM_FIELDS = `CREATE TABLE custom_field_definitions (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    project_id UUID NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name VARCHAR(50) NOT NULL,
    field_type VARCHAR(20) NOT NULL
);`;

export default {
  setup: TASKPILOT_MINI,
  bad: [
    {
      name: 'seed Day 9-10: CHECK without NOT VALID',
      setup: CUSTOM_FIELDS,
      sql: `ALTER TABLE custom_field_definitions
ADD CONSTRAINT custom_field_type_check
CHECK (field_type IN ('text', 'number', 'date', 'select', 'multiselect', 'user'));`,
    },
    {
      name: 'seed Day 35: foreign key without NOT VALID',
      setup: `CREATE TABLE recurring_issue_configs (id UUID PRIMARY KEY DEFAULT uuid_generate_v4());
CREATE TABLE recurring_issue_history (id SERIAL PRIMARY KEY, config_id UUID NOT NULL);`,
      sql: `ALTER TABLE recurring_issue_history
ADD CONSTRAINT fk_recurring_history_config
FOREIGN KEY (config_id) REFERENCES recurring_issue_configs(id) ON DELETE CASCADE;`,
    },
  ],
  good: [
    {
      name: 'NOT VALID, validated separately',
      setup: CUSTOM_FIELDS,
      sql: `ALTER TABLE custom_field_definitions
ADD CONSTRAINT custom_field_type_check
CHECK (field_type IN ('text', 'number', 'date', 'select', 'multiselect', 'user')) NOT VALID;
ALTER TABLE custom_field_definitions VALIDATE CONSTRAINT custom_field_type_check;`,
    },
    {
      name: 'constraint on a table created in the same migration',
      sql: `CREATE TABLE sla_policies (id UUID PRIMARY KEY DEFAULT uuid_generate_v4(), organization_id UUID NOT NULL);
ALTER TABLE sla_policies ADD CONSTRAINT sla_policies_org_fk FOREIGN KEY (organization_id) REFERENCES organizations(id);
CREATE INDEX idx_sla_policies_org ON sla_policies(organization_id);`,
    },
  ],
} satisfies RuleCases;
