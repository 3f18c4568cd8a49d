/** Runs one numeric case through the reference (float64) and `SeqnetRecurrent` (float32) and compares them. */
import { CELL_FACTS } from '../../../src/variants/index.js';
import { expectClose } from '../../helpers/backends.js';
import { TestRandom } from '../../helpers/random.js';
import { applyLayer, buildLayer, randomWeights } from '../../helpers/recurrent.js';
import { STEPS, type NumericCase } from './cases.js';
import { runReference } from './run.js';
import { seededWeightMasks } from './weight-drop.js';
import { seedRandom } from '../../../src/runtime/random.js';

const BATCH = 3;
const FEATURES = 2;
const TOLERANCE = { rtol: 1e-4, atol: 2e-5 };

/** A seed per case name, so each case keeps its data when others are added. */
function seedOf(name: string): number {
  let hash = 2166136261;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return hash >>> 0;
}

/** Random weights and inputs seeded by the case name; throws with the worst elements on a mismatch. */
export function compareWithReference(testCase: NumericCase): void {
  const random = new TestRandom(seedOf(testCase.name));
  const steps = testCase.steps ?? STEPS;
  const { config } = testCase;
  const weights = randomWeights(config, FEATURES, random);
  const x = random.tensor3(BATCH, steps, FEATURES, -1.5, 1.5);
  const stateCount = CELL_FACTS[config.cell].states.length * (config.bidirectional === null ? 1 : 2);
  const initialState = testCase.initialState === true ? Array.from({ length: stateCount }, () => random.matrix(BATCH, config.units)) : undefined;
  // Weight drop in training: the layer's masks come from the seed stream, and the reference gets the same ones.
  const dropSeed = seedOf(`${testCase.name} masks`);
  const recurrentWeightMasks = testCase.training ? seededWeightMasks(config, weights, dropSeed, { batch: BATCH, steps, features: FEATURES }) : undefined;
  const options = { training: testCase.training, mask: testCase.mask, maskDtype: testCase.maskDtype, initialState, recurrentWeightMasks };
  const expected = runReference(config, weights, x, options);
  const layer = buildLayer(config, weights, steps, FEATURES);
  try {
    seedRandom(dropSeed);
    const actual = applyLayer(layer, x, options);
    expectClose(actual[0] as number[][], expected.output, TOLERANCE, 'output');
    if (config.returnState === true) {
      if (actual.length !== 1 + expected.states.length) throw new Error(`layer returned ${actual.length - 1} states, expected ${expected.states.length}`);
      expected.states.forEach((state, k) => expectClose(actual[k + 1] as number[][], state, TOLERANCE, `state ${k}`));
    }
  } finally {
    layer.dispose();
  }
}
