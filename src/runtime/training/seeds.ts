/** Deterministic per-layer initialization seeds, so one spec and one seed always give the same initial weights. */

/**
 * The seed for the layer at `index` (0-based, in build order) of a model seeded with `seed`: a 32-bit hash
 * of both, so neighbouring layers and neighbouring seeds get unrelated streams.
 */
export function layerSeed(seed: number, index: number): number {
  let h = Math.imul((Math.floor(seed) >>> 0) ^ 0x85ebca6b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13) ^ Math.imul(index + 1, 0x27d4eb2f), 0x165667b1);
  h ^= h >>> 16;
  return h >>> 0;
}
