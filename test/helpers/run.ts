// The RunOptions every pipeline test starts from: the shared test server, the repository's prompts
// and mistake catalog, the default gate; tests override what they are about.
import path from 'node:path';
import { runRoadmap, type RunOptions, type RunOutcome } from '../../src/pipeline/run.js';
import { PromptLibrary } from '../../src/agents/prompts.js';
import { loadMistakeCatalog } from '../../src/plan/mistakes.js';
import { DEFAULT_GATE_POLICY } from '../../src/gate/policy.js';
import type { LlmProvider } from '../../src/llm/types.js';
import { testServer } from './scenario.js';

type Required = Pick<RunOptions, 'scenario' | 'database' | 'runsDir'>;

/** Runs the pipeline; `provider` answers for both roles unless writer/reviewer are given. */
export async function runPipeline(
  opts: Required & Partial<RunOptions> & { provider?: LlmProvider },
): Promise<RunOutcome> {
  const { provider, ...rest } = opts;
  const settings = provider ? { provider, model: provider.name } : undefined;
  if (!settings && (!rest.writer || !rest.reviewer)) throw new Error('runPipeline: give a provider, or writer and reviewer');
  return runRoadmap({
    server: testServer(),
    mode: 'fresh',
    seed: 42,
    runId: 'test',
    prompts: await PromptLibrary.load(path.resolve('prompts')),
    mistakes: await loadMistakeCatalog(path.resolve('prompts')),
    gate: DEFAULT_GATE_POLICY,
    packageVersion: 'test',
    ...(settings ? { writer: settings, reviewer: settings } : {}),
    ...rest,
  } as RunOptions);
}
