/**
 * The combination table of the numeric comparison: every cell × norm site × kind × grouping the IR allows
 * (docs/language.md and the validator's rules: `cell` is LSTM-only, `shared` batch statistics only at
 * `input`, a GRU's `gates` cannot be grouped `all`), plus feature cases (activations, bias, forget bias,
 * GRU reset position, masking, directions, merges, states, zoneout and dropout at inference, presets).
 */
import type { CellKind, NormGroups, NormIR, NormKind, NormSite } from '../../../src/ir/types.js';
import { makeNorm, plainConfig } from '../../helpers/recurrent.js';
import type { ReferenceConfig } from './types.js';

export interface NumericCase {
  name: string;
  config: ReferenceConfig;
  /** Batch norm with minibatch statistics when true. */
  training: boolean;
  mask?: boolean[][];
  /** Dtype of the mask tensor given to the layer (default `bool`, as `tf.layers.masking` makes). */
  maskDtype?: 'bool' | 'float32';
  /** Pass random initial states. */
  initialState?: boolean;
  steps?: number;
}

export const STEPS = 4;
/** Example 1 loses its last two steps, example 2 its last three: padding at the end, as `tf.layers.masking` sees it. */
export const RAGGED_MASK = [
  [true, true, true, true],
  [true, true, false, false],
  [true, false, false, false],
];

const CELLS: CellKind[] = ['lstm', 'gru', 'rnn'];
const PROJECTION_SITES: NormSite[] = ['input', 'recurrent', 'gates'];
const GROUPS: NormGroups[] = ['all', 'per_gate', 'gates_and_candidate'];

interface KindVariant {
  label: string;
  kind: NormKind;
  training: boolean;
  extra: Partial<NormIR>;
}

/** Layer and RMS norm with and without β; batch norm with population statistics and with minibatch statistics. */
function kindVariants(site: NormSite): KindVariant[] {
  const variants: KindVariant[] = [
    { label: 'layer', kind: 'layer', training: false, extra: {} },
    { label: 'layer, no β', kind: 'layer', training: false, extra: { center: false } },
    { label: 'rms', kind: 'rms', training: false, extra: {} },
    { label: 'rms with β', kind: 'rms', training: false, extra: { center: true } },
    { label: 'batch per-step, population', kind: 'batch', training: false, extra: {} },
    { label: 'batch per-step, minibatch', kind: 'batch', training: true, extra: {} },
  ];
  if (site === 'input') {
    const shared = { batch: { statistics: 'shared' as const, maxSteps: null, momentum: 0.9 } };
    variants.push(
      { label: 'batch shared, population', kind: 'batch', training: false, extra: shared },
      { label: 'batch shared, minibatch', kind: 'batch', training: true, extra: shared },
    );
  }
  return variants;
}

function groupsFor(cell: CellKind, site: NormSite): NormGroups[] {
  if (cell === 'rnn') return ['all'];
  return site === 'gates' && cell === 'gru' ? ['per_gate', 'gates_and_candidate'] : GROUPS;
}

/** One norm at one site, for every cell, kind and grouping (and GRU reset position, LSTM cell carry). */
export function singleSiteCases(): NumericCase[] {
  const cases: NumericCase[] = [];
  for (const cell of CELLS) {
    const resets = cell === 'gru' ? [false, true] : [false];
    for (const resetAfter of resets) {
      const sites: NormSite[] = [...PROJECTION_SITES, ...(cell === 'lstm' ? (['cell'] as const) : []), 'hidden'];
      for (const site of sites) {
        const groupings = site === 'cell' || site === 'hidden' ? (['all'] as NormGroups[]) : groupsFor(cell, site);
        const carries = site === 'cell' ? [false, true] : [false];
        for (const groups of groupings) {
          for (const carry of carries) {
            for (const variant of kindVariants(site)) {
              const norm = makeNorm(site, variant.kind, { groups, carry, ...variant.extra });
              const reset = cell === 'gru' ? (resetAfter ? ', reset after' : ', reset before') : '';
              const detail = site === 'cell' ? `carry ${carry}` : `groups ${groups}`;
              cases.push({
                name: `${cell}${reset}: ${variant.label} at ${site} (${detail})`,
                config: plainConfig(cell, 3, { resetAfter, norms: [norm], returnState: true }),
                training: variant.training,
              });
            }
          }
        }
      }
    }
  }
  return cases;
}

