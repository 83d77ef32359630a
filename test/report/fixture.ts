// A realistic RunRecord: five entries (applied clean; applied with a planted fk-missing-index and
// an unplanned defect; rejected after request_changes; failed with a Postgres error; applied,
// fixing the earlier fk-missing-index and landing an unplanned redundant index).
import type { EntryRecord, GroundTruthDefect, RoundRecord, RunRecord } from '../../src/report/types.js';

type Finding = RoundRecord['findings'][number];

const tokens = (input: number, output: number, cachedInput = 0) => ({ input, output, cachedInput });

const finding = (f: Partial<Finding> & Pick<Finding, 'rule' | 'message'>): Finding => ({
  severity: 'advisory',
  category: 'defect',
  statement: 1,
  line: 1,
  column: 1,
  ...f,
});

export const PERSONAS = [
  { id: 'alex', name: 'Alex Chen', errorRate: 0.1 },
  { id: 'sam', name: 'Sam', errorRate: 0.25 },
  { id: 'jordan', name: 'Jordan Lee', errorRate: 0.4 },
];

const usersUp = `CREATE TABLE taskpilot.users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE,
  status text NOT NULL DEFAULT ':pending',
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_email_len CHECK (length(email) > 3 AND length(email) < 320)
);
CREATE TABLE taskpilot.projects (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id bigint NOT NULL REFERENCES taskpilot.users (id),
  name text NOT NULL
);
CREATE INDEX projects_owner_id_idx ON taskpilot.projects (owner_id);
SELECT '2025-01-06 10:30'::timestamptz;`;
const usersDown = `DROP TABLE taskpilot.projects;
DROP TABLE taskpilot.users;`;

const timeUp = `CREATE TABLE taskpilot.time_entries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES taskpilot.projects (id),
  user_id bigint NOT NULL REFERENCES taskpilot.users (id),
  minutes integer NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
  logged_at timestamp NOT NULL DEFAULT now()
);
CREATE INDEX time_entries_user_id_idx ON taskpilot.time_entries (user_id);`;
const timeDown = 'DROP TABLE taskpilot.time_entries;';

const statusIdxUp = 'CREATE INDEX tasks_is_done_idx ON taskpilot.tasks (is_done);';
const statusIdxUp2 = 'CREATE INDEX tasks_is_done_idx ON taskpilot.tasks (is_done) WHERE is_done = false;';

const commentsUp = `CREATE TABLE taskpilot.comments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_id bigint NOT NULL REFERENCES taskpilot.task (id),
  body text NOT NULL
);`;

const fixUp = `CREATE INDEX time_entries_project_id_idx ON taskpilot.time_entries (project_id);
CREATE INDEX time_entries_project_id_logged_at_idx ON taskpilot.time_entries (project_id, logged_at);
COMMENT ON INDEX taskpilot.time_entries_project_id_idx IS 'the """hot""" path \\ reports';`;
const fixDown = `DROP INDEX taskpilot.time_entries_project_id_logged_at_idx;
DROP INDEX taskpilot.time_entries_project_id_idx;`;

function round(r: Partial<RoundRecord> & Pick<RoundRecord, 'round' | 'title' | 'upSql' | 'gate' | 'gateReason'>): RoundRecord {
  return { rationale: '', downSql: '', notes: '', findings: [], ...r };
}

