/** A small generator of random valid ModelIRs (seeded), for the generator's property test. */
import type {
  Activation,
  CellKind,
  HeadIR,
  InitializersIR,
  LayerIR,
  ModelIR,
  NormIR,
  NormKind,
  NormSite,
  OptimizerIR,
  RecurrentLayerIR,
} from '../../src/ir/types.js';
import { CELL_FACTS, CELL_KINDS, hasGates, RECURRENT_INITIALIZER_FACTS, recurrentInitializersFor } from '../../src/variants/index.js';
import { TRAIN } from '../compile/fixtures.js';

type Random = () => number;

/** mulberry32: a tiny seeded PRNG, so a failing case can be rerun from its seed. */
export function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const integer = (random: Random, low: number, high: number) => low + Math.floor(random() * (high - low + 1));
const chance = (random: Random, p: number) => random() < p;
const rate = (random: Random) => pick(random, [0.1, 0.2, 0.25, 0.5]);

const ACTIVATIONS: Activation[] = ['tanh', 'relu', 'sigmoid', 'elu', 'softsign', 'linear'];

function randomNorm(random: Random, cell: CellKind, site: NormSite, steps: number): NormIR {
  const projection = site === 'input' || site === 'recurrent' || site === 'gates';
  // Shared batch statistics exist only where the value does not depend on the recurrence (the input site).
  const kind: NormKind = pick(random, ['layer', 'rms', 'batch']);
  const statistics = site === 'input' && chance(random, 0.5) ? 'shared' : 'per_step';
  return {
    site,
    kind,
    epsilon: pick(random, [1e-5, 1e-3, 1e-12]),
    gammaInit: pick(random, [1, 0.1]),
    betaInit: 0,
    center: kind !== 'rms' && chance(random, 0.7),
    groups: projection && hasGates(cell) ? pick(random, ['all', 'per_gate', 'gates_and_candidate'] as const) : 'all',
    carry: site === 'cell' && chance(random, 0.5),
    batch: kind === 'batch' ? { statistics, maxSteps: statistics === 'shared' ? null : steps, momentum: 0.99 } : null,
  };
}

/** A recurrent initializer that fits the cell's weight form, with T where its range needs one. */
function randomRecurrentInitializer(random: Random, cell: CellKind, steps: number): Pick<InitializersIR, 'recurrentKernel' | 'steps'> {
  const recurrentKernel = pick(random, recurrentInitializersFor(cell));
  return RECURRENT_INITIALIZER_FACTS[recurrentKernel].usesSteps ? { recurrentKernel, steps } : { recurrentKernel };
}

function randomRecurrent(random: Random, index: number, inputWidth: number, steps: number, returnSequences: boolean): RecurrentLayerIR {
  const cell = pick(random, CELL_KINDS);
  const units = integer(random, 1, 6);
  const bidirectional = chance(random, 0.3) ? { merge: pick(random, ['concat', 'sum', 'mul', 'ave'] as const) } : null;
  const outputSize = bidirectional?.merge === 'concat' ? 2 * units : units;
  const sites = CELL_FACTS[cell].sites.filter(() => chance(random, 0.3));
  const forgetConstant = cell === 'lstm' && chance(random, 0.3) ? 1 : 0;
  return {
    type: 'recurrent',
    name: `${cell}_${index + 1}`,
    cell,
    units,
    activation: pick(random, ['tanh', 'relu', 'softsign'] as const),
    recurrentActivation: pick(random, ['sigmoid', 'hard_sigmoid'] as const),
    returnSequences,
    bidirectional,
    residual: returnSequences && inputWidth === outputSize && chance(random, 0.5),
    useBias: chance(random, 0.8),
    forgetBias: cell === 'lstm' ? { init: forgetConstant === 0 ? 1 : 0, constant: forgetConstant } : { init: 0, constant: 0 },
    resetAfter: cell === 'gru' && chance(random, 0.5),
    norms: sites.map((site) => randomNorm(random, cell, site, steps)),
    preset: null,
    dropout: {
      input: chance(random, 0.3) ? { rate: rate(random), mask: pick(random, ['sequence', 'step'] as const) } : null,
      recurrent: chance(random, 0.3) ? { rate: rate(random) } : null,
      candidate: chance(random, 0.3) ? { rate: rate(random), mask: pick(random, ['sequence', 'step'] as const) } : null,
      zoneout: chance(random, 0.2) ? { cell: cell === 'lstm' ? 0.1 : 0, hidden: 0.05 } : null,
      ...(chance(random, 0.3) ? { recurrentWeights: { rate: rate(random) } } : {}),
    },
    initializers: {
      kernel: pick(random, ['glorot_uniform', 'glorot_normal', 'he_uniform', 'orthogonal'] as const),
      ...randomRecurrentInitializer(random, cell, steps),
      bias: 'zeros',
    },
    outputSize,
  };
}

