import type { RuleCases } from '../types.js';

export default {
  bad: [
    {
      name: 'dropping the DEFAULT partition',
      setup: `CREATE TABLE events (id BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at);
        CREATE TABLE events_2025_01 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');
        CREATE TABLE events_default PARTITION OF events DEFAULT;`,
      sql: `DROP TABLE events_default;`,
    },
    {
      name: 'seed Day 52-53: api_request_log_partitioned with one month only',
      sql: `CREATE TABLE api_request_log_partitioned (
    id BIGSERIAL,
    organization_id UUID NOT NULL,
    endpoint VARCHAR(200) NOT NULL,
    method VARCHAR(10) NOT NULL,
    status_code INTEGER,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

CREATE TABLE api_request_log_current PARTITION OF api_request_log_partitioned
    FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');`,
    },
    {
      name: 'adding a month to an existing partitioned table without a default',
      setup: `CREATE TABLE events (id BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at);
        CREATE TABLE events_2025_01 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');`,
      sql: `CREATE TABLE events_2025_02 PARTITION OF events FOR VALUES FROM ('2025-02-01') TO ('2025-03-01');`,
    },
  ],
  good: [
    {
      name: 'reading from a partitioned table is not touching it',
      setup: `CREATE TABLE events (id BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at);
        CREATE TABLE events_2025_01 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');`,
      sql: `CREATE MATERIALIZED VIEW mv_events_daily AS SELECT date_trunc('day', created_at) AS day, count(*) AS n FROM events GROUP BY 1;
CREATE UNIQUE INDEX idx_mv_events_daily ON mv_events_daily(day);`,
    },
    {
      name: 'seed Day 51 + 55: with a default partition',
      sql: `CREATE TABLE activity_log_partitioned (
    id UUID DEFAULT uuid_generate_v4(),
    organization_id UUID NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE activity_log_y2025m01 PARTITION OF activity_log_partitioned
    FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');
CREATE TABLE activity_log_default PARTITION OF activity_log_partitioned DEFAULT;`,
    },
    {
      name: 'hash partitioning cannot have a default',
      sql: `CREATE TABLE sessions (id UUID PRIMARY KEY) PARTITION BY HASH (id);
CREATE TABLE sessions_0 PARTITION OF sessions FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE sessions_1 PARTITION OF sessions FOR VALUES WITH (MODULUS 2, REMAINDER 1);`,
    },
  ],
} satisfies RuleCases;
