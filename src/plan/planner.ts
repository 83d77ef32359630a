// Seeded mistake planning: does this change carry a mistake, and which one?
import type { Persona, RoadmapEntry } from '../scenario/types.js';
import type { MistakePlan } from '../report/types.js';
import { rngFor, weightedPick } from './rng.js';
import { changeShape } from './shape.js';
import type { MistakeCatalog } from './mistakes.js';

/**
 * The roadmap's own planted defects take precedence. Otherwise one draw against the persona's error
 * rate decides whether the change carries a mistake, and the persona's weighted tendencies, limited
 * to mistakes that fit this change and have a directive in the catalog, pick which.
 * Deterministic for (seed, entry id): a resumed run plans exactly what a straight run would.
 */
export function planEntry(seed: number, entry: RoadmapEntry, persona: Persona, catalog: MistakeCatalog): MistakePlan {
  const rng = rngFor(seed, `plan:${entry.id}`);
  const draw = rng();
  if (entry.plantedDefects.length > 0) {
    return { defects: [...entry.plantedDefects], source: 'roadmap', draw };
  }
  if (draw >= persona.errorRate) return { defects: [], source: 'none', draw };
  const shape = changeShape(entry.referenceSql);
  const fitting: Record<string, number> = {};
  for (const [rule, weight] of Object.entries(persona.tendencies)) {
    const mistake = catalog.get(rule);
    if (mistake && mistake.fits.some((t) => shape.has(t))) fitting[rule] = weight;
  }
  const rule = weightedPick(rng, fitting);
  if (!rule) return { defects: [], source: 'none', draw };
  return { defects: [rule], source: 'drawn', draw };
}
