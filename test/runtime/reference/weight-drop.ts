/**
 * Weight drop's masks for the reference, made deterministic by the seed stream: a layer call draws one mask
 * per direction with `drawDropout`, forward first, before anything else random, so `seedRandom(seed)` before
 * the call and before `seededWeightMasks(…, seed)` yields the same masks. They come back as 1 (kept) / 0
 * (dropped); the reference applies them and the 1/(1 − rate) scaling itself (reference/run.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { seedRandom } from '../../../src/runtime/random.js';
import { drawDropout } from '../../../src/runtime/recurrent/dropout.js';
import { recurrentWeightShape } from '../../../src/variants/index.js';
import type { DirectionWeights, ReferenceConfig } from './types.js';

export interface DrawShape {
  batch: number;
  steps: number;
  features: number;
}

/** The masks a training call seeded with `seed` draws, or undefined when the config has no weight drop. */
export function seededWeightMasks(config: ReferenceConfig, weights: DirectionWeights[], seed: number, shape: DrawShape): number[][][] | undefined {
  if (config.dropout.recurrentWeights === undefined) return undefined;
  seedRandom(seed);
  return weights.map((direction) =>
    tf.tidy(() => {
      // Drawn in the layer's shape of U (a vector for the IndRNN), then laid out as the reference holds U.
      const layerShape = recurrentWeightShape(config.cell, config.units);
      const drawn = drawDropout(config.dropout, true, { ...shape, units: config.units, recurrentKernel: layerShape }).recurrentWeights;
      if (drawn === null) throw new Error('weight drop drew no mask');
      const rows = tf.reshape(drawn, [direction.recurrentKernel.length, direction.recurrentKernel[0].length]);
      return (rows.arraySync() as number[][]).map((row) => row.map((value) => (value > 0 ? 1 : 0)));
    }),
  );
}
