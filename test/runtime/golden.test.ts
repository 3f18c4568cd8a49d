/**
 * Published golden vectors for layer-normalized LSTMs (docs/runtime.md, Reference values, which names where
 * each is published), through both the float64 reference and `SeqnetRecurrent`.
 *
 * Layout: the TF1 cells use gate order (i, j, f, o) on one kernel over `[x, h]` and state order (c, h); seqnet
 * uses (i, f, c, o) with separate `kernel [in, 4u]` and `recurrent_kernel [u, 4u]`, and states `[h, c]`.
 * `[x, h]·K` equals `x·W + h·U` when W and U are K's row blocks, so "all weights 0.5" maps to W = U = 0.5
 * everywhere. With every weight equal, all four gate blocks are identical vectors, so the gate permutation
 * (j ↔ f ↔ c positions) changes nothing; only which block receives the forget bias matters, and that is the
 * forget gate in both orders. The TF1 state tuple (c0, h0) becomes seqnet's initial state [h0, c0].
 */
import { describe, it } from 'vitest';
import type { NormIR } from '../../src/ir/types.js';
import { describeBackends, expectClose } from '../helpers/backends.js';
import { applyLayer, buildLayer, makeNorm, plainConfig } from '../helpers/recurrent.js';
import { runReference } from './reference/run.js';
import type { DirectionWeights, ReferenceConfig } from './reference/types.js';

const X = [[[1, 1]]];
const H0 = [[0.2, 0.3]];
const C0 = [[0, 0.1]];

const constant = (rows: number, columns: number, value: number) => Array.from({ length: rows }, () => new Array<number>(columns).fill(value));
const lnNoBias = (site: NormIR['site'], extra: Partial<NormIR> = {}) => makeNorm(site, 'layer', { epsilon: 1e-12, ...extra });

/** docs/language.md preset `tf1_contrib`: LN at `gates` per gate, no bias, forget constant 1, LN on `cell` carried, ε 1e-12. */
const TF1_CONTRIB: ReferenceConfig = plainConfig('lstm', 2, {
  returnSequences: false,
  returnState: true,
  useBias: false,
  forgetBias: { init: 0, constant: 1 },
  norms: [lnNoBias('gates', { groups: 'per_gate' }), lnNoBias('cell', { carry: true })],
});

/** docs/language.md preset `tfa` (LSTM) with the golden test's ε 1e-12: LN on `input` and `recurrent` over all gates, bias after, `cell` carried. */
const TFA: ReferenceConfig = plainConfig('lstm', 2, {
  returnSequences: false,
  returnState: true,
  forgetBias: { init: 1, constant: 0 },
  norms: [lnNoBias('input'), lnNoBias('recurrent'), lnNoBias('cell', { carry: true })],
});

/** TF1 `BasicLSTMCell` (contrib cell with layer_norm=False): bias 0.5 created by the constant initializer, forget constant 1. */
const TF1_BASIC: ReferenceConfig = plainConfig('lstm', 2, { returnSequences: false, returnState: true, forgetBias: { init: 0, constant: 1 } });

function goldenWeights(config: ReferenceConfig, bias: number[] | null): DirectionWeights[] {
  const unitNorm = { gamma: [1, 1], beta: [0, 0], movingMean: null, movingVariance: null };
  const wide = { gamma: new Array<number>(8).fill(1), beta: new Array<number>(8).fill(0), movingMean: null, movingVariance: null };
  const norms = Object.fromEntries(config.norms.map((n) => [n.site, n.site === 'cell' ? unitNorm : wide]));
  return [{ kernel: constant(2, 8, 0.5), recurrentKernel: constant(2, 8, 0.5), bias, norms }];
}

/** Addons: bias initializer 0.5 with `unit_forget_bias`, which makes Keras's forget slice exactly 1 (order i, f, c, o). */
const TFA_BIAS = [0.5, 0.5, 1, 1, 0.5, 0.5, 0.5, 0.5];

interface Golden {
  name: string;
  config: ReferenceConfig;
  bias: number[] | null;
  x: number[][][];
  h0: number[][];
  c0: number[][];
  h: number[];
  c: number[];
  /** Decimal places the published numbers carry. */
  tolerance: number;
}

const HALF_BIAS = new Array<number>(8).fill(0.5);
const LAYER_2 = { h0: [[0.6, 0.7]], c0: [[0.4, 0.5]] };

const GOLDEN: Golden[] = [
  { name: 'TF1 contrib LayerNormBasicLSTMCell', config: TF1_CONTRIB, bias: null, x: X, h0: H0, c0: C0, h: [-0.38079708, 0.38079708], c: [-1, 1], tolerance: 1e-6 },
  // The second layer of the contrib stacked test: input = first layer's h, its own (c, h); same result.
  {
    name: 'TF1 contrib LayerNormBasicLSTMCell, layer 2',
    config: TF1_CONTRIB,
    bias: null,
    x: [[[-0.38079708, 0.38079708]]],
    ...LAYER_2,
    h: [-0.38079708, 0.38079708],
    c: [-1, 1],
    tolerance: 1e-6,
  },
  { name: 'TF Addons LayerNormLSTMCell', config: TFA, bias: TFA_BIAS, x: X, h0: H0, c0: C0, h: [-0.47406139, 0.47406139], c: [-1, 1], tolerance: 1e-6 },
  {
    name: 'TF1 BasicLSTMCell (contrib, layer_norm false)',
    config: TF1_BASIC,
    bias: HALF_BIAS,
    x: X,
    h0: H0,
    c0: C0,
    h: [0.56668288, 0.60858738],
    c: [0.8020075, 0.89599884],
    tolerance: 1e-7,
  },
  {
    name: 'TF1 BasicLSTMCell, layer 2',
    config: TF1_BASIC,
    bias: HALF_BIAS,
    x: [[[0.56668288, 0.60858738]]],
    ...LAYER_2,
    h: [0.70230919, 0.72581059],
    c: [1.17500675, 1.26892781],
    tolerance: 1e-7,
  },
];

describe('golden vectors through the float64 reference', () => {
  for (const golden of GOLDEN) {
    it(golden.name, () => {
      const result = runReference(golden.config, goldenWeights(golden.config, golden.bias), golden.x, { training: false, initialState: [golden.h0, golden.c0] });
      expectClose(result.states[0], [golden.h], golden.tolerance, 'h');
      expectClose(result.states[1], [golden.c], golden.tolerance, 'c');
      expectClose(result.output as number[][], [golden.h], golden.tolerance, 'output');
    });
  }
});

describeBackends(['cpu', 'wasm'], () => {
  for (const golden of GOLDEN) {
    it(`${golden.name} through SeqnetRecurrent (float32)`, () => {
      const layer = buildLayer(golden.config, goldenWeights(golden.config, golden.bias), 1, 2);
      const [output, h, c] = applyLayer(layer, golden.x, { initialState: [golden.h0, golden.c0] });
      // float32: the Addons test's own float32 values differ from float64 in the 7th digit.
      expectClose(h as number[][], [golden.h], 1e-6 + 1e-6, 'h');
      expectClose(c as number[][], [golden.c], 2e-6, 'c');
      expectClose(output as number[][], [golden.h], 2e-6, 'output');
      layer.dispose();
    });
  }
});
