// The gate: what happens to a change after its checks and review.
import { z } from 'zod';
import type { Finding } from '../checks/engine.js';
import type { ReviewAnswer } from '../agents/schemas.js';

export const GatePolicySchema = z.object({
  /** Revision rounds after the first draft before a change is finally rejected. */
  maxRevisions: z.number().int().min(0).max(10).default(2),
  /** Advisory findings the gate itself sends back (by rule id); default none: planted defects may land. */
  reviseOnAdvisory: z.array(z.string()).default([]),
  /** Whether a reviewer's 'reject' ends the entry at once (true) or counts as request_changes. */
  honourReject: z.boolean().default(true),
});
export type GatePolicy = z.infer<typeof GatePolicySchema>;
export const DEFAULT_GATE_POLICY: GatePolicy = GatePolicySchema.parse({});

export type GateAction = 'apply' | 'revise' | 'reject' | 'fail';

export interface GateDecision {
  action: GateAction;
  reason: string;
}

export interface GateInput {
  /** 0 for the first draft, 1.. for revisions. */
  round: number;
  findings: Finding[];
  /** Absent when the reviewer was not consulted (blocking findings short-circuit it). */
  review?: ReviewAnswer;
}

function describe(findings: Finding[]): string {
  const ids = [...new Set(findings.map((f) => f.rule))];
  return ids.join(', ');
}

/**
 * Blocking findings always send the change back; request_changes sends it back with the comments;
 * past the last revision the change is rejected — or 'fail' when Postgres itself refused it, so the
 * entry ends as failed with Postgres's own error.
 */
export function decide(input: GateInput, policy: GatePolicy = DEFAULT_GATE_POLICY): GateDecision {
  const lastRound = input.round >= policy.maxRevisions;
  const blocking = input.findings.filter((f) => f.severity === 'blocking');
  if (blocking.length > 0) {
    const applyError = blocking.find((f) => f.rule === 'apply-error');
    if (!lastRound) return { action: 'revise', reason: `blocking findings: ${describe(blocking)}` };
    if (applyError) return { action: 'fail', reason: applyError.message };
    return { action: 'reject', reason: `blocking findings after ${input.round} revision(s): ${describe(blocking)}` };
  }
  const gated = input.findings.filter((f) => policy.reviseOnAdvisory.includes(f.rule));
  if (gated.length > 0) {
    if (!lastRound) return { action: 'revise', reason: `policy sends back: ${describe(gated)}` };
    return { action: 'reject', reason: `still has ${describe(gated)} after ${input.round} revision(s)` };
  }
  const review = input.review;
  if (!review || review.verdict === 'approve') {
    return { action: 'apply', reason: review ? `approved: ${review.summary}` : 'no blocking findings' };
  }
  if (review.verdict === 'reject' && policy.honourReject) {
    return { action: 'reject', reason: `reviewer rejected: ${review.summary}` };
  }
  if (!lastRound) return { action: 'revise', reason: `reviewer requested changes: ${review.summary}` };
  return { action: 'reject', reason: `reviewer still requests changes after ${input.round} revision(s): ${review.summary}` };
}
