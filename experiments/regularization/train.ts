/**
 * One training run of the regularization experiment, measured the way the comparison needs: after every epoch,
 * the bits per character on the validation windows and on as many training windows, both in inference mode (no
 * dropout, no zoneout), so that their difference is the generalization gap and not the regularizer's own noise.
 * The mean training loss over the epoch's batches (with the noise on) is recorded beside them.
 *
 * A loop of its own rather than `seqnet train`: the training loop evaluates the validation split only, and a run
 * directory per run is not wanted here. The rest is seqnet's: the model compiled from the spec, its optimizer
 * and clipping, its dropout stream seeded from the seed, the data source's windows.
 */
import * as tf from '@tensorflow/tfjs';
import { compileModel } from '../../src/compile/index.js';
import { Prng, type PreparedData } from '../../src/data/index.js';
import type { ModelIR } from '../../src/ir/types.js';
import { seedRandom } from '../../src/runtime/random.js';
import { batchesOf, gatherBatch } from '../../src/train/batches.js';
import { meanMetrics } from '../shared.js';

export interface EpochPoint {
  epoch: number;
  /** Mean training loss of the epoch's batches, regularizer on, in bits per character. */
  noisyTrainBpc: number;
  /** Inference-mode bits per character on the training windows evaluated and on the validation windows. */
  trainBpc: number;
  validationBpc: number;
  /** Wall time of the epoch, evaluation included. */
  seconds: number;
}

/** Cross-entropy in nats per character → bits per character. */
export const bitsPerCharacter = (nats: number): number => nats / Math.LN2;

/**
 * `count` training windows spread evenly over the set (every k-th): as many as the validation windows, so the two
 * evaluations cost the same and neither is a sample of one part of the text.
 */
export function evenlySpread(total: number, count: number): number[] {
  const taken = Math.min(total, count);
  return Array.from({ length: taken }, (_, i) => Math.floor((i * total) / taken));
}

/** Trains `ir` for `epochs` epochs with `seed` (weights, dropout stream and shuffle) and returns one point per epoch. */
export async function trainAndMeasure(ir: ModelIR, data: PreparedData, seed: number, epochs: number, onEpoch: (point: EpochPoint) => void = () => {}): Promise<EpochPoint[]> {
  const { batchSize } = ir.train;
  seedRandom(seed);
  const model = compileModel(ir, { seed });
  const shuffler = new Prng(seed);
  const trainSample = evenlySpread(data.train.count, data.validation.count);
  const validationAll = Array.from({ length: data.validation.count }, (_, i) => i);
  const points: EpochPoint[] = [];
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      let noisySum = 0;
      for (const indices of batchesOf(shuffler.permutation(data.train.count), batchSize)) {
        const batch = gatherBatch(data.train, indices);
        const result = await model.trainOnBatch(batch.x, batch.y);
        noisySum += (Array.isArray(result) ? result[0] : result) * batch.size;
        tf.dispose([batch.x, batch.y]);
      }
      const point: EpochPoint = {
        epoch,
        noisyTrainBpc: bitsPerCharacter(noisySum / data.train.count),
        trainBpc: bitsPerCharacter((await meanMetrics(model, data.train, trainSample, batchSize))[0]),
        validationBpc: bitsPerCharacter((await meanMetrics(model, data.validation, validationAll, batchSize))[0]),
        seconds: (performance.now() - started) / 1000,
      };
      points.push(point);
      onEpoch(point);
    }
  } finally {
    model.dispose();
  }
  return points;
}
