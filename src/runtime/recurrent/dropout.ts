/**
 * The five stochastic forms inside a recurrent layer, drawn fresh on every training call with seeds from
 * `nextSeed()` (tfjs's own RNN layers cache their masks across calls; these never do):
 * - input dropout on `x_t`: one mask per sequence `[b, 1, in]` (Keras/tfjs) or per step `[b, t, in]`;
 * - variational recurrent dropout on `h_{t−1}` entering `U·h` (Gal & Ghahramani 2016), one `[b, u]` mask;
 * - candidate dropout without memory loss (Semeniuta et al. 2016), per sequence or per step;
 * - DropConnect on the recurrent kernel (Wan et al. 2013; Merity et al. 2017's weight drop): one mask of
 *   `U`'s shape per call, `U' = U ⊙ M / (1 − rate)` used at every step (each direction draws its own);
 * - zoneout on `c` and `h` (Krueger et al. 2017): per step and element, `new = d·prev + (1 − d)·new` with
 *   `d ~ Bernoulli(z)` in training, `z·prev + (1 − z)·new` at inference.
 * All but zoneout are inverted (kept units scaled by 1/(1 − rate)), so inference is the identity.
 *
 * The same stream seeds the Gaussian noise on the initial state (`addInitialNoise`, Cooijmans et al. 2016),
 * drawn after the masks, so a resumed run draws the same noise too.
 */
import * as tf from '@tensorflow/tfjs';
import type { RecurrentDropoutIR } from '../../ir/types.js';
import { nextSeed } from '../random.js';
import { batchNormal, batchUniform } from '../shards.js';
import { splitSteps } from './ops.js';

/** Masks and zoneout mixing for one direction of one call; null or 0 where a form is off. */
export interface CallDropout {
  /** Multiplies the batch-major input `[b, t, in]` before the input projection. */
  input: tf.Tensor | null;
  /** Multiplies `h_{t−1}` before the recurrent matmul. */
  recurrent: tf.Tensor | null;
  /** Multiplies the recurrent kernel `U` for the whole call (weight drop), already scaled by 1/(1 − rate). */
  recurrentWeights: tf.Tensor | null;
  /** Multiplies the candidate at step t. */
  candidate: (step: number) => tf.Tensor | null;
  /** Zoneout of the cell state at step t: `{ mask }` in training, `{ probability }` at inference. */
  zoneoutCell: (step: number) => Zoneout | null;
  zoneoutHidden: (step: number) => Zoneout | null;
  /**
   * The per-step forms as drawn, for the fused loops: `[steps·batch, units]` masks (a per-sequence candidate
   * mask `[batch, units]`), or zoneout's probability at inference; null where off.
   */
  drawn: { candidate: tf.Tensor | null; zoneoutCell: tf.Tensor | number | null; zoneoutHidden: tf.Tensor | number | null };
}

export type Zoneout = { mask: tf.Tensor } | { probability: number };

/**
 * Inverted dropout mask: 1/(1 − rate) with probability 1 − rate, else 0. `batchAxis` (null for weight drop's
 * `U`-shaped mask) lets a data-parallel shard draw exactly its examples' rows of the whole batch's mask.
 */
function keepMask(shape: number[], rate: number, batchAxis: number | null): tf.Tensor {
  const keep = 1 - rate;
  return tf.div(tf.cast(tf.less(batchUniform(shape, batchAxis, nextSeed()), keep), 'float32'), keep);
}

/**
 * Masks for all steps, drawn at once as `[t, b, u]` (batch axis 1): the whole `[t·b, u]`, and one `[b, u]`
 * piece per step.
 */
function perStep(steps: number, batch: number, units: number, draw: (shape: number[], batchAxis: number) => tf.Tensor): { whole: tf.Tensor; steps: tf.Tensor[] } {
  const whole = tf.reshape(draw([steps, batch, units], 1), [steps * batch, units]);
  return { whole, steps: splitSteps(whole, steps) };
}

/** The sizes one call's masks are drawn for; `recurrentKernel` is the shape of `U` (`[u, G·u]` for a matrix). */
export interface DropoutShape {
  batch: number;
  steps: number;
  features: number;
  units: number;
  recurrentKernel: number[];
}

