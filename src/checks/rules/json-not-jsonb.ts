// json-not-jsonb: a column declared json instead of jsonb.
import { defineRule } from '../types.js';

export default defineRule({
  id: 'json-not-jsonb',
  severity: 'advisory',
  category: 'defect',
  needs: 'static',
  doc: {
    summary: 'A column the migration declares (or converts) as json rather than jsonb.',
    why: 'json stores the raw text and re-parses it on every access; it has no equality operator, so no btree/GIN indexing, no DISTINCT or GROUP BY on it, and no containment operators.',
    fix: 'Use jsonb (ALTER COLUMN ... TYPE jsonb USING col::jsonb for an existing column).',
  },
  check(ctx) {
    return ctx
      .columnEvents()
      .filter((e) => e.type?.name === 'json')
      .map((e) => ({
        statement: e.statement,
        ...(e.location !== undefined ? { location: e.location } : {}),
        message: `${e.table.name}.${e.column} is json${e.type?.array ? '[]' : ''}; use jsonb`,
        hint: e.via === 'create' ? `Declare ${e.column} JSONB.` : `ALTER TABLE ${e.table.name} ALTER COLUMN ${e.column} TYPE jsonb USING ${e.column}::jsonb;`,
        objects: [e.table.name, `${e.table.name}.${e.column}`],
      }));
  },
});