function randomBetween(random: Random, index: number, width: number): LayerIR {
  const choice = pick(random, ['normalization', 'dropout', 'dense'] as const);
  if (choice === 'dropout') return { type: 'dropout', name: `dropout_${index}`, rate: rate(random), mask: pick(random, ['step', 'sequence'] as const), outputSize: width };
  if (choice === 'dense') {
    const units = integer(random, 1, 6);
    return { type: 'dense', name: `dense_${index}`, units, activation: pick(random, ACTIVATIONS), outputSize: units };
  }
  const kind = pick(random, ['batch', 'layer', 'rms'] as const);
  return {
    type: 'normalization',
    name: `norm_${index}`,
    kind,
    epsilon: 1e-5,
    momentum: kind === 'batch' ? 0.9 : null,
    center: kind !== 'rms' || chance(random, 0.3),
    gammaInit: pick(random, [1, 0.5]),
    betaInit: pick(random, [0, 0.1]),
    outputSize: width,
  };
}

function randomOptimizer(random: Random): OptimizerIR {
  return pick(random, [
    TRAIN.optimizer,
    { type: 'sgd', learningRate: 0.01, momentum: 0.9, nesterov: true },
    { type: 'rmsprop', learningRate: 0.001, decay: 0.9, momentum: 0, epsilon: 1e-7 },
  ] as const);
}

export function randomModelIR(seed: number): ModelIR {
  const random = seeded(seed);
  const steps = chance(random, 0.3) ? null : integer(random, 3, 8);
  const features = integer(random, 1, 4);
  const recurrentCount = integer(random, 1, 3);
  const sequenceBody = chance(random, 0.7);
  const layers: LayerIR[] = [];
  let width = features;
  for (let index = 0; index < recurrentCount; index++) {
    const returnSequences = index < recurrentCount - 1 || sequenceBody;
    const layer = randomRecurrent(random, index, width, steps ?? 6, returnSequences);
    layers.push(layer);
    width = layer.outputSize;
    if (chance(random, 0.5)) {
      const between = randomBetween(random, index + 1, width);
      layers.push(between);
      width = between.outputSize;
    }
  }
  const heads: HeadIR[] = Array.from({ length: integer(random, 1, 2) }, (_, index) => {
    const at = sequenceBody ? pick(random, ['each_step', 'last_step', 'mean', 'max'] as const) : 'last_step';
    const units = integer(random, 1, 3);
    const loss = pick(random, ['mse', 'mae', 'huber'] as const);
    return { name: `head_${index + 1}`, units, activation: 'linear', at, loss, lossWeight: pick(random, [1, 0.5]), metrics: ['mae'], outputShape: at === 'each_step' ? [steps, units] : [units] };
  });
  const input = { steps, features, padding: chance(random, 0.4) ? -1 : null };
  const train = { ...TRAIN, optimizer: randomOptimizer(random), clipNorm: chance(random, 0.5) ? 1 : null, seed };
  return { irVersion: 1, name: `random_${seed}`, description: null, input, layers, heads, train, data: null };
}