export function drawDropout(dropout: RecurrentDropoutIR, training: boolean, shape: DropoutShape): CallDropout {
  const { batch, steps, features, units } = shape;
  const none = () => null;
  const result: CallDropout = {
    input: null,
    recurrent: null,
    recurrentWeights: null,
    candidate: none,
    zoneoutCell: none,
    zoneoutHidden: none,
    drawn: { candidate: null, zoneoutCell: null, zoneoutHidden: null },
  };
  const zoneout = dropout.zoneout;
  if (!training) {
    if (zoneout !== null && zoneout.cell > 0) result.zoneoutCell = () => ({ probability: zoneout.cell });
    if (zoneout !== null && zoneout.hidden > 0) result.zoneoutHidden = () => ({ probability: zoneout.hidden });
    result.drawn = { candidate: null, zoneoutCell: zoneout?.cell || null, zoneoutHidden: zoneout?.hidden || null };
    return result;
  }
  const input = dropout.input;
  if (input !== null && input.rate > 0) result.input = keepMask([batch, input.mask === 'step' ? steps : 1, features], input.rate, 0);
  if (dropout.recurrent !== null && dropout.recurrent.rate > 0) result.recurrent = keepMask([batch, units], dropout.recurrent.rate, 0);
  // Absent in configs saved before weight drop existed.
  const weights = dropout.recurrentWeights;
  if (weights !== undefined && weights.rate > 0) result.recurrentWeights = keepMask(shape.recurrentKernel, weights.rate, null);
  const candidate = dropout.candidate;
  if (candidate !== null && candidate.rate > 0) {
    if (candidate.mask === 'sequence') {
      const mask = keepMask([batch, units], candidate.rate, 0);
      result.candidate = () => mask;
      result.drawn.candidate = mask;
    } else {
      const masks = perStep(steps, batch, units, (s, axis) => keepMask(s, candidate.rate, axis));
      result.candidate = (step) => masks.steps[step];
      result.drawn.candidate = masks.whole;
    }
  }
  const bernoulli = (probability: number) => (s: number[], axis: number) =>
    tf.cast(tf.less(batchUniform(s, axis, nextSeed()), probability), 'float32');
  if (zoneout !== null && zoneout.cell > 0) {
    const masks = perStep(steps, batch, units, bernoulli(zoneout.cell));
    result.zoneoutCell = (step) => ({ mask: masks.steps[step] });
    result.drawn.zoneoutCell = masks.whole;
  }
  if (zoneout !== null && zoneout.hidden > 0) {
    const masks = perStep(steps, batch, units, bernoulli(zoneout.hidden));
    result.zoneoutHidden = (step) => ({ mask: masks.steps[step] });
    result.drawn.zoneoutHidden = masks.whole;
  }
  return result;
}

/** `next` with zoneout applied: `next + d·(prev − next)`, d the mask or the probability. */
export function applyZoneout(previous: tf.Tensor, next: tf.Tensor, zoneout: Zoneout | null): tf.Tensor {
  if (zoneout === null) return next;
  const keepPrevious = 'mask' in zoneout ? zoneout.mask : zoneout.probability;
  return tf.add(next, tf.mul(keepPrevious, tf.sub(previous, next)));
}

/**
 * The initial states with Gaussian noise added in training (Cooijmans et al. 2016 prime `h_0` so that the first
 * steps' batch statistics do not have zero variance): per state in the cell's order (`h` first), one
 * `[batch, units]` draw of `N(0, σ²)` per example and unit, seeded from `nextSeed()`; a state whose σ is 0 draws
 * nothing. At inference, or without the setting, the states are returned unchanged. The draw is a constant
 * of the graph: no gradient flows into it.
 */
export function addInitialNoise(
  initial: tf.Tensor[],
  states: readonly ('h' | 'c')[],
  noise: RecurrentDropoutIR['initialNoise'],
  training: boolean,
): tf.Tensor[] {
  if (!training || noise === undefined) return initial;
  return initial.map((state, index) => {
    const std = states[index] === 'c' ? noise.cell : noise.hidden;
    // Drawn for the whole batch and cut to this thread's rows when the batch is sharded (`batchNormal`).
    return std > 0 ? tf.tidy(() => tf.add(state, batchNormal(state.shape, 0, std, nextSeed()))) : state;
  });
}
