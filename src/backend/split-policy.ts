/**
 * Which way each product shape is faster right now: on one thread, or split with the matmul helper. The
 * helper pays only while the second core is free, and on a shared machine that changes by the minute (the
 * helper's half of an S1 product took 0.6 of the whole product's one-thread time, handoff included, but with
 * the machine loaded a split product took 1.1 to 1.5 times the one-thread time: docs/performance.md), so the
 * choice is measured, per shape, as the products run: each way a few times
 * first, then the faster by the median of its last samples, the other way again every `refreshEvery` calls
 * so that a change in load is noticed. Either way gives the same result bit for bit (rows are split), so only
 * the speed depends on the timings.
 */
import type { SplitChoice } from '../runtime/recurrent/heap/split.js';

export interface SplitPolicyOptions {
  /** Samples kept per way and shape (their median decides). */
  samples?: number;
  /** Every this many calls of a shape, the slower way is timed again. */
  refreshEvery?: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** One product shape: its recent times each way, and the way chosen for the product in progress. */
class ShapeTimes implements SplitChoice {
  split = true;
  private started = 0;
  private calls = 0;
  private readonly times: { one: number[]; split: number[] } = { one: [], split: [] };

  constructor(
    private readonly now: () => number,
    private readonly samples: number,
    private readonly refreshEvery: number,
  ) {}

  /** Chooses the way for the next product and starts its clock. */
  next(): ShapeTimes {
    this.calls += 1;
    const { one, split } = this.times;
    const measuring = Math.min(3, this.samples);
    if (one.length < measuring || split.length < measuring) {
      this.split = split.length <= one.length;
    } else {
      const faster = median(split) < median(one);
      this.split = this.calls % this.refreshEvery === 0 ? !faster : faster;
    }
    this.started = this.now();
    return this;
  }

  finished(): void {
    const times = this.split ? this.times.split : this.times.one;
    times.push(this.now() - this.started);
    if (times.length > this.samples) times.shift();
  }
}

export class SplitPolicy {
  private readonly shapes = new Map<string, ShapeTimes>();
  private readonly samples: number;
  private readonly refreshEvery: number;

  constructor(
    private readonly now: () => number,
    options: SplitPolicyOptions = {},
  ) {
    this.samples = options.samples ?? 5;
    this.refreshEvery = options.refreshEvery ?? 64;
  }

  /** The way for a product of this shape, its clock started; call `finished()` when the product is done. */
  choose(m: number, k: number, n: number): SplitChoice {
    const key = `${m}x${k}x${n}`;
    let shape = this.shapes.get(key);
    if (shape === undefined) {
      shape = new ShapeTimes(this.now, this.samples, this.refreshEvery);
      this.shapes.set(key, shape);
    }
    return shape.next();
  }
}
