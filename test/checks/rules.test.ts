// The shared rule tester: every rule in src/checks/rules has a doc and good and bad cases beside
// it (<rule-id>.cases.ts); every bad case must yield at least one finding of that rule and every
// good case none. Static rules run with no database; catalog rules run against a scratch
// database, each case in its own schema set up as superuser and checked as the sandbox role.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { checkMigration } from '../../src/checks/engine.js';
import { loadRuleCases, loadRules } from '../../src/checks/registry.js';
import type { Rule, RuleCase, RuleCases } from '../../src/checks/types.js';
import { checkSandbox, type CheckSandbox } from './sandbox.js';
import { KNOWN_RULE_IDS } from '../../src/scenario/rule-ids.js';

const rules = await loadRules();
const allCases = await loadRuleCases();

let sandbox: CheckSandbox;
beforeAll(async () => {
  sandbox = await checkSandbox('rules');
});
afterAll(async () => {
  await sandbox?.close();
});

async function run(rule: Rule, cases: RuleCases, c: RuleCase) {
  if (rule.needs === 'static') {
    return checkMigration(c.sql, { staticOnly: true, ...(c.config ? { config: c.config } : {}) });
  }
  const setup = [cases.setup, c.setup].filter(Boolean).join('\n');
  const schema = await sandbox.schema(setup || undefined);
  return checkMigration(c.sql, { connectionString: sandbox.sandboxUrl, schema, ...(c.config ? { config: c.config } : {}) });
}

describe('rule registry', () => {
  it('discovers the rules from the rules folder', () => {
    expect(rules.length).toBeGreaterThanOrEqual(25);
    expect(rules.map((r) => r.id)).toContain('apply-error');
  });
  it('implements every rule id of the scenario vocabulary (src/scenario/rule-ids.ts)', () => {
    const ids = rules.map((r) => r.id);
    for (const id of KNOWN_RULE_IDS) expect(ids, `no rule file for ${id}`).toContain(id);
  });
  it('every cases file belongs to a rule', () => {
    for (const id of allCases.keys()) expect(rules.map((r) => r.id)).toContain(id);
  });
});

for (const rule of rules) {
  const cases = allCases.get(rule.id);
  // Cases are independent (each catalog case has its own schema): run them concurrently.
  describe.concurrent(rule.id, () => {
    it('has a doc and at least one bad and one good case', () => {
      expect(rule.severity === 'blocking' || rule.severity === 'advisory').toBe(true);
      expect(rule.doc.summary.length).toBeGreaterThan(10);
      expect(rule.doc.why.length).toBeGreaterThan(10);
      expect(rule.doc.fix.length).toBeGreaterThan(10);
      expect(cases?.bad.length ?? 0).toBeGreaterThan(0);
      expect(cases?.good.length ?? 0).toBeGreaterThan(0);
    });
    for (const c of cases?.bad ?? []) {
      it(`bad: ${c.name}`, async () => {
        const r = await run(rule, cases!, c);
        const mine = r.findings.filter((f) => f.rule === rule.id);
        expect(mine.length, `no ${rule.id} finding; got ${JSON.stringify(r.findings, null, 1)}`).toBeGreaterThan(0);
        for (const f of mine) {
          expect(f.severity).toBe(rule.severity);
          expect(f.line).toBeGreaterThanOrEqual(1);
          expect(f.column).toBeGreaterThanOrEqual(1);
          expect(f.statement).toBeGreaterThanOrEqual(0);
        }
      });
    }
    for (const c of cases?.good ?? []) {
      it(`good: ${c.name}`, async () => {
        const r = await run(rule, cases!, c);
        const mine = r.findings.filter((f) => f.rule === rule.id);
        expect(mine, `unexpected ${rule.id} finding(s)`).toEqual([]);
        if (rule.id !== 'apply-error') expect(r.applyError, `the good case must apply: ${JSON.stringify(r.applyError)}`).toBeUndefined();
      });
    }
  });
}
