/**
 * The initial-state noise of a training call, for the reference: a layer call draws it per direction (forward
 * first) with `addInitialNoise`, after its dropout masks, so for a config with no other stochastic form
 * `seedRandom(seed)` before the call and before `seededInitialNoise(…, seed)` yields the same noise. It comes
 * back as the reference's `initialState` (`[h, c]` per direction, forward first).
 */
import * as tf from '@tensorflow/tfjs';
import { seedRandom } from '../../../src/runtime/random.js';
import { addInitialNoise } from '../../../src/runtime/recurrent/dropout.js';
import { CELL_FACTS } from '../../../src/variants/index.js';
import type { ReferenceConfig } from './types.js';

export function seededInitialNoise(config: ReferenceConfig, seed: number, batch: number): number[][][] | undefined {
  const noise = config.dropout.initialNoise;
  if (noise === undefined) return undefined;
  const forms = config.dropout;
  if (forms.input !== null || forms.recurrent !== null || forms.candidate !== null || forms.zoneout !== null || forms.recurrentWeights !== undefined) {
    throw new Error('seededInitialNoise reproduces the draws of a config whose only stochastic form is the initial noise');
  }
  seedRandom(seed);
  const states = CELL_FACTS[config.cell].states;
  const directions = config.bidirectional === null ? 1 : 2;
  return Array.from({ length: directions }, () =>
    tf.tidy(() => addInitialNoise(states.map(() => tf.zeros([batch, config.units])), states, noise, true).map((state) => state.arraySync() as number[][])),
  ).flat();
}