export function fixtureEntries(): EntryRecord[] {
  return [
    {
      entryId: 'day-01',
      index: 0,
      dayStart: 1,
      dayEnd: 1,
      week: 1,
      personaId: 'alex',
      personaName: 'Alex Chen',
      title: 'Create users and projects tables',
      verdictTag: 'good',
      plan: { defects: [], source: 'none' },
      rounds: [
        round({
          round: 1,
          title: 'Create users and projects tables',
          rationale: 'Identity keys, FK indexed from the start.\nEmails are unique.',
          upSql: usersUp,
          downSql: usersDown,
          notes: 'Straightforward.',
          review: { round: 1, verdict: 'approve', summary: 'Looks good.', comments: [] },
          gate: 'apply',
          gateReason: 'approved, no blocking findings',
        }),
      ],
      status: 'applied',
      reason: 'approved, no blocking findings',
      realisedDefects: [],
      reviewerCaught: [],
      appliedSql: { up: usersUp, down: usersDown },
      tokens: tokens(2400, 600, 1200),
      costUsd: 0.0123,
      startedAt: '2025-03-01T09:00:00.000Z',
      finishedAt: '2025-03-01T09:00:20.000Z',
      durationMs: 20_000,
    },
    {
      entryId: 'day-02',
      index: 1,
      dayStart: 2,
      dayEnd: 2,
      week: 1,
      personaId: 'sam',
      personaName: 'Sam',
      title: 'Create time entries table',
      verdictTag: 'issue',
      plan: { defects: ['fk-missing-index'], source: 'roadmap' },
      rounds: [
        round({
          round: 1,
          title: 'Create time entries table',
          rationale: 'Time entries belong to a project and a user.',
          upSql: timeUp,
          downSql: timeDown,
          findings: [
            finding({
              rule: 'fk-missing-index',
              statement: 1,
              line: 3,
              column: 3,
              message: 'foreign key time_entries.project_id has no index',
              hint: 'CREATE INDEX ON taskpilot.time_entries (project_id)',
              objects: ['taskpilot.time_entries.project_id'],
            }),
            finding({
              rule: 'timestamp-without-tz',
              statement: 1,
              line: 6,
              column: 3,
              message: 'logged_at is timestamp without time zone',
              objects: ['taskpilot.time_entries.logged_at'],
            }),
          ],
          review: {
            round: 1,
            verdict: 'approve',
            summary: 'Fine, minutes check is sensible (> 0).',
            comments: [{ severity: 'nit', message: 'Consider timestamptz for logged_at.', rule: 'timestamp-without-tz' }],
          },
          gate: 'apply',
          gateReason: 'approved; advisory findings only',
        }),
      ],
      status: 'applied',
      reason: 'approved; advisory findings only',
      realisedDefects: ['fk-missing-index', 'timestamp-without-tz'],
      reviewerCaught: [],
      appliedSql: { up: timeUp, down: timeDown },
      tokens: tokens(3000, 800),
      costUsd: 0.0171,
      startedAt: '2025-03-01T09:00:20.000Z',
      finishedAt: '2025-03-01T09:00:45.000Z',
      durationMs: 25_000,
    },
    {
      entryId: 'day-03-04',
      index: 2,
      dayStart: 3,
      dayEnd: 4,
      week: 1,
      personaId: 'jordan',
      personaName: 'Jordan Lee',
      title: 'Index tasks by completion flag',
      verdictTag: 'issue',
      plan: { defects: ['low-cardinality-index'], source: 'drawn', draw: 0.3172 },
      rounds: [
        round({
          round: 1,
          title: 'Index tasks by completion flag',
          rationale: 'The board filters on is_done.',
          upSql: statusIdxUp,
          downSql: 'DROP INDEX taskpilot.tasks_is_done_idx;',
          findings: [
            finding({
              rule: 'low-cardinality-index',
              message: 'btree on boolean column tasks.is_done',
              objects: ['taskpilot.tasks_is_done_idx'],
            }),
          ],
          review: {
            round: 1,
            verdict: 'request_changes',
            summary: 'A btree on a boolean will not be used.',
            comments: [{ severity: 'major', message: 'Use a partial index WHERE is_done = false <or drop it>.', rule: 'low-cardinality-index' }],
          },
          gate: 'revise',
          gateReason: 'reviewer requested changes',
        }),
        round({
          round: 2,
          title: 'Index open tasks only',
          rationale: 'Partial index as asked.',
          upSql: statusIdxUp2,
          downSql: 'DROP INDEX taskpilot.tasks_is_done_idx;',
          findings: [
            finding({
              rule: 'low-cardinality-index',
              message: 'index key is still the boolean column',
              objects: ['taskpilot.tasks_is_done_idx'],
            }),
          ],
          review: {
            round: 2,
            verdict: 'reject',
            summary: 'Still indexing the flag itself; index the sort column instead.',
            comments: [{ severity: 'blocker', message: 'Key column is the boolean.', rule: 'low-cardinality-index' }],
          },
          gate: 'reject',
          gateReason: 'reviewer rejected in round 2',
        }),
      ],
      status: 'rejected',
      reason: 'reviewer rejected in round 2: still indexing the flag itself',
      realisedDefects: [],
      reviewerCaught: ['low-cardinality-index'],
      tokens: tokens(5200, 1400, 2000),
      costUsd: 0.0312,
      startedAt: '2025-03-01T09:00:45.000Z',
      finishedAt: '2025-03-01T09:01:40.000Z',
      durationMs: 55_000,
    },
    {
      entryId: 'day-05',
      index: 3,
      dayStart: 5,
      dayEnd: 5,
      week: 1,
      personaId: 'jordan',
      personaName: 'Jordan Lee',
      title: 'Add comments table',
      verdictTag: 'good',
      plan: { defects: [], source: 'none', draw: 0.81 },
      rounds: [
        round({
          round: 1,
          title: 'Add comments table',
          rationale: 'Comments on tasks.',
          upSql: commentsUp,
          downSql: 'DROP TABLE taskpilot.comments;',
          review: { round: 1, verdict: 'approve', summary: 'OK.', comments: [] },
          gate: 'apply',
          gateReason: 'approved, no blocking findings',
        }),
      ],
      status: 'failed',
      reason: 'postgres: relation "taskpilot.task" does not exist (42P01)',
      realisedDefects: [],
      reviewerCaught: [],
      tokens: tokens(2100, 500),
      costUsd: 0.0098,
      startedAt: '2025-03-01T09:01:40.000Z',
      finishedAt: '2025-03-01T09:01:55.000Z',
      durationMs: 15_000,
    },
    {
      entryId: 'day-08',
      index: 4,
      dayStart: 8,
      dayEnd: 8,
      week: 2,
      personaId: 'alex',
      personaName: 'Alex Chen',
      title: 'Index time entries by project (reports page)',
      verdictTag: 'mixed',
      plan: { defects: [], source: 'none', draw: 0.55 },
      rounds: [
        round({
          round: 1,
          title: 'Index time entries by project',
          rationale: 'The reports page filters by project and sorts by """logged_at""".',
          upSql: fixUp,
          downSql: fixDown,
          findings: [
            finding({
              rule: 'redundant-index',
              statement: 2,
              message: 'time_entries_project_id_idx is a prefix of time_entries_project_id_logged_at_idx',
              objects: ['taskpilot.time_entries_project_id_idx', 'taskpilot.time_entries_project_id_logged_at_idx'],
            }),
          ],
          review: { round: 1, verdict: 'approve', summary: 'Good catch on the FK.', comments: [] },
          gate: 'apply',
          gateReason: 'approved; advisory findings only',
        }),
      ],
      status: 'applied',
      reason: 'approved; advisory findings only',
      realisedDefects: ['redundant-index'],
      reviewerCaught: [],
      appliedSql: { up: fixUp, down: fixDown },
      tokens: tokens(2600, 700, 1500),
      costUsd: 0.0133,
      startedAt: '2025-03-01T09:01:55.000Z',
      finishedAt: '2025-03-01T09:02:15.000Z',
      durationMs: 20_000,
    },
  ];
}

