/**
 * The matmul helper's policy by whole units of work (src/backend/unit-policy.ts), on a clock the test sets:
 * a warm-up unit, then both ways alternately until each has its samples, then the faster by median, the other
 * way every `recheckEvery` units; it follows a change of load either way, and a unit that failed (begun, never
 * ended) is not timed.
 */
import { describe, expect, it } from 'vitest';
import { UNIT_POLICY_DEFAULTS, UnitPolicy, type Way } from '../../src/backend/unit-policy.js';

/** Runs `count` units that take `ms[way]` each; returns the ways taken, S for split and o for one thread. */
function run(policy: UnitPolicy, clock: { now: number }, count: number, ms: Record<Way, number>): string {
  let ways = '';
  for (let i = 0; i < count; i += 1) {
    const way = policy.begin();
    clock.now += ms[way];
    policy.end();
    ways += way === 'split' ? 'S' : 'o';
  }
  return ways;
}

const FAST_SPLIT = { split: 6, 'one thread': 10 };
const SLOW_SPLIT = { split: 20, 'one thread': 10 };

describe('unit policy', () => {
  it('warms up split, alternates until both ways have their samples, then keeps to the faster, rechecking the other', () => {
    const clock = { now: 0 };
    const policy = new UnitPolicy(() => clock.now, { warmup: 1, samples: 3, recheckEvery: 8 });
    expect(policy.preferred).toBeNull();
    // Unit 1 warms up; 2 to 7 alternate; then split, except units 8, 16 and 24 (the rechecks).
    expect(run(policy, clock, 24, FAST_SPLIT)).toBe('S' + 'SoSoSo' + 'o' + 'SSSSSSSo'.repeat(2));
    expect(policy.preferred).toBe('split');
    expect(policy.counts).toEqual({ split: 1 + 3 + 14, 'one thread': 3 + 3 });
  });

  it('chooses one thread when splitting is slower', () => {
    const clock = { now: 0 };
    const policy = new UnitPolicy(() => clock.now, { warmup: 2, samples: 3, recheckEvery: 8 });
    // Units 1 and 2 warm up (split, untimed); 3 to 8 alternate, unit 8 is not a recheck yet (none preferred before it).
    expect(run(policy, clock, 16, SLOW_SPLIT)).toBe('SS' + 'SoSoSo' + 'oooooooS');
    expect(policy.preferred).toBe('one thread');
  });

  it('notices a change of load either way', () => {
    const clock = { now: 0 };
    const policy = new UnitPolicy(() => clock.now, { warmup: 1, samples: 3, recheckEvery: 8 });
    run(policy, clock, 12, FAST_SPLIT);
    expect(policy.preferred).toBe('split');
    // The second core gets busy (units 13 to 16): the split units' own times show it, two of them outvote the
    // earlier ones; unit 16 is a recheck.
    expect(run(policy, clock, 4, SLOW_SPLIT)).toBe('SSoS');
    expect(policy.preferred).toBe('one thread');
    // It becomes free again: only the rechecks (units 24 and 32) time splitting; after the second, the median turns.
    expect(run(policy, clock, 20, FAST_SPLIT)).toBe('oooooooSoooooooSSSSS');
    expect(policy.preferred).toBe('split');
  });

  it('does not time a unit that failed (begun, never ended)', () => {
    const clock = { now: 0 };
    const policy = new UnitPolicy(() => clock.now, { warmup: 0, samples: 1, recheckEvery: 8 });
    expect(policy.begin()).toBe('split');
    clock.now += 1_000;
    // The failed split unit's 1 000 ms are not recorded: the next unit is timed split again.
    expect(policy.begin()).toBe('split');
    clock.now += 5;
    policy.end();
    expect(run(policy, clock, 2, { split: 5, 'one thread': 10 })).toBe('oS');
    expect(policy.preferred).toBe('split');
  });

  it('rechecks one unit in recheckEvery by default once it has chosen', () => {
    const clock = { now: 0 };
    const policy = new UnitPolicy(() => clock.now);
    const { warmup, samples, recheckEvery } = UNIT_POLICY_DEFAULTS;
    run(policy, clock, warmup + 2 * samples, FAST_SPLIT);
    const later = run(policy, clock, 10 * recheckEvery, FAST_SPLIT);
    expect(later.split('o').length - 1).toBe(10);
  });
});
