/**
 * Batch normalization inside the recurrence (Cooijmans et al. 2016, per step) or over batch and time at the
 * input site (Laurent et al. 2016, shared). Padded steps are left out of the minibatch statistics.
 */
import * as tf from '@tensorflow/tfjs';
import type { BatchStatisticsIR } from '../../../ir/types.js';
import { constantInitializer } from '../initializers.js';
import { scaleAndShift } from './grouping.js';
import type { NormContext, NormDescriptor, NormSpan } from './types.js';

export const batchNorm: NormDescriptor = {
  kind: 'batch',
  equation:
    'BN(v) = γ ⊙ (v − μ) / √(σ² + ε) + β; training: μ, σ² the minibatch mean and (population) variance of the valid ' +
    'examples at step t (per_step) or over batch and time (shared); inference: the moving averages ' +
    'pop ← momentum·pop + (1 − momentum)·batch, step t > maxSteps using row maxSteps',
  source: 'Cooijmans et al. 2016, "Recurrent Batch Normalization", eqs. 6–8 and §3; Laurent et al. 2016, eq. 5',

  createWeights(addWeight, site, width, norm) {
    const stats = norm.batch as BatchStatisticsIR;
    const gamma = addWeight(`${site}_norm/gamma`, [width], constantInitializer(norm.gammaInit), true);
    const beta = norm.center ? addWeight(`${site}_norm/beta`, [width], constantInitializer(norm.betaInit), true) : null;
    const shape = stats.statistics === 'per_step' ? [stats.maxSteps as number, width] : [width];
    const movingMean = addWeight(`${site}_norm/moving_mean`, shape, constantInitializer(0), false);
    const movingVariance = addWeight(`${site}_norm/moving_variance`, shape, constantInitializer(1), false);
    return { site, norm, gamma, beta, movingMean, movingVariance };
  },

  apply(span, value, context) {
    const [mean, variance] = context.training ? batchMoments(span, value, context) : populationMoments(span, value, context);
    const normalized = tf.mul(tf.sub(value, mean), tf.rsqrt(tf.add(variance, span.norm.epsilon)));
    return scaleAndShift(normalized, span.gamma, span.beta);
  },
};

/** Axes the statistics run over: the batch of one step, each step of a sequence, or batch and time. */
function statisticAxes(span: NormSpan, context: NormContext): number[] {
  if (context.step !== null) return [0];
  return (span.norm.batch as BatchStatisticsIR).statistics === 'per_step' ? [1] : [0, 1];
}

/** Minibatch mean and variance over the valid examples, recorded for the population update. */
function batchMoments(span: NormSpan, value: tf.Tensor, context: NormContext): [tf.Tensor, tf.Tensor] {
  const axes = statisticAxes(span, context);
  // Per-step statistics of a whole sequence are one row per step; the others are a single row.
  const perStepRows = context.step === null && axes.length === 1;
  const width = value.shape[value.rank - 1] as number;
  const flat = (t: tf.Tensor) => tf.reshape(t, perStepRows ? [-1, width] : [width]);
  let mean: tf.Tensor;
  let variance: tf.Tensor;
  let valid: tf.Tensor;
  if (context.mask === null) {
    ({ mean, variance } = tf.moments(value, axes, true));
    valid = perStepRows ? tf.ones([value.shape[0]]) : tf.scalar(1);
  } else {
    const count = tf.sum(context.mask, axes, true);
    const divisor = tf.maximum(count, 1);
    mean = tf.div(tf.sum(tf.mul(value, context.mask), axes, true), divisor);
    variance = tf.div(tf.sum(tf.mul(tf.square(tf.sub(value, mean)), context.mask), axes, true), divisor);
    valid = tf.reshape(tf.cast(tf.greater(count, 0), 'float32'), perStepRows ? [-1] : []);
  }
  if (context.step !== null) context.population.recordStep(span.site, context.step, span.firstColumn, flat(mean), flat(variance), valid);
  else context.population.recordSequence(span.site, flat(mean), flat(variance), valid);
  return [mean, variance];
}

/** Population statistics: the row of this step (or of `maxSteps`), the rows of every step, or the shared row. */
function populationMoments(span: NormSpan, value: tf.Tensor, context: NormContext): [tf.Tensor, tf.Tensor] {
  const movingMean = span.movingMean as tf.Tensor;
  const movingVariance = span.movingVariance as tf.Tensor;
  if (movingMean.rank === 1) return [movingMean, movingVariance];
  const lastRow = movingMean.shape[0] - 1;
  if (context.step !== null) {
    const row = Math.min(context.step, lastRow);
    return [movingMean.slice(row, 1), movingVariance.slice(row, 1)];
  }
  const steps = value.shape[0];
  const rows = tf.tensor1d(Array.from({ length: steps }, (_, step) => Math.min(step, lastRow)), 'int32');
  return [tf.expandDims(tf.gather(movingMean, rows), 1), tf.expandDims(tf.gather(movingVariance, rows), 1)];
}