const layerNorm = (site: NormSite, extra: Partial<NormIR> = {}) => makeNorm(site, 'layer', extra);
const rmsNorm = (site: NormSite, extra: Partial<NormIR> = {}) => makeNorm(site, 'rms', extra);
const perStep = (maxSteps: number, momentum = 0.99) => ({ statistics: 'per_step' as const, maxSteps, momentum });

/** The presets of docs/language.md, expanded by hand from the table there (not by the lowering code). */
export function presetCases(): NumericCase[] {
  const cases: NumericCase[] = [];
  const add = (name: string, config: ReferenceConfig, training = false) => cases.push({ name: `preset ${name}`, config: { ...config, returnState: true }, training });
  for (const cell of CELLS) {
    const gru = cell === 'gru';
    const groups: NormGroups = gru ? 'gates_and_candidate' : 'all';
    const withCell = (norm: NormIR[], cellNorm: NormIR) => (cell === 'lstm' ? [...norm, cellNorm] : norm);
    const ba = withCell([layerNorm('input', { groups }), layerNorm('recurrent', { groups })], layerNorm('cell'));
    add(`ba2016 (${cell})`, plainConfig(cell, 3, { norms: ba, resetAfter: gru }));
    const rms = withCell([rmsNorm('input', { groups }), rmsNorm('recurrent', { groups })], rmsNorm('cell'));
    add(`rms2019 (${cell})`, plainConfig(cell, 3, { norms: rms, resetAfter: gru }));
    const bn = (site: NormSite, center: boolean) => makeNorm(site, 'batch', { gammaInit: 0.1, center, batch: perStep(STEPS) });
    const cooijmans = withCell([bn('input', false), bn('recurrent', false)], bn('cell', true));
    add(`cooijmans2016 (${cell}), population`, plainConfig(cell, 3, { norms: cooijmans }));
    add(`cooijmans2016 (${cell}), minibatch`, plainConfig(cell, 3, { norms: cooijmans }), true);
    const laurent = [makeNorm('input', 'batch', { batch: { statistics: 'shared', maxSteps: null, momentum: 0.99 } })];
    add(`laurent2016 (${cell}), population`, plainConfig(cell, 3, { norms: laurent, useBias: false }));
    add(`laurent2016 (${cell}), minibatch`, plainConfig(cell, 3, { norms: laurent, useBias: false }), true);
  }
  const tiny = { epsilon: 1e-12 };
  add('tf1_contrib', plainConfig('lstm', 3, { useBias: false, forgetBias: { init: 0, constant: 1 }, norms: [layerNorm('gates', { ...tiny, groups: 'per_gate' }), layerNorm('cell', { ...tiny, carry: true })] }));
  add('tfa (lstm)', plainConfig('lstm', 3, { forgetBias: { init: 1, constant: 0 }, norms: [layerNorm('input', { epsilon: 1e-3 }), layerNorm('recurrent', { epsilon: 1e-3 }), layerNorm('cell', { epsilon: 1e-3, carry: true })] }));
  add('tfa (rnn)', plainConfig('rnn', 3, { norms: [layerNorm('gates', { center: false })] }));
  return cases;
}

