/**
 * Hand-made IRs for the PyTorch back-end test, for what the specs and random IRs leave out: per-step batch
 * statistics over more steps than `maxSteps`, shared input statistics, every norm site of every cell with
 * padding, GRUs of both reset conventions, initial-state noise, and heads with each loss. `coverage` lists what a set of IRs
 * exercises, so that the test can check the whole set reaches every variant.
 */
import type { HeadIR, LayerIR, LossName, ModelIR, NormIR, NormKind, NormSite, RecurrentLayerIR } from '../../../src/ir/types.js';
import { CELL_FACTS, defaultRecurrentInitializer, type CellKind } from '../../../src/variants/index.js';
import { TRAIN } from '../../compile/fixtures.js';

const NO_DROPOUT = { input: null, recurrent: null, candidate: null, zoneout: null };

function norm(site: NormSite, kind: NormKind, overrides: Partial<NormIR> = {}): NormIR {
  return {
    site,
    kind,
    epsilon: 1e-3,
    gammaInit: 1,
    betaInit: 0,
    center: true,
    groups: 'all',
    carry: false,
    batch: kind === 'batch' ? { statistics: 'per_step', maxSteps: 3, momentum: 0.9 } : null,
    ...overrides,
  };
}

function recurrent(name: string, cell: CellKind, units: number, overrides: Partial<RecurrentLayerIR> = {}): RecurrentLayerIR {
  const layer: RecurrentLayerIR = {
    type: 'recurrent',
    name,
    cell,
    units,
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
    returnSequences: true,
    bidirectional: null,
    residual: false,
    useBias: true,
    forgetBias: { init: cell === 'lstm' ? 1 : 0, constant: 0 },
    resetAfter: false,
    norms: [],
    preset: null,
    dropout: NO_DROPOUT,
    initializers: { kernel: 'glorot_uniform', recurrentKernel: defaultRecurrentInitializer(cell), bias: 'zeros' },
    outputSize: units,
    ...overrides,
  };
  return { ...layer, outputSize: layer.bidirectional?.merge === 'concat' ? 2 * units : units };
}

function head(name: string, units: number, at: HeadIR['at'], loss: LossName, activation: HeadIR['activation'], steps: number | null): HeadIR {
  return { name, units, activation, at, loss, lossWeight: 1, metrics: [], outputShape: at === 'each_step' ? [steps, units] : [units] };
}

function model(name: string, steps: number | null, features: number, padding: number | null, layers: LayerIR[], heads: HeadIR[]): ModelIR {
  return { irVersion: 1, name, description: null, input: { steps, features, padding }, layers, heads, train: TRAIN, data: null };
}

