/**
 * The gradients training uses: `tf.variableGrads` / `tf.grad` of a weighted sum of the layer's outputs
 * (float32) against central finite differences through the float64 reference, for each cell and each norm
 * kind at representative site sets, at inference statistics and with batch norm's minibatch statistics.
 */
import * as tf from '@tensorflow/tfjs';
import { it } from 'vitest';
import type { CellKind, NormIR, NormKind } from '../../src/ir/types.js';
import { CELL_FACTS, CELL_KINDS, NORM_FACTS, NORM_KINDS } from '../../src/variants/index.js';
import { describeBackends, expectClose } from '../helpers/backends.js';
import { TestRandom } from '../helpers/random.js';
import { buildLayer, findWeight, makeNorm, maskTensor, plainConfig, randomWeights } from '../helpers/recurrent.js';
import { seedRandom } from '../../src/runtime/random.js';
import { RAGGED_MASK } from './reference/cases.js';
import { seededWeightMasks } from './reference/weight-drop.js';
import { seededInitialNoise } from './reference/initial-noise.js';
import { inputGradient, weightGradients } from './reference/finite-differences.js';
import type { DirectionWeights, ReferenceConfig } from './reference/types.js';

const BATCH = 3;
const STEPS = 4;
const FEATURES = 2;
/** float32 forward and backward against float64 differences: 1 % of the value, plus 0.1 % of the largest. */
const RELATIVE = 1e-2;

interface GradientCase {
  name: string;
  config: ReferenceConfig;
  training: boolean;
  mask?: boolean[][];
}

// Every cell (and reset position) and norm kind of the registries, so a new variant is checked by itself.
const CELLS: [string, CellKind, boolean][] = CELL_KINDS.flatMap((cell): [string, CellKind, boolean][] =>
  (CELL_FACTS[cell].resetChoice ? [false, true] : [false]).map((resetAfter) => [`${cell}${resetAfter ? ' reset after' : ''}`, cell, resetAfter]),
);

function kindNorm(kind: NormKind | 'shared', site: NormIR['site'], extra: Partial<NormIR> = {}): NormIR {
  if (kind === 'shared') return makeNorm(site, 'batch', { batch: { statistics: 'shared', maxSteps: null, momentum: 0.9 }, ...extra });
  return makeNorm(site, kind, extra);
}

const KINDS: [string, NormKind, boolean][] = NORM_KINDS.flatMap((kind): [string, NormKind, boolean][] =>
  NORM_FACTS[kind].batchStatistics ? [[`${kind}, population`, kind, false], [`${kind}, minibatch`, kind, true]] : [[kind, kind, false]],
);

const ZONEOUT_ONLY = (cell: CellKind) => ({ input: null, recurrent: null, candidate: null, zoneout: { cell: cell === 'lstm' ? 0.25 : 0, hidden: 0.2 } });

/** Per cell and kind: the projection sites (with cell and hidden), and the joint site (with a carried cell). */
function normSets(cell: CellKind, kind: NormKind): { projections: NormIR[]; joint: NormIR[] } {
  const lstm = cell === 'lstm';
  const projections = [
    kindNorm(kind, 'input'),
    kindNorm(kind, 'recurrent', { groups: cell === 'rnn' ? 'all' : 'gates_and_candidate' }),
    ...(lstm ? [kindNorm(kind, 'cell')] : []),
    kindNorm(kind, 'hidden'),
  ];
  const joint = [kindNorm(kind, 'gates', { groups: cell === 'rnn' ? 'all' : 'per_gate', center: kind === 'rms' }), ...(lstm ? [kindNorm(kind, 'cell', { carry: true })] : [])];
  return { projections, joint };
}

