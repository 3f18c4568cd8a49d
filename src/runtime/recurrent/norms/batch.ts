/**
 * Batch normalization inside the recurrence (Cooijmans et al. 2016, per step) or over batch and time at the
 * input site (Laurent et al. 2016, shared). Padded steps are left out of the minibatch statistics.
 */
import * as tf from '@tensorflow/tfjs';
import type { BatchStatisticsIR } from '../../../ir/types.js';
import { constantInitializer } from '../initializers.js';
import { splitSteps } from '../ops.js';
import { scaleAndShift } from './grouping.js';
import { weightColumns } from './inference.js';
import type { InferenceForm } from './inference.js';
import type { NormContext, NormDescriptor, NormSpan, NormWeights } from './types.js';

export const batchNorm: NormDescriptor = {
  kind: 'batch',

  createWeights(addWeight, site, width, norm) {
    const stats = norm.batch as BatchStatisticsIR;
    const gamma = addWeight(`${site}_norm/gamma`, [width], constantInitializer(norm.gammaInit), true);
    const beta = norm.center ? addWeight(`${site}_norm/beta`, [width], constantInitializer(norm.betaInit), true) : null;
    const shape = stats.statistics === 'per_step' ? [stats.maxSteps as number, width] : [width];
    const movingMean = addWeight(`${site}_norm/moving_mean`, shape, constantInitializer(0), false);
    const movingVariance = addWeight(`${site}_norm/moving_variance`, shape, constantInitializer(1), false);
    return { site, norm, gamma, beta, movingMean, movingVariance };
  },

  needsSequence(norm, training) {
    return training && norm.batch?.statistics === 'shared';
  },

  prepareSequence(span, rows, mask, population) {
    const { mean, variance, valid } = maskedMoments(rows, mask);
    population.recordSequence(span.site, tf.reshape(mean, [-1]), tf.reshape(variance, [-1]), valid);
    return [mean, variance];
  },

  fused: { statistics: 'batch' },

  apply(span, value, context) {
    const [mean, variance] = context.training ? batchMoments(span, value, context) : populationMoments(span, context);
    const normalized = tf.mul(tf.sub(value, mean), tf.rsqrt(tf.add(variance, span.norm.epsilon)));
    return scaleAndShift(normalized, span.gamma, span.beta);
  },

  inferenceForm: populationAffine,
};

/**
 * With population statistics μ_t, σ²_t batch norm is the affine map `a_t ⊙ v + b_t` of each step row, with
 * a_t = γ / √(σ²_t + ε) and b_t = β − μ_t ⊙ a_t (one row when the statistics are shared over time).
 */
function populationAffine(weights: NormWeights, firstColumn: number, width: number): InferenceForm {
  if (weights.movingMean === null || weights.movingVariance === null) throw new Error('SeqnetRecurrent: batch norm without population statistics');
  const mean = weightColumns(weights.movingMean, firstColumn, width);
  const variance = weightColumns(weights.movingVariance, firstColumn, width);
  const gamma = weightColumns(weights.gamma, firstColumn, width);
  const beta = weights.beta === null ? null : weightColumns(weights.beta, firstColumn, width);
  const rows = mean.length / width;
  const scale = new Float32Array(rows * width);
  const shift = new Float32Array(rows * width);
  for (let i = 0; i < rows * width; i += 1) {
    const column = i % width;
    scale[i] = gamma[column] / Math.sqrt(variance[i] + weights.norm.epsilon);
    shift[i] = (beta === null ? 0 : beta[column]) - mean[i] * scale[i];
  }
  return { form: 'affine rows', rows, scale, shift };
}

/** Mean and variance over the rows (axis 0) of the valid examples; `valid` is 1 if there was any. */
function maskedMoments(rows: tf.Tensor, mask: tf.Tensor | null): { mean: tf.Tensor; variance: tf.Tensor; valid: tf.Tensor } {
  if (mask === null) return { ...tf.moments(rows, 0, true), valid: tf.scalar(1) };
  const count = tf.sum(mask);
  const divisor = tf.maximum(count, 1);
  const mean = tf.div(tf.sum(tf.mul(rows, mask), 0, true), divisor);
  const variance = tf.div(tf.sum(tf.mul(tf.square(tf.sub(rows, mean)), mask), 0, true), divisor);
  return { mean, variance, valid: tf.cast(tf.greater(count, 0), 'float32') };
}

/** Minibatch statistics of this step (recorded for the population update), or the prepared shared ones. */
function batchMoments(span: NormSpan, value: tf.Tensor, context: NormContext): [tf.Tensor, tf.Tensor] {
  if ((span.norm.batch as BatchStatisticsIR).statistics === 'shared') {
    if (context.prepared === null) throw new Error(`SeqnetRecurrent: shared batch statistics at '${span.site}' were not prepared`);
    return [context.prepared[0], context.prepared[1]];
  }
  const { mean, variance, valid } = maskedMoments(value, context.mask);
  context.population.recordStep(span.site, context.step, span.firstColumn, tf.reshape(mean, [-1]), tf.reshape(variance, [-1]), valid);
  return [mean, variance];
}

/** Population statistics: the shared row, or the row of this step (steps beyond `maxSteps` use the last). */
function populationMoments(span: NormSpan, context: NormContext): [tf.Tensor, tf.Tensor] {
  const movingMean = span.movingMean as tf.Tensor;
  const movingVariance = span.movingVariance as tf.Tensor;
  if (movingMean.rank === 1) return [movingMean, movingVariance];
  const rows = movingMean.shape[0];
  span.populationRows ??= { mean: splitSteps(movingMean, rows), variance: splitSteps(movingVariance, rows) };
  const row = Math.min(context.step, rows - 1);
  return [span.populationRows.mean[row], span.populationRows.variance[row]];
}
