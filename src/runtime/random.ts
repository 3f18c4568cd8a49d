/**
 * One seedable stream of random seeds for everything stochastic at training time in seqnet's layers
 * (dropout, zoneout masks).
 *
 * tfjs draws unseeded randomness from `Math.random`, and a fixed `seed` argument makes tfjs's own dropout
 * reuse one mask on every call. Instead, every mask seqnet draws takes a fresh seed from this stream, so
 * training is reproducible from `seedRandom(seed)`, and a checkpoint can save `getRandomState()` and resume
 * with exactly the masks an uninterrupted run would have drawn.
 */

let state = 0x9e3779b9 >>> 0;

/** Restarts the stream from a seed. */
export function seedRandom(seed: number): void {
  state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
}

/** The stream's position, to save with a checkpoint. */
export function getRandomState(): number {
  return state;
}

/** Restores a position saved by `getRandomState`. */
export function setRandomState(saved: number): void {
  state = saved >>> 0;
}

/** The next seed: a 32-bit mulberry32 step, usable as the `seed` of `tf.randomUniform`. */
export function nextSeed(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}
