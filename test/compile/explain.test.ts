import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/compile/index.js';
import { explainModel, renderSummary, summarizeModel } from '../../src/explain/index.js';
import type { ModelIR, RecurrentLayerIR } from '../../src/ir/types.js';
import { head, layerNorm, lstm, model, MULTI_HEAD, SINE } from './fixtures.js';

/** TF1's LayerNormBasicLSTMCell as the tf1_contrib preset expands it. */
const TF1_LSTM = lstm('lstm_1', 64, {
  returnSequences: false,
  useBias: false,
  preset: 'tf1_contrib',
  forgetBias: { init: 0, constant: 1 },
  norms: [layerNorm('gates', { epsilon: 1e-12, groups: 'per_gate' }), layerNorm('cell', { epsilon: 1e-12, carry: true })],
  dropout: { input: null, recurrent: null, candidate: { rate: 0.1, mask: 'step' }, zoneout: null },
});

/** Ba et al. 2016 as the ba2016 preset expands it. */
const BA_LSTM = lstm('lstm_1', 64, {
  returnSequences: false,
  preset: 'ba2016',
  norms: [layerNorm('input'), layerNorm('recurrent'), layerNorm('cell')],
});

function single(layer: RecurrentLayerIR): ModelIR {
  return model('adding', [layer], [head('sum', 1, { at: 'last_step' })]);
}