/** Several sites at once, and mixed kinds, on each cell. */
function combinedNormCases(): NumericCase[] {
  return CELLS.flatMap((cell) => {
    const lstm = cell === 'lstm';
    const gatesGroups: NormGroups = cell === 'gru' ? 'per_gate' : 'all';
    const everyLayerNorm = [layerNorm('input'), layerNorm('recurrent', { groups: 'per_gate' }), layerNorm('gates', { groups: gatesGroups }), ...(lstm ? [layerNorm('cell', { carry: true })] : []), layerNorm('hidden')];
    const mixed = [makeNorm('input', 'batch', { batch: perStep(STEPS, 0.9) }), rmsNorm('gates', { groups: gatesGroups === 'all' ? 'gates_and_candidate' : gatesGroups }), ...(lstm ? [makeNorm('cell', 'batch', { batch: perStep(STEPS, 0.9) })] : []), layerNorm('hidden')];
    return [false, true].flatMap((resetAfter) =>
      cell !== 'gru' && resetAfter
        ? []
        : [
            { name: `${cell}${resetAfter ? ' reset after' : ''}: layer norm at every site`, config: plainConfig(cell, 3, { resetAfter, norms: everyLayerNorm, returnState: true }), training: false },
            { name: `${cell}${resetAfter ? ' reset after' : ''}: batch, rms and layer norms mixed, population`, config: plainConfig(cell, 3, { resetAfter, norms: mixed, returnState: true }), training: false },
            { name: `${cell}${resetAfter ? ' reset after' : ''}: batch, rms and layer norms mixed, minibatch`, config: plainConfig(cell, 3, { resetAfter, norms: mixed, returnState: true }), training: true },
          ],
    );
  });
}

/** Everything that is not a norm: activations, bias, forget bias, masking, directions, states, dropout at inference. */
function featureCases(): NumericCase[] {
  const cases: NumericCase[] = [];
  const add = (name: string, config: ReferenceConfig, extra: Partial<NumericCase> = {}) => cases.push({ name, config, training: false, ...extra });
  const ln = [layerNorm('input'), layerNorm('recurrent')];
  for (const cell of CELLS) {
    const pairs = [['relu', 'hard_sigmoid'], ['linear', 'sigmoid'], ['sigmoid', 'tanh'], ['hard_sigmoid', 'linear']] as const;
    for (const [activation, recurrentActivation] of pairs) add(`${cell}: activation ${activation}, recurrent ${recurrentActivation}`, plainConfig(cell, 3, { activation, recurrentActivation, returnState: true }));
    add(`${cell}: no bias`, plainConfig(cell, 3, { useBias: false, returnState: true }));
    add(`${cell}: no bias, layer norm`, plainConfig(cell, 3, { useBias: false, norms: ln, returnState: true }));
    add(`${cell}: last output only`, plainConfig(cell, 3, { returnSequences: false, norms: ln, returnState: true }));
    add(`${cell}: initial state`, plainConfig(cell, 3, { norms: ln, returnState: true }), { initialState: true });
    add(`${cell}: ragged mask`, plainConfig(cell, 3, { norms: [...ln, layerNorm('hidden')], returnState: true }), { mask: RAGGED_MASK });
    add(`${cell}: ragged mask, last output`, plainConfig(cell, 3, { returnSequences: false, returnState: true }), { mask: RAGGED_MASK, initialState: true });
    add(`${cell}: ragged mask, batch norm minibatch statistics over valid examples`, plainConfig(cell, 3, { norms: [makeNorm('recurrent', 'batch'), makeNorm('input', 'batch', { batch: { statistics: 'shared', maxSteps: null, momentum: 0.9 } })], returnState: true }), { mask: RAGGED_MASK, training: true });
    add(`${cell}: go backwards`, plainConfig(cell, 3, { goBackwards: true, norms: ln, returnState: true }));
    for (const merge of ['concat', 'sum', 'mul', 'ave'] as const) {
      add(`${cell}: bidirectional ${merge}`, plainConfig(cell, 3, { bidirectional: { merge }, norms: ln, returnState: true }), { initialState: merge === 'concat' });
    }
    // Per-step statistics follow the processing order (step 0 is the first step read), as Cooijmans et al.'s
    // "reverse only the unpadded part" implies for a backward reader.
    add(`${cell}: go backwards with per-step batch norm, population`, plainConfig(cell, 3, { goBackwards: true, norms: [makeNorm('recurrent', 'batch', { batch: perStep(3) })], returnState: true }));
    add(`${cell}: go backwards with per-step batch norm, minibatch`, plainConfig(cell, 3, { goBackwards: true, norms: [makeNorm('hidden', 'batch', { batch: perStep(3) })], returnState: true }), { training: true });
    add(`${cell}: bidirectional with per-step batch norm, population`, plainConfig(cell, 3, { bidirectional: { merge: 'sum' }, norms: [makeNorm('recurrent', 'batch')], returnState: true }));
    const dropout = { input: { rate: 0.5, mask: 'sequence' as const }, recurrent: { rate: 0.4 }, candidate: { rate: 0.3, mask: 'step' as const }, zoneout: null };
    add(`${cell}: dropout at inference is the identity`, plainConfig(cell, 3, { dropout, norms: ln, returnState: true }));
    const zoneout = { cell: cell === 'lstm' ? 0.3 : 0, hidden: 0.2 };
    add(`${cell}: zoneout at inference is its expectation`, plainConfig(cell, 3, { dropout: { ...dropout, zoneout }, returnState: true }));
    const zoneNorms = [layerNorm('hidden'), ...(cell === 'lstm' ? [layerNorm('cell', { carry: true })] : [])];
    add(`${cell}: zoneout expectation after the hidden and cell norms`, plainConfig(cell, 3, { dropout: { ...dropout, zoneout }, norms: zoneNorms, returnState: true }), { mask: RAGGED_MASK });
    add(`${cell}: per-step batch norm beyond max_steps uses the last row`, plainConfig(cell, 3, { norms: [makeNorm('recurrent', 'batch', { batch: perStep(2) }), makeNorm('hidden', 'batch', { batch: perStep(3) })], returnState: true }));
    add(`${cell}: per-step batch norm beyond max_steps, minibatch`, plainConfig(cell, 3, { norms: [makeNorm('recurrent', 'batch', { batch: perStep(2) })], returnState: true }), { training: true });
  }
  add('lstm: forget constant 1', plainConfig('lstm', 3, { forgetBias: { init: 0, constant: 1 }, returnState: true }));
  add('lstm: forget constant 1.5 with per-gate layer norm at gates', plainConfig('lstm', 3, { forgetBias: { init: 1, constant: 1.5 }, norms: [layerNorm('gates', { groups: 'per_gate' })], returnState: true }));
  add('gru reset after: activations relu / hard_sigmoid, no bias', plainConfig('gru', 3, { resetAfter: true, activation: 'relu', recurrentActivation: 'hard_sigmoid', useBias: false, returnState: true }));
  return cases;
}

