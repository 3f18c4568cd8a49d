/**
 * Whether the matmul helper splits products during whole units of work (one training step: a batch's
 * forward pass, backward pass and update; one evaluation or prediction batch), chosen by timing whole units
 * both ways. The helper pays only while the second core is free, and on a shared machine that changes by the
 * minute; timing single products per shape did not find the gain it has (each product's time varies with
 * everything else running around it: docs/performance.md, "Both cores in one layer call"), so a unit is
 * timed as a whole, which is what the user waits for.
 *
 * After `warmup` untimed units (the first ones pack weights, send operands to the helper and fill caches),
 * units alternate split / one thread until each way has `samples` times; then each unit goes the way whose
 * median of its last `samples` times is lower, except every `recheckEvery`-th unit, which goes the other way
 * so that a change of load is noticed. So at most 1/`recheckEvery` of the units after the first comparison
 * run the slower way. Either way computes the same bits (rows are split), so only the speed depends on the
 * clock.
 */

/**
 * Whole units of work of one kind (training steps, inference batches), each run the way its policy chooses:
 * `begin` before a unit, `end` after it succeeded (a unit that failed is never ended).
 */
export interface WorkUnits {
  begin(): void;
  end(): void;
}

/** Units without a helper: nothing to choose. */
export const NO_UNITS: WorkUnits = { begin: () => undefined, end: () => undefined };

export interface UnitPolicyOptions {
  /** Units run first, split, and not timed. */
  warmup?: number;
  /** Times kept per way; their median decides. */
  samples?: number;
  /** Every this many units after the first comparison, the other way is timed again. */
  recheckEvery?: number;
}

export const UNIT_POLICY_DEFAULTS: Required<UnitPolicyOptions> = { warmup: 1, samples: 3, recheckEvery: 16 };

export type Way = 'split' | 'one thread';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export class UnitPolicy {
  private readonly options: Required<UnitPolicyOptions>;
  private readonly times: Record<Way, number[]> = { split: [], 'one thread': [] };
  /** Units begun so far. */
  private units = 0;
  /** Units run each way (warm-up included), for benchmarks and tests. */
  readonly counts: Record<Way, number> = { split: 0, 'one thread': 0 };
  /** The unit in progress: its way and start time, or null (none, or not timed). */
  private open: { way: Way; started: number } | null = null;

  constructor(
    private readonly now: () => number,
    options: UnitPolicyOptions = {},
  ) {
    this.options = { ...UNIT_POLICY_DEFAULTS, ...options };
  }

  /** The way chosen by the times so far, or null while they do not yet compare both ways. */
  get preferred(): Way | null {
    const { split, 'one thread': one } = this.times;
    if (split.length < this.options.samples || one.length < this.options.samples) return null;
    return median(split) < median(one) ? 'split' : 'one thread';
  }

  /** Starts a unit (abandoning one begun and never ended: it failed) and says which way it runs. */
  begin(): Way {
    this.units += 1;
    const way = this.nextWay();
    this.counts[way] += 1;
    this.open = this.units <= this.options.warmup ? null : { way, started: this.now() };
    return way;
  }

  /** Ends the unit begun last, recording its time. */
  end(): void {
    if (this.open === null) return;
    const times = this.times[this.open.way];
    times.push(this.now() - this.open.started);
    if (times.length > this.options.samples) times.shift();
    this.open = null;
  }

  private nextWay(): Way {
    if (this.units <= this.options.warmup) return 'split';
    const preferred = this.preferred;
    if (preferred === null) return this.times.split.length <= this.times['one thread'].length ? 'split' : 'one thread';
    const other: Way = preferred === 'split' ? 'one thread' : 'split';
    return this.units % this.options.recheckEvery === 0 ? other : preferred;
  }
}
