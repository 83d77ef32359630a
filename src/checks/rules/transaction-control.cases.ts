import type { RuleCases } from '../types.js';

export default {
  bad: [
    { name: 'BEGIN/COMMIT around the change', sql: `BEGIN;\nALTER TABLE issues ADD COLUMN time_estimate_minutes INTEGER;\nCOMMIT;` },
    { name: 'START TRANSACTION', sql: `START TRANSACTION ISOLATION LEVEL SERIALIZABLE;` },
    { name: 'ROLLBACK', sql: `ROLLBACK;` },
    { name: 'SAVEPOINT and RELEASE', sql: `SAVEPOINT before_backfill;\nUPDATE comments SET body = body;\nRELEASE SAVEPOINT before_backfill;` },
    { name: 'PREPARE TRANSACTION', sql: `PREPARE TRANSACTION 'day43';` },
    { name: 'SET TRANSACTION (seed Day 43)', sql: `SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;` },
    { name: 'COMMIT inside a DO block', sql: `DO $$\nBEGIN\n  UPDATE comments SET body = body;\n  COMMIT;\nEND\n$$;` },
  ],
  good: [
    { name: 'plain DDL', sql: `ALTER TABLE issues ADD COLUMN time_estimate_minutes INTEGER;` },
    { name: 'DO block without transaction control', sql: `DO $$\nBEGIN\n  UPDATE comments SET body = body;\nEND\n$$;` },
  ],
} satisfies RuleCases;
