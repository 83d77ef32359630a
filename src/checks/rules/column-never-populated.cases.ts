import type { RuleCases } from '../types.js';
import { TASKPILOT_MINI } from '../fixtures.js';

export default {
  setup: TASKPILOT_MINI,
  bad: [
    {
      name: 'seed Day 13: comments.search_vector without a trigger',
      sql: `ALTER TABLE comments ADD COLUMN search_vector tsvector;
CREATE INDEX idx_comments_search ON comments USING gin(search_vector);`,
    },
    {
      name: 'a trigger that sets another column does not count',
      setup: `CREATE FUNCTION comments_touch() RETURNS trigger AS $$ BEGIN NEW.created_at := now(); RETURN NEW; END $$ LANGUAGE plpgsql;
CREATE TRIGGER comments_touch BEFORE UPDATE ON comments FOR EACH ROW EXECUTE FUNCTION comments_touch();`,
      sql: `ALTER TABLE comments ADD COLUMN search_vector tsvector;`,
    },
  ],
  good: [
    {
      name: 'seed Day 11: column, index, trigger function and trigger',
      sql: `ALTER TABLE issues ADD COLUMN search_vector tsvector;

CREATE INDEX idx_issues_search_vector ON issues USING gin(search_vector);

-- Trigger to update search vector
CREATE OR REPLACE FUNCTION issues_search_trigger()
RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', COALESCE(NEW.title, '')), 'A') ||
        setweight(to_tsvector('english', COALESCE(NEW.description, '')), 'B');
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tsvector_update_trigger
BEFORE INSERT OR UPDATE OF title, description ON issues
FOR EACH ROW EXECUTE FUNCTION issues_search_trigger();`,
    },
    {
      name: 'generated column',
      sql: `ALTER TABLE comments ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(body, ''))) STORED;`,
    },
    {
      name: 'built-in tsvector_update_trigger',
      sql: `ALTER TABLE comments ADD COLUMN search_vector tsvector;
CREATE TRIGGER comments_tsv BEFORE INSERT OR UPDATE ON comments
FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(search_vector, 'pg_catalog.english', body);
UPDATE comments SET search_vector = to_tsvector('english', body);`,
    },
  ],
} satisfies RuleCases;