describe('explainModel', () => {
  const tf1 = explainModel(single(TF1_LSTM));
  const ba = explainModel(single(BA_LSTM));

  it('writes the tf1_contrib placement: one joint projection normalized per gate, constant forget bias, carried LN(c)', () => {
    expect(tf1).toContain('preset tf1_contrib');
    expect(tf1).toContain('f_t = σ(LN_gates(u + v)_f + 1)');
    expect(tf1).toContain('statistics per gate: i, f, g, o each over its own 64 values');
    expect(tf1).toContain('ε = 1e-12');
    expect(tf1).toContain('no bias');
    expect(tf1).toContain('c_t ← LN_c(c_t)    (carried)');
    expect(tf1).toContain('g_t ← g_t ⊙ m_cand / 0.9');
    expect(tf1).toContain('a new mask at every step');
  });

  it('writes the ba2016 placement: input and recurrent projections normalized separately, bias after, LN(c) for the output only', () => {
    expect(ba).toContain('[u_i, u_f, u_g, u_o] = LN_x(W·x_t)');
    expect(ba).toContain('[v_i, v_f, v_g, v_o] = LN_h(U·h_{t−1})');
    expect(ba).toContain('f_t = σ(u_f + v_f + b_f)');
    expect(ba).toContain('h_t = o_t ⊙ tanh(LN_c(c_t))    (c_t carried unnormalized)');
    expect(ba).toContain('statistics over all 256 values together');
    expect(ba).toContain('forget slice b_f of the bias starts at 1');
    expect(ba).not.toContain('LN_gates');
  });

  it('follows each setting: batch statistics, reset position, dropout lifetimes, zoneout', () => {
    const gru = lstm('gru_1', 8, {
      cell: 'gru',
      resetAfter: false,
      forgetBias: { init: 0, constant: 0 },
      norms: [{ ...layerNorm('input'), kind: 'batch', gammaInit: 0.1, center: false, batch: { statistics: 'per_step', maxSteps: 50, momentum: 0.99 } }],
      dropout: { input: { rate: 0.25, mask: 'sequence' }, recurrent: { rate: 0.5 }, candidate: null, zoneout: { cell: 0, hidden: 0.05 } },
    });
    const text = explainModel(single(gru));
    expect(text).toContain('v_h = U_h·(r_t ⊙ h̃_{t−1})');
    expect(text).toContain('reset gate applied before the recurrent product');
    expect(text).toContain('BN_x: batch norm at input; ε = 1e-5; γ init 0.1; no β');
    expect(text).toContain('separately for each step t ≤ 50');
    expect(text).toContain('each of the 24 values normalized on its own');
    expect(text).toContain('pop = 0.99·pop + 0.01·batch');
    expect(text).toContain('x̃_t = x_t ⊙ m_x / 0.75');
    expect(text).toContain('m_x ~ Bernoulli(0.75) per feature, one mask per sequence');
    expect(text).toContain('h_t ← d_h ⊙ h_{t−1} + (1 − d_h) ⊙ h_t');
    const after = explainModel(single({ ...gru, resetAfter: true }));
    expect(after).toContain('ĥ_t = tanh(u_h + r_t ⊙ v_h + b_h)    (reset after the recurrent product)');
  });

  it('writes weight drop on U as one mask per call, and nothing without it', () => {
    const dropout = { input: null, recurrent: null, candidate: null, zoneout: null, recurrentWeights: { rate: 0.2 } };
    const text = explainModel(single(lstm('lstm_1', 8, { dropout })));
    expect(text).toContain('U ← U ⊙ M_U / 0.8    (once per call, before the first step');
    expect(text).toContain('weight drop (DropConnect on U): M_U ~ Bernoulli(0.8) per entry of U, one mask per call (and direction), the same at every step and for every example; U unchanged at inference');
    expect(ba).not.toContain('M_U');
  });

  it('writes initial-state noise as h_0 (and c_0) drawn in training, 0 at inference, and nothing without it', () => {
    const dropout = { input: null, recurrent: null, candidate: null, zoneout: null, initialNoise: { hidden: 0.1, cell: 0.05 } };
    const text = explainModel(single(lstm('lstm_1', 8, { dropout })));
    expect(text).toContain('h_0 = ε_h,  ε_h ~ N(0, 0.1²)    (training; h_0 = 0 at inference)');
    expect(text).toContain('c_0 = ε_c,  ε_c ~ N(0, 0.05²)    (training; c_0 = 0 at inference)');
    expect(text).toContain('initial-state noise (Cooijmans et al. 2016): in training h_0 ~ N(0, 0.1²), c_0 ~ N(0, 0.05²), drawn per example and unit');
    const hiddenOnly = explainModel(single(lstm('lstm_1', 8, { dropout: { ...dropout, initialNoise: { hidden: 0.1, cell: 0 } } })));
    expect(hiddenOnly).toContain('h_0 = ε_h');
    expect(hiddenOnly).not.toContain('c_0 = ε_c');
    expect(ba).not.toContain('h_0 = ε_h');
  });

  it('states how a GRU with the reset gate before the product groups its recurrent and joint norms', () => {
    const gru = lstm('gru_1', 8, {
      cell: 'gru',
      forgetBias: { init: 0, constant: 0 },
      norms: [layerNorm('recurrent'), layerNorm('gates', { groups: 'per_gate' })],
    });
    const before = explainModel(single(gru));
    expect(before).toContain('statistics for the gates [z, r] together over 16 values, and for the candidate h separately over 8 (reset before');
    expect(before).toContain('ĥ_t = tanh(LN_gates(u_h + v_h) + b_h)');
    const after = explainModel(single({ ...gru, resetAfter: true }));
    expect(after).toContain('statistics over all 24 values together');
    expect(after).toContain('ĥ_t = tanh(LN_gates(u_h + r_t ⊙ v_h) + b_h)');
  });

  it('words a norm kind the same in a cell and between layers (one wording per kind, from NORM_FACTS)', () => {
    const text = explainModel(MULTI_HEAD);
    const perExample = 'mean and variance over the features of each example at each step';
    expect(text).toContain(`LN_out: layer norm at hidden; ε = 1e-5; γ init 1; β init 0; statistics over all 8 values together; ${perExample}`);
    expect(text).toContain(`6. norm_2: layer norm between layers\n   - ε = 0.001, γ init 0.5, β init 0.1\n   - ${perExample}\n`);
    expect(text).toContain('y_t = γ ⊙ (h_t − mean(h_t)) / √(var(h_t) + ε) + β');
    expect(text).toContain('y_t = γ ⊙ h_t / √(mean(h_t²) + ε)\n');
    expect(text).toContain('  RMS(v) = γ ⊙ v / √(mean(v²) + ε) (+ β when it has one)');
  });

  it('renders Markdown with a section per layer and head', () => {
    const markdown = explainModel(MULTI_HEAD, { format: 'markdown' });
    expect(markdown.startsWith('# Model `multi_head`')).toBe(true);
    expect(markdown.match(/^## \d+\. /gm)).toHaveLength(MULTI_HEAD.layers.length + MULTI_HEAD.heads.length);
    expect(markdown).toContain('## 3. norm_1: RMS norm between layers');
  });
});

describe('summarizeModel', () => {
  it('counts parameters from the cell formulas', () => {
    // LSTM 32 on 1 feature: 4·32·(1 + 32 + 1) = 4352; batch norm 32: γ, β trainable, moving mean/var not; head 32 + 1.
    const summary = summarizeModel(SINE);
    expect(summary.trainable).toBe(4352 + 64 + 33);
    expect(summary.nonTrainable).toBe(64);
    expect(summary.multiplyAddsPerStep).toBe(4 * 32 * (1 + 32) + 32);
  });

  it('counts in-cell norms and batch statistics per step, and doubles bidirectional layers', () => {
    const cooijmans = lstm('lstm_1', 4, {
      bidirectional: { merge: 'concat' },
      outputSize: 8,
      norms: [{ ...layerNorm('recurrent'), kind: 'batch', center: false, batch: { statistics: 'per_step', maxSteps: 10, momentum: 0.99 } }],
    });
    const summary = summarizeModel(model('bn', [cooijmans], [head('y', 1)]));
    const lstmRow = summary.rows.find((row) => row.name === 'lstm_1');
    // Per direction: 16·(1 + 4 + 1) weights, γ of 16, moving mean and variance of 10 steps × 16.
    expect(lstmRow?.trainable).toBe(2 * (16 * 6 + 16));
    expect(lstmRow?.nonTrainable).toBe(2 * 2 * 10 * 16);
    expect(lstmRow?.outputShape).toEqual([null, 50, 8]);
  });

  it("counts the IndRNN's recurrent vector: W [in, u], u [u], b [u], as the built layer holds them", () => {
    const initializers = { kernel: 'glorot_uniform', recurrentKernel: 'indrnn', bias: 'zeros', steps: 10 } as const;
    const indrnn = lstm('indrnn_1', 8, { cell: 'indrnn', activation: 'relu', forgetBias: { init: 0, constant: 0 }, norms: [layerNorm('recurrent')], initializers });
    const ir = model('ind', [indrnn], [head('y', 1)]);
    const row = summarizeModel(ir).rows.find((r) => r.name === 'indrnn_1');
    // 1 feature: W 1·8, u 8, b 8, then the recurrent site's γ and β over its 8 values.
    expect(row?.trainable).toBe(8 + 8 + 8 + 16);
    expect(row?.multiplyAdds).toBe(8 + 8);
    const built = compileModel(ir, { compile: false });
    expect(built.getLayer('indrnn_1').countParams()).toBe(row?.trainable);
    const text = explainModel(ir);
    expect(text).toContain('W is [1, 8], U is [8]');
    expect(text).toContain('[v_h] = LN_h(U ⊙ h_{t−1})');
    expect(text).toContain('h_t = relu(u_h + v_h + b_h)');
    // Li et al.'s range with T = 10: 2^(1/10) = 1.0717734…, printed to 6 significant digits.
    expect(text).toContain('U starts uniform in [0, 1.07177] (indrnn: [0, 2^(1/T)], T = 10; Li et al. 2018)');
  });

  it('renders the table with totals', () => {
    const text = renderSummary(summarizeModel(MULTI_HEAD));
    expect(text).toContain('lstm_2_residual  Add (residual)');
    // 400 (lstm_1 + hidden LN) + 544 + 8 + 54 + 12 + heads 14 + 7 + 21 + 7.
    expect(text).toMatch(/Total params: 1,067/);
    expect(text).toMatch(/Mult-adds once per sequence: 30/);
  });
});
