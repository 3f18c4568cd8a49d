/**
 * The split policy (src/backend/split-policy.ts), on a clock the test sets: each way is timed three times per
 * shape first (split first), then the faster by its recent median is taken, the other way again every
 * `refreshEvery` calls, and a change in which way is faster is followed; shapes are timed apart.
 */
import { describe, expect, it } from 'vitest';
import { SplitPolicy } from '../../src/backend/split-policy.js';

/** Runs `calls` products of one shape whose split takes `splitMs` and one-thread run `oneMs`; returns the ways taken. */
function run(policy: SplitPolicy, clock: { now: number }, calls: number, times: { splitMs: number; oneMs: number }, shape: [number, number, number] = [32, 128, 512]): boolean[] {
  const ways: boolean[] = [];
  for (let i = 0; i < calls; i += 1) {
    const choice = policy.choose(...shape);
    clock.now += choice.split ? times.splitMs : times.oneMs;
    choice.finished();
    ways.push(choice.split);
  }
  return ways;
}

describe('split policy', () => {
  it('times both ways three times, then keeps to the faster one, timing the other every refreshEvery calls', () => {
    const clock = { now: 0 };
    const policy = new SplitPolicy(() => clock.now, { samples: 5, refreshEvery: 8 });
    const ways = run(policy, clock, 24, { splitMs: 0.6, oneMs: 1 });
    expect(ways.slice(0, 6)).toEqual([true, false, true, false, true, false]);
    // Calls 7 to 24: split, except calls 8, 16 and 24 (the refresh of the slower way).
    expect(ways.slice(6).map((split, i) => (split ? 'S' : 'o')).join('')).toBe('SoSSSSSSSoSSSSSSSo');
  });

  it('follows a change of the faster way, and keeps shapes apart', () => {
    const clock = { now: 0 };
    const policy = new SplitPolicy(() => clock.now, { samples: 3, refreshEvery: 4 });
    run(policy, clock, 10, { splitMs: 0.5, oneMs: 1 });
    // Now splitting is slower (the second core is busy): within a few refreshes the policy stops splitting.
    const later = run(policy, clock, 16, { splitMs: 2, oneMs: 1 });
    // Call 11 splits (median of [0.5, 0.5, 2]), 12 is a refresh, 13 splits once more, then [0.5, 2, 2]: one
    // thread, splitting only on the refreshes (calls 16, 20, 24).
    expect(later.map((split) => (split ? 'S' : 'o')).join('')).toBe('SoSooSoooSoooSoo');
    // A new shape starts measuring afresh, split first.
    expect(run(policy, clock, 2, { splitMs: 2, oneMs: 1 }, [64, 256, 1024])).toEqual([true, false]);
  });
});
