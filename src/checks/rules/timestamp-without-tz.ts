// timestamp-without-tz: a column declared timestamp (without time zone).
import { defineRule } from '../types.js';

export default defineRule({
  id: 'timestamp-without-tz',
  severity: 'advisory',
  category: 'defect',
  needs: 'static',
  doc: {
    summary: 'A column the migration declares as timestamp without time zone.',
    why: 'timestamp stores wall-clock time with no zone: values written from servers or sessions in different time zones silently disagree, and DST shifts make intervals wrong. The rest of the schema uses timestamptz.',
    fix: 'Use TIMESTAMP WITH TIME ZONE (timestamptz).',
  },
  check(ctx) {
    return ctx
      .columnEvents()
      .filter((e) => e.type?.name === 'timestamp')
      .map((e) => ({
        statement: e.statement,
        ...(e.location !== undefined ? { location: e.location } : {}),
        message: `${e.table.name}.${e.column} is timestamp without time zone; use timestamptz`,
        hint: e.via === 'create' ? `Declare ${e.column} TIMESTAMP WITH TIME ZONE.` : `ALTER TABLE ${e.table.name} ALTER COLUMN ${e.column} TYPE timestamptz;`,
        objects: [e.table.name, `${e.table.name}.${e.column}`],
      }));
  },
});
