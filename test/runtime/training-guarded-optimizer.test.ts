/** The optimizer wrapper skips (and counts) an update whose gradients are not all finite, and applies the others. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { allFinite, GuardedOptimizer } from '../../src/runtime/training/index.js';

interface Setup {
  weights: tf.Variable;
  optimizer: GuardedOptimizer;
}

/** Adam (which keeps two moment slots per weight and counts iterations) on a two-element weight. */
function setup(clipping = { norm: null, value: null } as { norm: number | null; value: number | null }): Setup {
  const weights = tf.variable(tf.tensor1d([1, 2]), true, `guarded_w_${Math.random().toString(36).slice(2)}`);
  return { weights, optimizer: new GuardedOptimizer(tf.train.adam(0.1), clipping) };
}

function apply({ weights, optimizer }: Setup, gradient: number[]): void {
  const tensor = tf.tensor1d(gradient);
  optimizer.applyGradients([{ name: weights.name, tensor }]);
  tensor.dispose();
}

/** The optimizer's saved state (iteration count and adam's moments) as plain numbers. */
async function slots(optimizer: tf.Optimizer): Promise<number[][]> {
  // The moments come back as the optimizer's own variables, so nothing here is disposed.
  const named = await optimizer.getWeights();
  return named.map((entry) => Array.from(entry.tensor.dataSync()));
}

describe('GuardedOptimizer', () => {
  it.each([
    ['NaN', [Number.NaN, 1]],
    ['+Inf', [1, Number.POSITIVE_INFINITY]],
    ['−Inf', [Number.NEGATIVE_INFINITY, 0]],
  ])('skips an update with a %s gradient: weights, slots and iterations unchanged, one skip counted', async (_label, gradient) => {
    const state = setup();
    apply(state, [0.5, -0.5]);
    const weightsBefore = Array.from(state.weights.dataSync());
    const slotsBefore = await slots(state.optimizer);
    expect(state.optimizer.iterations).toBe(1);

    apply(state, gradient);

    expect(Array.from(state.weights.dataSync())).toEqual(weightsBefore);
    expect(await slots(state.optimizer)).toEqual(slotsBefore);
    expect(state.optimizer.iterations).toBe(1);
    expect(state.optimizer.skippedUpdates).toBe(1);
    expect(state.optimizer.consecutiveSkippedUpdates).toBe(1);
  });

  it('applies a finite update as adam would, and resets the consecutive count but not the total', () => {
    const state = setup();
    apply(state, [Number.NaN, 0]);
    apply(state, [0, Number.POSITIVE_INFINITY]);
    expect([state.optimizer.skippedUpdates, state.optimizer.consecutiveSkippedUpdates]).toEqual([2, 2]);

    apply(state, [0.5, -2]);

    // Adam's first step moves every weight by the learning rate against the gradient's sign:
    // m̂ = g, v̂ = g², so the step is 0.1 · g / (|g| + ε).
    const [w0, w1] = Array.from(state.weights.dataSync());
    expect(w0).toBeCloseTo(1 - 0.1, 5);
    expect(w1).toBeCloseTo(2 + 0.1, 5);
    expect(state.optimizer.iterations).toBe(1);
    expect([state.optimizer.skippedUpdates, state.optimizer.consecutiveSkippedUpdates]).toEqual([2, 0]);
  });

  it('skips rather than clips a non-finite gradient (a global-norm clip would spread the NaN to every weight)', () => {
    const state = setup({ norm: 1, value: 0.5 });
    apply(state, [Number.POSITIVE_INFINITY, 0.1]);
    expect(Array.from(state.weights.dataSync())).toEqual([1, 2]);
    expect(state.optimizer.skippedUpdates).toBe(1);
  });

  it('is used through minimize, and leaves the caller’s gradients alone', () => {
    const state = setup();
    // d/dw sqrt(w − 1) at w0 = 1 is +Inf.
    state.optimizer.minimize(() => tf.sum(tf.sqrt(tf.sub(state.weights, 1))) as tf.Scalar);
    expect(Array.from(state.weights.dataSync())).toEqual([1, 2]);
    expect(state.optimizer.skippedUpdates).toBe(1);
    const gradient = tf.tensor1d([1, 1]);
    state.optimizer.applyGradients({ [state.weights.name]: gradient });
    expect(gradient.isDisposed).toBe(false);
    expect(state.optimizer.iterations).toBe(1);
  });

  it('tells itself apart from the optimizers it wraps', () => {
    const inner = tf.train.sgd(0.1);
    expect(new GuardedOptimizer(inner)).toBeInstanceOf(GuardedOptimizer);
    expect(inner).not.toBeInstanceOf(GuardedOptimizer);
    expect(new GuardedOptimizer(inner)).toBeInstanceOf(tf.Optimizer);
  });
});

describe('allFinite', () => {
  it('is true for large finite values whose sum would overflow float32', () => {
    expect(allFinite([tf.fill([4], 3e38), tf.tensor1d([-3e38, 0])])).toBe(true);
  });

  it('is false when any element of any tensor is NaN or ±Inf', () => {
    expect(allFinite([tf.zeros([3]), tf.tensor2d([[0, Number.NaN]])])).toBe(false);
    expect(allFinite([tf.tensor1d([Number.NEGATIVE_INFINITY])])).toBe(false);
  });
});