export function handmadeIRs(): ModelIR[] {
  const batchEverywhere = (cell: CellKind) => CELL_FACTS[cell].sites.map((site) => norm(site, 'batch', site === 'cell' ? { carry: true } : {}));
  return [
    // Per-step batch statistics at every site, 6 steps against maxSteps 3, with padding, both directions.
    model('per_step_lstm', 6, 3, -1, [
      recurrent('lstm_1', 'lstm', 4, { norms: batchEverywhere('lstm'), bidirectional: { merge: 'ave' } }),
      { type: 'normalization', name: 'bn', kind: 'batch', epsilon: 1e-3, momentum: 0.9, center: true, gammaInit: 1, betaInit: 0, outputSize: 4 },
      recurrent('gru_2', 'gru', 4, { norms: batchEverywhere('gru'), residual: true }),
    ], [head('y', 2, 'each_step', 'mse', 'linear', 6), head('p', 3, 'mean', 'categorical_crossentropy', 'softmax', 6)]),
    model('per_step_simple', 7, 2, -1, [
      recurrent('rnn_1', 'rnn', 3, { norms: batchEverywhere('rnn') }),
      recurrent('indrnn_2', 'indrnn', 3, { norms: batchEverywhere('indrnn'), activation: 'relu', returnSequences: false }),
    ], [head('c', 1, 'last_step', 'binary_crossentropy', 'sigmoid', 7)]),
    // Shared input statistics (Laurent et al.), GRU reset after with grouped layer and RMS norms.
    model('shared_gru', 5, 3, -1, [
      recurrent('gru_1', 'gru', 3, {
        resetAfter: true,
        norms: [
          norm('input', 'batch', { batch: { statistics: 'shared', maxSteps: null, momentum: 0.8 } }),
          norm('recurrent', 'layer', { groups: 'gates_and_candidate' }),
          norm('gates', 'rms', { groups: 'per_gate', center: false }),
          norm('hidden', 'layer'),
        ],
        bidirectional: { merge: 'concat' },
      }),
      { type: 'normalization', name: 'rms', kind: 'rms', epsilon: 1e-5, momentum: null, center: true, gammaInit: 1, betaInit: 0, outputSize: 6 },
      recurrent('lstm_2', 'lstm', 2, { norms: [norm('gates', 'layer', { groups: 'gates_and_candidate' }), norm('cell', 'rms', { carry: true })], activation: 'softsign' }),
    ], [head('k', 4, 'max', 'sparse_categorical_crossentropy', 'softmax', 5), head('r', 2, 'last_step', 'huber', 'tanh', 5)]),
    // Plain LSTMs without padding run on torch's own LSTM op; the second has no bias.
    model('torch_lstm', 5, 3, null, [
      recurrent('lstm_1', 'lstm', 4, { bidirectional: { merge: 'concat' }, dropout: { ...NO_DROPOUT, input: { rate: 0.2, mask: 'step' } } }),
      recurrent('lstm_2', 'lstm', 3, { useBias: false, returnSequences: false }),
    ], [head('z', 2, 'last_step', 'mse', 'linear', 5)]),
    model('shared_indrnn', 4, 2, null, [
      recurrent('indrnn_1', 'indrnn', 3, { activation: 'relu', norms: [norm('input', 'batch', { batch: { statistics: 'shared', maxSteps: null, momentum: 0.5 } })], bidirectional: { merge: 'mul' } }),
    ], [head('m', 2, 'mean', 'mae', 'linear', 4)]),
    // Initial-state noise (Cooijmans et al. 2016) with per-step batch norm, padded and bidirectional; then on
    // torch's own LSTM op, which starts from the noisy states.
    model('initial_noise', 6, 2, -1, [
      recurrent('lstm_1', 'lstm', 4, {
        norms: [norm('input', 'batch', { center: false, gammaInit: 0.1 }), norm('recurrent', 'batch', { center: false, gammaInit: 0.1 })],
        bidirectional: { merge: 'concat' },
        dropout: { ...NO_DROPOUT, initialNoise: { hidden: 0.1, cell: 0.05 } },
      }),
      recurrent('gru_2', 'gru', 3, { dropout: { ...NO_DROPOUT, initialNoise: { hidden: 0.2, cell: 0 } }, returnSequences: false }),
    ], [head('n', 3, 'last_step', 'categorical_crossentropy', 'softmax', 6)]),
    model('initial_noise_torch_lstm', 5, 3, null, [
      recurrent('lstm_1', 'lstm', 4, { dropout: { ...NO_DROPOUT, initialNoise: { hidden: 0.3, cell: 0.3 } }, returnSequences: false }),
    ], [head('v', 2, 'last_step', 'mse', 'linear', 5)]),
  ];
}

/** Words naming the variants an IR exercises (`cell:gru`, `norm:batch:cell`, `head:max`, …). */
export function coverage(ir: ModelIR): string[] {
  const words = [`padding:${ir.input.padding !== null}`];
  for (const layer of ir.layers) {
    if (layer.type === 'normalization') words.push(`between:${layer.kind}`);
    if (layer.type !== 'recurrent') {
      words.push(`layer:${layer.type}`);
      continue;
    }
    words.push(`cell:${layer.cell}`, `residual:${layer.residual}`, `merge:${layer.bidirectional?.merge ?? 'none'}`);
    if (layer.cell === 'gru') words.push(`reset_after:${layer.resetAfter}`);
    for (const n of layer.norms) words.push(`norm:${n.kind}:${n.site}`, `groups:${n.groups}`, `statistics:${n.batch?.statistics ?? 'none'}`);
    for (const [form, value] of Object.entries(layer.dropout)) if (value !== null) words.push(`dropout:${form}`);
  }
  for (const h of ir.heads) words.push(`head:${h.at}`, `loss:${h.loss}`);
  return words;
}
