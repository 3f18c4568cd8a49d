/** Layer normalization over groups of gate blocks of one example (Ba, Kiros & Hinton 2016). */
import * as tf from '@tensorflow/tfjs';
import { constantInitializer } from '../initializers.js';
import { gateBlocks, groupMean, scaleAndShift } from './grouping.js';
import { weightColumns } from './inference.js';
import type { NormDescriptor } from './types.js';

export const layerNorm: NormDescriptor = {
  kind: 'layer',

  createWeights(addWeight, site, width, norm) {
    const gamma = addWeight(`${site}_norm/gamma`, [width], constantInitializer(norm.gammaInit), true);
    const beta = norm.center ? addWeight(`${site}_norm/beta`, [width], constantInitializer(norm.betaInit), true) : null;
    return { site, norm, gamma, beta, movingMean: null, movingVariance: null };
  },

  fused: { statistics: 'example', subtractMean: true },

  apply(span, value) {
    const blocks = gateBlocks(value, span.groupIds.length, span.units);
    const centered = tf.sub(blocks, groupMean(blocks, span.groupIds));
    const variance = groupMean(tf.square(centered) as tf.Tensor3D, span.groupIds);
    const normalized = tf.reshape(tf.mul(centered, tf.rsqrt(tf.add(variance, span.norm.epsilon))), value.shape);
    return scaleAndShift(normalized, span.gamma, span.beta);
  },

  inferenceForm(weights, firstColumn, width) {
    const beta = weights.beta === null ? null : weightColumns(weights.beta, firstColumn, width);
    return { form: 'statistics', center: true, gamma: weightColumns(weights.gamma, firstColumn, width), beta, epsilon: weights.norm.epsilon };
  },
};