/**
 * Masked sequences read backwards (goBackwards, bidirectional), with the mask as `bool` (what
 * `tf.layers.masking` produces) and as 1/0 floats. Kept apart because a wrong reversal of a `bool` mask on the
 * wasm backend corrupts wasm memory and would fail every later test in the same process.
 */
export function reversedMaskCases(): NumericCase[] {
  const cases: NumericCase[] = [];
  // Float masks first: a corrupted wasm heap would otherwise fail them too.
  for (const maskDtype of ['float32', 'bool'] as const) {
    for (const cell of CELLS) {
      const base = { training: false, mask: RAGGED_MASK, maskDtype };
      const ln = [layerNorm('input'), layerNorm('recurrent')];
      cases.push(
        { name: `${cell}: go backwards, ragged ${maskDtype} mask`, config: plainConfig(cell, 3, { goBackwards: true, norms: ln, returnState: true }), ...base },
        { name: `${cell}: bidirectional sequences, ragged ${maskDtype} mask`, config: plainConfig(cell, 3, { bidirectional: { merge: 'concat' }, returnState: true }), ...base },
        { name: `${cell}: bidirectional last output, ragged ${maskDtype} mask`, config: plainConfig(cell, 3, { bidirectional: { merge: 'ave' }, returnSequences: false, returnState: true }), ...base, initialState: true },
      );
    }
  }
  return cases;
}

/** The whole table (without the reversed-mask cases). */
export function numericCases(): NumericCase[] {
  return [...singleSiteCases(), ...combinedNormCases(), ...presetCases(), ...featureCases()];
}
