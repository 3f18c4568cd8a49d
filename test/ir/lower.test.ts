/** Lowering: defaults resolved, stacks expanded and named, sequence returns implied, widths inferred. */
import { describe, expect, it } from 'vitest';
import type { ModelIR } from '../../src/ir/types.js';
import { checkSpec } from '../../src/validate/index.js';

function lower(body: string, heads = 'head y { units 1 }', input = 'input { steps 12; features 3 }', extra = ''): ModelIR {
  const { ir, diagnostics } = checkSpec(`seqnet 1\nmodel m\n${input}\n${body}\n${heads}\n${extra}\n`, 'lower.seqnet');
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (ir === null) throw new Error('no IR');
  return ir;
}

describe('defaults', () => {
  it('fills every field of a bare LSTM with the documented defaults', () => {
    const ir = lower('lstm 8');
    expect(ir.layers[0]).toEqual({
      type: 'recurrent',
      name: 'lstm_1',
      cell: 'lstm',
      units: 8,
      activation: 'tanh',
      recurrentActivation: 'sigmoid',
      returnSequences: false,
      bidirectional: null,
      residual: false,
      useBias: true,
      forgetBias: { init: 1, constant: 0 },
      resetAfter: false,
      norms: [],
      preset: null,
      dropout: { input: null, recurrent: null, candidate: null, zoneout: null },
      initializers: { kernel: 'glorot_uniform', recurrentKernel: 'orthogonal', bias: 'zeros' },
      outputSize: 8,
    });
    expect(ir.irVersion).toBe(1);
    expect(ir.description).toBeNull();
    expect(ir.data).toBeNull();
    expect(ir.heads[0]).toEqual({ name: 'y', units: 1, activation: 'linear', at: 'last_step', loss: 'mse', lossWeight: 1, metrics: [], outputShape: [1] });
    expect(ir.train).toEqual({
      optimizer: { type: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      clipNorm: null,
      clipValue: null,
      batchSize: 32,
      epochs: 10,
      validationSplit: 0.2,
      earlyStopping: null,
      schedule: null,
      seed: 42,
      shuffle: true,
    });
  });

  it('resolves optimizer, early stopping, schedule and data defaults', () => {
    const extra = 'train { optimizer sgd; early_stopping 3; schedule plateau { factor 0.2 } }\ndata { source synthetic copy }';
    const ir = lower('lstm 8', 'head y { units 10; activation softmax; at each_step; loss categorical_crossentropy }', 'input { steps 12; features 10 }', extra);
    expect(ir.train.optimizer).toEqual({ type: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false });
    expect(ir.train.earlyStopping).toEqual({ patience: 3, minDelta: 0, restoreBest: false });
    expect(ir.train.schedule).toEqual({ type: 'plateau', patience: 5, factor: 0.2, minLearningRate: 0 });
    expect(ir.data).toEqual({ source: { type: 'synthetic', task: 'copy', samples: 1000, steps: 12, seed: 42 }, split: { train: 0.8, validation: 0.1, test: 0.1 } });
  });
});

describe('stacks and names', () => {
  it('expands `x N` into named layers; default names count every layer of the kind', () => {
    const ir = lower('lstm 8 x 2\ngru 4 { name enc }\ngru 4\ndense 5\nnorm layer\ndropout 0.1');
    expect(ir.layers.map((layer) => layer.name)).toEqual(['lstm_1', 'lstm_2', 'enc', 'gru_2', 'dense_1', 'norm_1', 'dropout_1']);
    expect(lower('lstm 8 x 3 { name enc }').layers.map((layer) => layer.name)).toEqual(['enc_1', 'enc_2', 'enc_3']);
  });
});

describe('sequences and widths', () => {
  it('returns sequences when another recurrent layer follows or a head reads more than the last step', () => {
    expect(lower('lstm 8\ngru 4').layers.map((layer) => layer.type === 'recurrent' && layer.returnSequences)).toEqual([true, false]);
    const each = lower('lstm 8', 'head y { units 1; at mean }');
    expect(each.layers[0].type === 'recurrent' && each.layers[0].returnSequences).toBe(true);
    const explicit = lower('lstm 8 { sequences true }');
    expect(explicit.layers[0].type === 'recurrent' && explicit.layers[0].returnSequences).toBe(true);
  });

  it('infers output widths and head shapes', () => {
    const ir = lower('lstm 8 { bidirectional }\nlstm 8 { bidirectional sum }\ndense 5', 'head y { units 2; at each_step }');
    expect(ir.layers.map((layer) => layer.outputSize)).toEqual([16, 8, 5]);
    expect(ir.heads[0].outputShape).toEqual([12, 2]);
    const variable = lower('lstm 8', 'head y { units 2; at each_step }', 'input { steps variable; features 3 }');
    expect(variable.heads[0].outputShape).toEqual([null, 2]);
  });

  it('skips `residual` on the first layer of a stack whose input width differs, and keeps it on the others', () => {
    // A head on every step keeps the last layer's sequence, which a residual layer needs (SN2008).
    const ir = lower('lstm 8 x 3 { residual }', 'head y { units 1; at each_step }');
    expect(ir.layers.map((layer) => layer.type === 'recurrent' && layer.residual)).toEqual([false, true, true]);
  });

  it('`sequences false` on a stack applies to its last layer only', () => {
    const ir = lower('lstm 8 x 2 { sequences false }');
    expect(ir.layers.map((layer) => layer.type === 'recurrent' && layer.returnSequences)).toEqual([true, false]);
  });
});

describe('cell options', () => {
  it('maps dropout, zoneout, forget bias, reset and initializers', () => {
    const ir = lower(
      'lstm 8 {\n dropout input 0.1 per_step\n dropout recurrent 0.2\n dropout candidate 0.3 per_sequence\n zoneout cell 0.1\n forget_bias 1 constant\n initializer kernel he_normal\n}\ngru 4 { reset after }',
    );
    const [lstm, gru] = ir.layers;
    if (lstm.type !== 'recurrent' || gru.type !== 'recurrent') throw new Error('expected recurrent layers');
    expect(lstm.dropout).toEqual({ input: { rate: 0.1, mask: 'step' }, recurrent: { rate: 0.2 }, candidate: { rate: 0.3, mask: 'sequence' }, zoneout: { cell: 0.1, hidden: 0 } });
    expect(lstm.forgetBias).toEqual({ init: 0, constant: 1 });
    expect(lstm.initializers.kernel).toBe('he_normal');
    expect(gru.resetAfter).toBe(true);
    expect(gru.forgetBias).toEqual({ init: 0, constant: 0 });
  });

  it("gives an indrnn the cell table's recurrent initializer, with T = the input's steps where its range needs it", () => {
    const recurrentInit = (ir: ModelIR) => ir.layers.flatMap((layer) => (layer.type === 'recurrent' ? [layer.initializers] : []));
    const fixed = lower('indrnn 8 x 2\nindrnn 4 { initializer recurrent indrnn_long }\nindrnn 4 { initializer recurrent haste }\nlstm 4');
    expect(recurrentInit(fixed).map(({ recurrentKernel, steps }) => [recurrentKernel, steps])).toEqual([
      ['indrnn', 12],
      ['indrnn', 12],
      ['indrnn_long', 12],
      ['haste', undefined],
      ['orthogonal', undefined],
    ]);
    // Variable steps: no T, so the default `indrnn` starts at its T → ∞ limit (no `steps` in the IR).
    const variable = lower('indrnn 8', 'head y { units 1 }', 'input { steps variable; features 3 }');
    expect(recurrentInit(variable)).toEqual([{ kernel: 'glorot_uniform', recurrentKernel: 'indrnn', bias: 'zeros' }]);
  });

  it('maps weight drop (recurrent_weights) and leaves it out when off or 0', () => {
    const ir = lower('gru 4 { dropout recurrent_weights 0.25 }\nrnn 4 { dropout recurrent_weights 0 }\nlstm 4');
    const [dropped, zero, plain] = ir.layers;
    if (dropped.type !== 'recurrent' || zero.type !== 'recurrent' || plain.type !== 'recurrent') throw new Error('expected recurrent layers');
    expect(dropped.dropout).toEqual({ input: null, recurrent: null, candidate: null, zoneout: null, recurrentWeights: { rate: 0.25 } });
    expect('recurrentWeights' in zero.dropout).toBe(false);
    expect('recurrentWeights' in plain.dropout).toBe(false);
  });

  it('maps initial_noise to (hidden, cell) standard deviations and leaves it out when off or 0', () => {
    const ir = lower('lstm 4 { initial_noise cell 0.05; initial_noise hidden 0.1 }\ngru 4 { initial_noise hidden 0.2 }\nrnn 4 { initial_noise hidden 0 }\nlstm 4');
    const [both, hidden, zero, plain] = ir.layers;
    if (both.type !== 'recurrent' || hidden.type !== 'recurrent' || zero.type !== 'recurrent' || plain.type !== 'recurrent') throw new Error('expected recurrent layers');
    expect(both.dropout).toEqual({ input: null, recurrent: null, candidate: null, zoneout: null, initialNoise: { hidden: 0.1, cell: 0.05 } });
    expect(hidden.dropout.initialNoise).toEqual({ hidden: 0.2, cell: 0 });
    expect('initialNoise' in zero.dropout).toBe(false);
    expect('initialNoise' in plain.dropout).toBe(false);
  });

  it('lowers layers between recurrent layers', () => {
    const ir = lower('lstm 8\nnorm batch { momentum 0.9 }\ndropout 0.2 per_sequence\nnorm rms');
    expect(ir.layers.slice(1)).toEqual([
      { type: 'normalization', name: 'norm_1', kind: 'batch', epsilon: 1e-5, momentum: 0.9, center: true, gammaInit: 1, betaInit: 0, outputSize: 8 },
      { type: 'dropout', name: 'dropout_1', rate: 0.2, mask: 'sequence', outputSize: 8 },
      { type: 'normalization', name: 'norm_2', kind: 'rms', epsilon: 1e-6, momentum: null, center: false, gammaInit: 1, betaInit: 0, outputSize: 8 },
    ]);
  });
});
