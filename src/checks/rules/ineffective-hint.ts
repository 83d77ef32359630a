// ineffective-hint: optimizer hints in comments (/*+ ... */) that plain Postgres ignores.
import { defineRule, type RuleHit } from '../types.js';

const HINT = /\/\*\+\s*([A-Za-z]+)\s*\(/;

export default defineRule({
  id: 'ineffective-hint',
  severity: 'advisory',
  category: 'defect',
  needs: 'static',
  doc: {
    summary: 'An optimizer hint comment (/*+ IndexScan(...) */, Oracle / pg_hint_plan style). Postgres has no hints and pg_hint_plan is not installed, so it is ignored.',
    why: 'The hint does nothing: the query plan it was meant to force is not forced, and readers are misled into thinking it is.',
    fix: 'Remove the hint. Fix the plan with the right index, fresh statistics (ANALYZE, SET STATISTICS), or a rewritten query.',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    const last = Math.max(0, ctx.statements.length - 1);
    for (const c of ctx.comments) {
      const isHint = c.block ? /^\/\*\+/.test(c.text) : HINT.test(c.text);
      if (!isHint) continue;
      const name = HINT.exec(c.text)?.[1] ?? (/^\/\*\+\s*(\w+)/.exec(c.text)?.[1] ?? 'hint');
      hits.push({
        statement: c.statement >= 0 ? c.statement : last,
        location: c.start + (c.block ? 0 : Buffer.byteLength(c.text.slice(0, c.text.indexOf('/*+')), 'utf8')),
        message: `optimizer hint ${name}(...) in a comment is ignored: Postgres has no query hints and pg_hint_plan is not installed`,
        hint: 'Remove the hint; give the planner an index or better statistics instead.',
      });
    }
    return hits;
  },
});
