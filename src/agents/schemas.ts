// What a persona and the reviewer must answer; validated with zod whatever the provider.
import { z } from 'zod';

export const MigrationAnswer = z.object({
  title: z.string().min(1).describe('Short title of the change'),
  rationale: z.string().describe('Why the change is shaped this way, in the author\'s voice'),
  up_sql: z.string().min(1).describe('The migration, plain PostgreSQL, no BEGIN/COMMIT'),
  down_sql: z.string().describe('SQL that undoes the migration'),
  notes: z.string().describe('Anything the reviewer should know'),
});
export type MigrationAnswer = z.infer<typeof MigrationAnswer>;

export const ReviewComment = z.object({
  severity: z.enum(['blocker', 'major', 'minor', 'nit']),
  message: z.string(),
  /** Check rule id the comment is about, when it is about one. */
  rule: z.string().nullable(),
});

export const ReviewAnswer = z.object({
  verdict: z.enum(['approve', 'request_changes', 'reject']),
  summary: z.string(),
  comments: z.array(ReviewComment),
});
export type ReviewAnswer = z.infer<typeof ReviewAnswer>;
