import type { RuleCases } from '../types.js';

export default {
  bad: [
    { name: "seed Day 3: is_billable TEXT DEFAULT 'false'", sql: `ALTER TABLE time_entries ADD COLUMN is_billable TEXT DEFAULT 'false';` },
    { name: 'flag by CHECK', sql: `CREATE TABLE feature_flags (\n    id UUID PRIMARY KEY,\n    enabled VARCHAR(5) NOT NULL CHECK (enabled IN ('true', 'false'))\n);` },
    { name: 'has_ prefix', sql: `ALTER TABLE issues ADD COLUMN has_attachments VARCHAR(3);` },
  ],
  good: [
    { name: 'seed Day 4: BOOLEAN DEFAULT false', sql: `ALTER TABLE time_entries ADD COLUMN is_billable BOOLEAN DEFAULT false;` },
    { name: 'a text status is not a boolean', sql: `ALTER TABLE issues ADD COLUMN sync_status VARCHAR(20) DEFAULT 'synced';` },
  ],
} satisfies RuleCases;