export function fixtureDefects(): GroundTruthDefect[] {
  // Deliberately out of order: the answer key sorts them.
  return [
    {
      id: 'day-08:redundant-index:taskpilot.time_entries_project_id_idx',
      rule: 'redundant-index',
      objects: ['taskpilot.time_entries_project_id_idx', 'taskpilot.time_entries_project_id_logged_at_idx'],
      message: 'time_entries_project_id_idx is a prefix of time_entries_project_id_logged_at_idx',
      entryId: 'day-08',
      personaId: 'alex',
      planned: false,
      reviewerCaught: false,
      introducedAt: '2025-03-01T09:02:15.000Z',
    },
    {
      id: 'day-02:timestamp-without-tz:taskpilot.time_entries.logged_at',
      rule: 'timestamp-without-tz',
      objects: ['taskpilot.time_entries.logged_at'],
      message: 'logged_at is timestamp without time zone',
      entryId: 'day-02',
      personaId: 'sam',
      planned: false,
      reviewerCaught: false,
      introducedAt: '2025-03-01T09:00:45.000Z',
    },
    {
      id: 'day-02:fk-missing-index:taskpilot.time_entries.project_id',
      rule: 'fk-missing-index',
      objects: ['taskpilot.time_entries.project_id'],
      message: 'foreign key time_entries.project_id has no index',
      entryId: 'day-02',
      personaId: 'sam',
      planned: true,
      reviewerCaught: false,
      introducedAt: '2025-03-01T09:00:45.000Z',
      fixedByEntryId: 'day-08',
      fixedAt: '2025-03-01T09:02:15.000Z',
    },
  ];
}

export function fixtureRun(): RunRecord {
  const entries = fixtureEntries();
  return {
    meta: {
      runId: '20250301-090000-taskpilot-s42',
      scenario: 'taskpilot',
      seed: 42,
      startedAt: '2025-03-01T09:00:00.000Z',
      finishedAt: '2025-03-01T09:02:15.000Z',
      packageVersion: '0.1.0',
      providers: {
        persona: { provider: 'openai', model: 'gpt-4.1-mini', temperature: 0.7 },
        reviewer: { provider: 'anthropic', model: 'claude-sonnet-4-5', temperature: 0 },
      },
      promptHashes: { 'persona-system': 'ab12', 'reviewer-system': 'cd34' },
      dryRun: false,
      database: '127.0.0.1:5432/taskpilot_s42',
      outcome: 'completed',
    },
    entries,
    personas: [
      { personaId: 'alex', name: 'Alex Chen', targetErrorRate: 0.1, entries: 2, plannedRate: 0, realisedRate: 0.5, costUsd: 0.0256 },
      { personaId: 'sam', name: 'Sam', targetErrorRate: 0.25, entries: 1, plannedRate: 1, realisedRate: 1, costUsd: 0.0171 },
      { personaId: 'jordan', name: 'Jordan Lee', targetErrorRate: 0.4, entries: 2, plannedRate: 0.5, realisedRate: 0, costUsd: 0.041 },
    ],
    defects: fixtureDefects(),
    totals: {
      entries: 5,
      applied: 3,
      rejected: 1,
      failed: 1,
      skipped: 0,
      tokens: { input: 15300, output: 4000, cachedInput: 4700 },
      costUsd: 0.0837,
    },
  };
}