function gradientCases(): GradientCase[] {
  const cases: GradientCase[] = [];
  for (const [label, cell, resetAfter] of CELLS) {
    const lstm = cell === 'lstm';
    for (const [kindLabel, kind, training] of KINDS) {
      const { projections, joint } = normSets(cell, kind);
      cases.push(
        { name: `${label}: ${kindLabel} at input, recurrent${lstm ? ', cell' : ''}, hidden`, config: plainConfig(cell, 3, { resetAfter, norms: projections }), training },
        { name: `${label}: ${kindLabel} at gates${lstm ? ', cell carried' : ''}`, config: plainConfig(cell, 3, { resetAfter, norms: joint }), training },
      );
    }
    const shared = plainConfig(cell, 3, { resetAfter, norms: [kindNorm('shared', 'input')], useBias: false });
    cases.push({ name: `${label}: shared batch statistics at input, minibatch`, config: shared, training: true });
    const zoned = plainConfig(cell, 3, { resetAfter, returnSequences: false, norms: [kindNorm('layer', 'input')], dropout: ZONEOUT_ONLY(cell) });
    cases.push({ name: `${label}: ragged mask, zoneout expectation, last output`, config: zoned, training: false, mask: RAGGED_MASK });
    // Minibatch statistics over the valid examples only: padding must not reach the gradient either.
    cases.push({ name: `${label}: ragged mask, batch minibatch statistics`, config: plainConfig(cell, 3, { resetAfter, norms: normSets(cell, 'batch').projections }), training: true, mask: RAGGED_MASK });
    // Weight drop in training: the gradient reaches U through the fixed (seeded) mask, dropped entries get 0.
    const weightDrop = { ...ZONEOUT_ONLY(cell), zoneout: null, recurrentWeights: { rate: 0.4 } };
    cases.push({ name: `${label}: weight drop in training, layer norm at recurrent`, config: plainConfig(cell, 3, { resetAfter, norms: [kindNorm('layer', 'recurrent')], dropout: weightDrop }), training: true });
    // Initial-state noise in training: a constant of the graph (seeded, so every call draws the reference's noise).
    const noisy = { ...ZONEOUT_ONLY(cell), zoneout: null, initialNoise: { hidden: 0.5, cell: lstm ? 0.5 : 0 } };
    const noiseNorms = [kindNorm('batch', 'recurrent', { groups: cell === 'rnn' || cell === 'indrnn' ? 'all' : 'gates_and_candidate' })];
    cases.push({ name: `${label}: initial-state noise in training, batch minibatch statistics at recurrent`, config: plainConfig(cell, 3, { resetAfter, norms: noiseNorms, dropout: noisy }), training: true });
  }
  const perGate = [kindNorm('layer', 'gates', { groups: 'per_gate' })];
  const bidirectional = plainConfig('lstm', 3, { bidirectional: { merge: 'concat' }, forgetBias: { init: 0, constant: 1 }, norms: perGate });
  cases.push({ name: 'lstm bidirectional concat, layer norm, forget constant', config: bidirectional, training: false });
  return cases;
}

function seedOf(name: string): number {
  return [...name].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7);
}

interface Prepared {
  weights: DirectionWeights[];
  x: number[][][];
  coefficients: number[];
  expectedWeights: Map<string, number[]>;
  expectedInput: number[][][];
}

/** Data and finite differences of a case, computed once and shared by both backends' runs. */
const prepared = new Map<string, Prepared>();

function prepare(testCase: GradientCase): Prepared {
  const cached = prepared.get(testCase.name);
  if (cached !== undefined) return cached;
  const random = new TestRandom(seedOf(testCase.name));
  const { config, training, mask } = testCase;
  const weights = randomWeights(config, FEATURES, random);
  const x = random.tensor3(BATCH, STEPS, FEATURES, -1.5, 1.5);
  const outputSize = (config.returnSequences ? STEPS : 1) * BATCH * config.units * (config.bidirectional === null ? 1 : 2);
  const coefficients = random.vector(outputSize);
  const recurrentWeightMasks = training ? seededWeightMasks(config, weights, seedOf(testCase.name), { batch: BATCH, steps: STEPS, features: FEATURES }) : undefined;
  const initialState = training ? seededInitialNoise(config, seedOf(testCase.name), BATCH) : undefined;
  const options = { training, mask, recurrentWeightMasks, initialState };
  const result = {
    weights,
    x,
    coefficients,
    expectedWeights: weightGradients(config, weights, x, options, coefficients),
    expectedInput: inputGradient(config, weights, x, options, coefficients),
  };
  prepared.set(testCase.name, result);
  return result;
}

function checkGradients(testCase: GradientCase): void {
  const { config, training, mask } = testCase;
  const { weights, x, coefficients, expectedWeights, expectedInput } = prepare(testCase);
  const layer = buildLayer(config, weights, STEPS, FEATURES);
  try {
    const paths = [...expectedWeights.keys()];
    const variables = paths.map((path) => findWeight(layer, path).read() as tf.Variable);
    const { grads, inputGrad } = tf.tidy(() => {
      const kwargs = { training, ...(mask === undefined ? {} : { mask: maskTensor(mask) }) };
      // Each call draws weight drop's masks and the initial noise afresh: seeding first gives every call the reference's.
      const loss = (input: tf.Tensor): tf.Scalar => {
        seedRandom(seedOf(testCase.name));
        return tf.sum(tf.mul(tf.reshape(layer.apply(input, kwargs) as tf.Tensor, [-1]), tf.tensor1d(coefficients)));
      };
      const input = tf.tensor3d(x);
      const byVariable = tf.variableGrads(() => loss(input), variables).grads;
      return { grads: variables.map((v) => Array.from(byVariable[v.name].dataSync())), inputGrad: tf.grad(loss)(input).arraySync() };
    });
    paths.forEach((path, k) => {
      const expected = expectedWeights.get(path) as number[];
      const scale = Math.max(...expected.map(Math.abs));
      expectClose(grads[k], expected, { rtol: RELATIVE, atol: 0.1 * RELATIVE * scale + 1e-6 }, `d loss / d ${path}`);
    });
    const inputScale = Math.max(...(expectedInput.flat(2) as number[]).map(Math.abs));
    expectClose(inputGrad as number[][][], expectedInput, { rtol: RELATIVE, atol: 0.1 * RELATIVE * inputScale + 1e-6 }, 'd loss / d x');
  } finally {
    layer.dispose();
  }
}

describeBackends(['cpu', 'wasm'], () => {
  for (const testCase of gradientCases()) it(testCase.name, () => checkGradients(testCase));
});
