import type { RuleCases } from '../types.js';
import { TASKPILOT_MINI } from '../fixtures.js';

export default {
  setup: TASKPILOT_MINI,
  bad: [
    {
      name: 'seed Day 32: VARCHAR(36) for uuid relationships',
      sql: `CREATE TABLE recurring_issue_history (
    id SERIAL PRIMARY KEY,
    config_id VARCHAR(36) NOT NULL, -- Should be UUID!
    issue_id VARCHAR(36) NOT NULL,  -- Should be UUID!
    scheduled_for TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);`,
    },
    { name: 'text *_id in a uuid-keyed schema', sql: `ALTER TABLE comments ADD COLUMN reply_to_id TEXT;` },
    { name: 'uuid default cast to text', sql: `ALTER TABLE issues ADD COLUMN public_token TEXT DEFAULT gen_random_uuid()::text;` },
  ],
  good: [
    { name: 'seed Day 35: converted to uuid', setup: `CREATE TABLE recurring_issue_history (id SERIAL PRIMARY KEY, config_id VARCHAR(36) NOT NULL);`, sql: `ALTER TABLE recurring_issue_history\nALTER COLUMN config_id TYPE UUID USING config_id::uuid;` },
    { name: 'seed Day 46: external ids are free text', sql: `ALTER TABLE issues ADD COLUMN external_id VARCHAR(200);` },
  ],
} satisfies RuleCases;
