// The fake provider for experiments: one fake provider server (src/llm/fake-server.ts) for the
// whole experiment, answering each fake model (by model id) with a fake team (src/llm/fake-team.ts)
// that has that model's behaviour, reviewer catch rate and simulated latency. All fake models sit
// behind one endpoint, so they share one provider queue (concurrency, rate limit), as models of one
// real vendor would.
import { setTimeout as sleep } from 'node:timers/promises';
import { createFakeTeam } from '../llm/fake-team.js';
import type { FakeServer, Responder } from '../llm/fake-server.js';
import type { Mistake, MistakeCatalog } from '../plan/mistakes.js';
import type { Scenario } from '../scenario/types.js';
import { behaviourTransform } from './behaviours.js';
import { modelId, type FakeModelConfig } from './config.js';

/**
 * Every variant's directives in one catalog (keys made unique), so a fake team recognises the
 * directive whichever variant's mistakes.yaml wrote the task.
 */
export function mergeCatalogs(catalogs: MistakeCatalog[]): MistakeCatalog {
  const merged = new Map<string, Mistake>();
  catalogs.forEach((c, i) => {
    for (const [rule, m] of c) {
      if (![...merged.values()].some((x) => x.rule === rule && x.directive === m.directive)) merged.set(`${i}:${rule}`, m);
    }
  });
  return merged;
}

export function fakeResponder(models: FakeModelConfig[], scenario: Scenario, mistakes: MistakeCatalog): Responder {
  const teams = new Map<string, { respond: Responder; latencyMs: number }>();
  for (const m of models) {
    teams.set(modelId(m), {
      respond: createFakeTeam({ scenario, mistakes, transform: behaviourTransform(m.behaviour), reviewerCatchRate: m.reviewerCatchRate }),
      latencyMs: m.latencyMs,
    });
  }
  return async (req) => {
    const team = teams.get(req.model);
    if (!team) throw new Error(`no fake model "${req.model}" in this experiment (have: ${[...teams.keys()].join(', ')})`);
    if (team.latencyMs > 0) await sleep(team.latencyMs);
    return team.respond(req);
  };
}

export async function startFakeProvider(responder: Responder, injected?: FakeServer): Promise<{ server: FakeServer; close(): Promise<void> }> {
  if (injected) {
    injected.setResponder(responder);
    return { server: injected, close: async () => {} };
  }
  const { start } = await import('../llm/fake-server.js');
  const server = await start({ responder });
  return { server, close: () => server.close() };
}
