import type { RuleCases } from '../types.js';

export default {
  bad: [
    { name: 'json column in a new table', sql: `CREATE TABLE webhook_deliveries (\n    id BIGSERIAL PRIMARY KEY,\n    payload JSON NOT NULL,\n    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()\n);` },
    { name: 'json column added', sql: `ALTER TABLE issues ADD COLUMN custom_fields JSON DEFAULT '{}';` },
  ],
  good: [
    { name: 'seed Day 6: jsonb', sql: `ALTER TABLE issues ADD COLUMN custom_fields JSONB DEFAULT '{}'::jsonb;` },
  ],
} satisfies RuleCases;
