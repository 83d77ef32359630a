import type { RuleCases } from '../types.js';

export default {
  bad: [
    { name: 'plain TIMESTAMP in a new table', sql: `CREATE TABLE sla_status (\n    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),\n    first_response_at TIMESTAMP,\n    created_at TIMESTAMP DEFAULT NOW()\n);` },
    { name: 'added column', sql: `ALTER TABLE issues ADD COLUMN snoozed_until TIMESTAMP WITHOUT TIME ZONE;` },
  ],
  good: [
    { name: 'timestamptz', sql: `ALTER TABLE issues ADD COLUMN snoozed_until TIMESTAMP WITH TIME ZONE;` },
    { name: 'timestamptz short name', sql: `ALTER TABLE issues ADD COLUMN snoozed_until timestamptz;` },
  ],
} satisfies RuleCases;
