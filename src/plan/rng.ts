// A small seeded PRNG (mulberry32) keyed by run seed and entry id, so an entry's plan is the same
// whether the run went straight through or was resumed halfway.
import { createHash } from 'node:crypto';

export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An independent stream for one (seed, key) pair. */
export function rngFor(seed: number, key: string): Rng {
  const digest = createHash('sha256').update(`${seed}:${key}`).digest();
  return mulberry32(digest.readUInt32LE(0));
}

/** Picks a key with probability proportional to its weight; undefined when nothing has weight. */
export function weightedPick<K extends string>(rng: Rng, weights: Record<K, number>): K | undefined {
  const entries = Object.entries(weights).filter(([, w]) => (w as number) > 0) as [K, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  if (total <= 0) return undefined;
  let r = rng() * total;
  for (const [k, w] of entries) {
    r -= w;
    if (r < 0) return k;
  }
  return entries[entries.length - 1]![0];
}
