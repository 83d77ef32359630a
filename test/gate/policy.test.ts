import { describe, it, expect } from 'vitest';
import { decide, GatePolicySchema } from '../../src/gate/policy.js';
import type { Finding } from '../../src/checks/engine.js';

const finding = (rule: string, severity: Finding['severity'], message = `${rule} found`): Finding => ({
  rule,
  severity,
  category: severity === 'blocking' ? 'gate' : 'defect',
  statement: 0,
  line: 1,
  column: 1,
  message,
});
const review = (verdict: 'approve' | 'request_changes' | 'reject') => ({ verdict, summary: `${verdict} summary`, comments: [] });
const policy = GatePolicySchema.parse({ maxRevisions: 2 });

describe('gate policy', () => {
  it('applies an approved change whose findings are all advisory (planted defects may land)', () => {
    const d = decide({ round: 0, findings: [finding('fk-missing-index', 'advisory')], review: review('approve') }, policy);
    expect(d.action).toBe('apply');
  });

  it('sends blocking findings back while rounds remain, whatever the reviewer said', () => {
    const d = decide({ round: 1, findings: [finding('unsafe-statement', 'blocking')], review: review('approve') }, policy);
    expect(d).toEqual({ action: 'revise', reason: 'blocking findings: unsafe-statement' });
  });

  it('rejects blocking findings after the last revision, and fails with Postgres\'s error when it refused the SQL', () => {
    expect(decide({ round: 2, findings: [finding('unsafe-statement', 'blocking')] }, policy).action).toBe('reject');
    const failed = decide({ round: 2, findings: [finding('apply-error', 'blocking', '22P02: invalid input value for enum notification_type: "sla_breach"')] }, policy);
    expect(failed).toEqual({ action: 'fail', reason: '22P02: invalid input value for enum notification_type: "sla_breach"' });
  });

  it('sends request_changes back, then rejects past the last round', () => {
    expect(decide({ round: 0, findings: [], review: review('request_changes') }, policy).action).toBe('revise');
    expect(decide({ round: 2, findings: [], review: review('request_changes') }, policy).action).toBe('reject');
  });

  it('ends at once on a reviewer reject unless the policy says otherwise', () => {
    expect(decide({ round: 0, findings: [], review: review('reject') }, policy).action).toBe('reject');
    const lenient = GatePolicySchema.parse({ honourReject: false });
    expect(decide({ round: 0, findings: [], review: review('reject') }, lenient).action).toBe('revise');
  });

  it('can be told to send chosen advisory rules back', () => {
    const strict = GatePolicySchema.parse({ reviseOnAdvisory: ['fk-missing-index'] });
    expect(decide({ round: 0, findings: [finding('fk-missing-index', 'advisory')], review: review('approve') }, strict).action).toBe('revise');
    expect(decide({ round: 0, findings: [finding('redundant-index', 'advisory')], review: review('approve') }, strict).action).toBe('apply');
  });

  it('with zero revisions allowed, the first draft is the last', () => {
    const once = GatePolicySchema.parse({ maxRevisions: 0 });
    expect(decide({ round: 0, findings: [], review: review('request_changes') }, once).action).toBe('reject');
  });
});
