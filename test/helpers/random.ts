/** A small seeded PRNG for test data, independent of the runtime's own random state. */

/** Mulberry32: a 32-bit generator that is fast, seedable and good enough for test weights. */
export class TestRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  vector(length: number, low = -1, high = 1): number[] {
    return Array.from({ length }, () => this.uniform(low, high));
  }

  matrix(rows: number, columns: number, low = -1, high = 1): number[][] {
    return Array.from({ length: rows }, () => this.vector(columns, low, high));
  }

  tensor3(a: number, b: number, c: number, low = -1, high = 1): number[][][] {
    return Array.from({ length: a }, () => this.matrix(b, c, low, high));
  }
}
