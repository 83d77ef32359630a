import type { RuleCases } from '../types.js';

export default {
  bad: [
    { name: 'hint in a query', sql: `CREATE VIEW v_todo AS SELECT /*+ IndexScan(issues idx_issues_status) */ * FROM issues WHERE status = 'todo';` },
    {
      name: 'seed Day 59: hint in a commented-out query',
      sql: `-- ISSUE: Tries to force index usage with wrong syntax\n-- SELECT /*+ IndexScan(issues idx_issues_status) */ * FROM issues WHERE status = 'todo';\nANALYZE issues;`,
    },
  ],
  good: [
    { name: 'ordinary comments', sql: `/* add the index the board query needs */\nCREATE INDEX CONCURRENTLY idx_issues_status ON issues(status);` },
  ],
} satisfies RuleCases;
