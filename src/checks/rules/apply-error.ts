// apply-error: Postgres itself rejects the migration. The engine makes these findings (a syntax
// error from the parser, or the first statement that fails in the catalog pass); this file holds
// the rule's id, severity and doc.
import { defineRule } from '../types.js';

export default defineRule({
  id: 'apply-error',
  severity: 'blocking',
  category: 'gate',
  needs: 'catalog',
  doc: {
    summary: 'Postgres rejects the migration: a syntax error, or a statement that fails against the current schema.',
    why: 'A migration that does not apply cannot ship; the statements after the failing one were never tried.',
    fix: 'Read the SQLSTATE and message at the reported line, fix the statement (missing object, wrong type, data that violates a new constraint) and check again.',
  },
});
