import type { RuleCases } from '../types.js';

const LOG = `CREATE TABLE api_request_log (
    id BIGSERIAL PRIMARY KEY,
    organization_id UUID NOT NULL,
    endpoint VARCHAR(200) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    request_body TEXT,
    response_body TEXT
);`;

export default {
  setup: LOG,
  bad: [
    { name: 'seed Day 23: index on request_body TEXT', sql: `CREATE INDEX idx_api_request_log_body ON api_request_log(request_body);` },
    { name: 'jsonb btree', sql: `ALTER TABLE api_request_log ADD COLUMN headers JSONB;\nCREATE INDEX idx_api_request_log_headers ON api_request_log(headers);` },
    { name: 'unbounded varchar', sql: `ALTER TABLE api_request_log ADD COLUMN user_agent VARCHAR;\nCREATE INDEX idx_api_request_log_ua ON api_request_log(user_agent);` },
  ],
  good: [
    {
      name: 'seed Day 24-25: index the hash',
      sql: `DROP INDEX IF EXISTS idx_api_request_log_body;
ALTER TABLE api_request_log ADD COLUMN request_body_hash VARCHAR(64);
CREATE INDEX idx_api_request_log_body_hash ON api_request_log(request_body_hash)
    WHERE request_body_hash IS NOT NULL;`,
    },
    { name: 'expression index', sql: `CREATE INDEX idx_api_request_log_body_md5 ON api_request_log (md5(request_body));` },
    { name: 'hash index', sql: `CREATE INDEX idx_api_request_log_body_h ON api_request_log USING hash (request_body);` },
  ],
} satisfies RuleCases;
