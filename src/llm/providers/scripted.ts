// The offline default: no model at all. A persona answers with its roadmap entry's reference SQL,
// exactly as the plan writes it (intended defects included); the reviewer approves and leaves the
// blocking findings to the gate. It is the baseline every LLM run is compared with.
import type { RoadmapEntry } from '../../scenario/types.js';
import type { LlmProvider, LlmRequest, LlmResult } from '../types.js';
import type { MigrationAnswer, ReviewAnswer } from '../../agents/schemas.js';

export class ScriptedProvider implements LlmProvider {
  readonly name = 'scripted';
  private readonly entries: Map<string, RoadmapEntry>;

  constructor(roadmap: RoadmapEntry[]) {
    this.entries = new Map(roadmap.map((e) => [e.id, e]));
  }

  async complete<T>(req: LlmRequest<T>): Promise<LlmResult<T>> {
    const { kind, entryId } = req.purpose;
    const entry = this.entries.get(entryId);
    if (!entry) throw new Error(`scripted provider: no roadmap entry "${entryId}"`);
    const answer: MigrationAnswer | ReviewAnswer =
      kind === 'review'
        ? {
            verdict: 'approve',
            summary: 'Scripted reviewer (no model): approves; blocking findings are enforced by the gate.',
            comments: [],
          }
        : {
            title: entry.title,
            rationale: 'Scripted answer (no model): the roadmap entry\'s reference SQL, as written.',
            up_sql: entry.referenceSql,
            down_sql: '',
            notes: kind === 'revise' ? 'Scripted answer: the reference SQL does not change on revision.' : '',
          };
    const value = req.schema.parse(answer);
    return {
      value,
      raw: JSON.stringify(answer),
      usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 },
      costUsd: 0,
      latencyMs: 0,
      provider: this.name,
      model: 'scripted',
      attempts: 1,
    };
  }
}
