/** RMS normalization over groups of gate blocks (Zhang & Sennrich 2019): layer norm without centering. */
import * as tf from '@tensorflow/tfjs';
import { constantInitializer } from '../initializers.js';
import { gateBlocks, groupMean, scaleAndShift } from './grouping.js';
import { weightColumns } from './inference.js';
import type { NormDescriptor } from './types.js';

export const rmsNorm: NormDescriptor = {
  kind: 'rms',

  createWeights(addWeight, site, width, norm) {
    const gamma = addWeight(`${site}_norm/gamma`, [width], constantInitializer(norm.gammaInit), true);
    const beta = norm.center ? addWeight(`${site}_norm/beta`, [width], constantInitializer(norm.betaInit), true) : null;
    return { site, norm, gamma, beta, movingMean: null, movingVariance: null };
  },

  fused: { statistics: 'example', subtractMean: false },

  apply(span, value) {
    const blocks = gateBlocks(value, span.groupIds.length, span.units);
    const meanSquare = groupMean(tf.square(blocks) as tf.Tensor3D, span.groupIds);
    const normalized = tf.reshape(tf.mul(blocks, tf.rsqrt(tf.add(meanSquare, span.norm.epsilon))), value.shape);
    return scaleAndShift(normalized, span.gamma, span.beta);
  },

  inferenceForm(weights, firstColumn, width) {
    const beta = weights.beta === null ? null : weightColumns(weights.beta, firstColumn, width);
    return { form: 'statistics', center: false, gamma: weightColumns(weights.gamma, firstColumn, width), beta, epsilon: weights.norm.epsilon };
  },
};
