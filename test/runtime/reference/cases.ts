/**
 * The combination table of the numeric comparison: every cell × norm site × kind × grouping the IR allows
 * (docs/language.md and the validator's rules: `cell` is LSTM-only, `shared` batch statistics only at
 * `input`, a GRU's `gates` cannot be grouped `all`), plus feature cases (activations, bias, forget bias,
 * GRU reset position, masking, directions, merges, states, zoneout and dropout at inference, weight drop in
 * training with seeded masks, presets).
 */
import type { CellKind, NormGroups, NormIR, NormKind, NormSite } from '../../../src/ir/types.js';
import { alwaysSplit, CELL_FACTS, CELL_KINDS, hasGates, isProjectionSite, NORM_FACTS, NORM_GROUPS, NORM_KINDS } from '../../../src/variants/index.js';
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

// Every cell and norm kind of the registries (src/variants): a new variant enters the table by itself and
// fails until test/runtime/reference/ computes it.
const CELLS: readonly CellKind[] = CELL_KINDS;

interface KindVariant {
  label: string;
  kind: NormKind;
  training: boolean;
  extra: Partial<NormIR>;
}

/**
 * Every norm kind: a per-example kind with and without β (layer, no β; rms with β); a batch-statistics kind
 * per step with population and with minibatch statistics (and shared over time at `input`).
 */
function kindVariants(site: NormSite): KindVariant[] {
  return NORM_KINDS.flatMap((kind: NormKind): KindVariant[] => {
    if (!NORM_FACTS[kind].batchStatistics) {
      const flipped = NORM_FACTS[kind].center ? `${kind}, no β` : `${kind} with β`;
      return [
        { label: kind, kind, training: false, extra: {} },
        { label: flipped, kind, training: false, extra: { center: !NORM_FACTS[kind].center } },
      ];
    }
    const variants: KindVariant[] = [
      { label: `${kind} per-step, population`, kind, training: false, extra: {} },
      { label: `${kind} per-step, minibatch`, kind, training: true, extra: {} },
    ];
    if (site === 'input') {
      const shared = { batch: { statistics: 'shared' as const, maxSteps: null, momentum: 0.9 } };
      variants.push(
        { label: `${kind} shared, population`, kind, training: false, extra: shared },
        { label: `${kind} shared, minibatch`, kind, training: true, extra: shared },
      );
    }
    return variants;
  });
}

/** The groupings a site allows: all of them where it has several blocks, but `all` where a site is always split. */
function groupsFor(cell: CellKind, site: NormSite): NormGroups[] {
  if (!hasGates(cell) || !isProjectionSite(site)) return ['all'];
  return NORM_GROUPS.filter((groups) => groups !== 'all' || !alwaysSplit(cell, site));
}

/** One norm at one site, for every cell, kind and grouping (and GRU reset position, LSTM cell carry). */
export function singleSiteCases(): NumericCase[] {
  const cases: NumericCase[] = [];
  for (const cell of CELLS) {
    const resets = CELL_FACTS[cell].resetChoice ? [false, true] : [false];
    for (const resetAfter of resets) {
      for (const site of CELL_FACTS[cell].sites) {
        const groupings = groupsFor(cell, site);
        const carries = site === 'cell' ? [false, true] : [false];
        for (const groups of groupings) {
          for (const carry of carries) {
            for (const variant of kindVariants(site)) {
              const norm = makeNorm(site, variant.kind, { groups, carry, ...variant.extra });
              const reset = CELL_FACTS[cell].resetChoice ? (resetAfter ? ', reset after' : ', reset before') : '';
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
  const contrib = [layerNorm('gates', { ...tiny, groups: 'per_gate' }), layerNorm('cell', { ...tiny, carry: true })];
  add('tf1_contrib', plainConfig('lstm', 3, { useBias: false, forgetBias: { init: 0, constant: 1 }, norms: contrib }));
  const addons = [layerNorm('input', { epsilon: 1e-3 }), layerNorm('recurrent', { epsilon: 1e-3 }), layerNorm('cell', { epsilon: 1e-3, carry: true })];
  add('tfa (lstm)', plainConfig('lstm', 3, { forgetBias: { init: 1, constant: 0 }, norms: addons }));
  add('tfa (rnn)', plainConfig('rnn', 3, { norms: [layerNorm('gates', { center: false })] }));
  return cases;
}

/** A 3-unit layer of `cell` that also returns its states (so every case checks them). */
const withStates = (cell: CellKind, overrides: Partial<ReferenceConfig> = {}) => plainConfig(cell, 3, { returnState: true, ...overrides });

const SHARED_BN = makeNorm('input', 'batch', { batch: { statistics: 'shared', maxSteps: null, momentum: 0.9 } });

/** Several sites at once, and mixed kinds, on each cell (GRU with the reset gate before and after). */
function combinedNormCases(): NumericCase[] {
  const variants = CELLS.flatMap((cell) => (CELL_FACTS[cell].resetChoice ? [false, true] : [false]).map((resetAfter): [CellKind, boolean] => [cell, resetAfter]));
  return variants.flatMap(([cell, resetAfter]) => {
    const cellNorm = (norm: NormIR) => (cell === 'lstm' ? [norm] : []);
    const gatesGroups: NormGroups = cell === 'gru' ? 'per_gate' : 'all';
    const everyLayerNorm = [
      layerNorm('input'),
      layerNorm('recurrent', { groups: 'per_gate' }),
      layerNorm('gates', { groups: gatesGroups }),
      ...cellNorm(layerNorm('cell', { carry: true })),
      layerNorm('hidden'),
    ];
    const mixed = [
      makeNorm('input', 'batch', { batch: perStep(STEPS, 0.9) }),
      rmsNorm('gates', { groups: cell === 'gru' ? 'per_gate' : 'gates_and_candidate' }),
      ...cellNorm(makeNorm('cell', 'batch', { batch: perStep(STEPS, 0.9) })),
      layerNorm('hidden'),
    ];
    const label = `${cell}${resetAfter ? ' reset after' : ''}`;
    return [
      { name: `${label}: layer norm at every site`, config: withStates(cell, { resetAfter, norms: everyLayerNorm }), training: false },
      { name: `${label}: batch, rms and layer norms mixed, population`, config: withStates(cell, { resetAfter, norms: mixed }), training: false },
      { name: `${label}: batch, rms and layer norms mixed, minibatch`, config: withStates(cell, { resetAfter, norms: mixed }), training: true },
    ];
  });
}

type AddCase = (name: string, config: ReferenceConfig, extra?: Partial<NumericCase>) => void;

/** Activations, bias, forget bias, returned sequences and states, masks, directions and merges. */
function addStructureCases(cell: CellKind, add: AddCase): void {
  const ln = [layerNorm('input'), layerNorm('recurrent')];
  const pairs = [['relu', 'hard_sigmoid'], ['linear', 'sigmoid'], ['sigmoid', 'tanh'], ['hard_sigmoid', 'linear']] as const;
  for (const [activation, recurrentActivation] of pairs) {
    add(`${cell}: activation ${activation}, recurrent ${recurrentActivation}`, withStates(cell, { activation, recurrentActivation }));
  }
  for (const activation of ['elu', 'selu', 'gelu', 'softsign', 'softplus', 'swish', 'softmax'] as const) {
    add(`${cell}: activation ${activation}`, withStates(cell, { activation }));
  }
  add(`${cell}: no bias`, withStates(cell, { useBias: false }));
  add(`${cell}: no bias, layer norm`, withStates(cell, { useBias: false, norms: ln }));
  add(`${cell}: last output only`, withStates(cell, { returnSequences: false, norms: ln }));
  add(`${cell}: initial state`, withStates(cell, { norms: ln }), { initialState: true });
  add(`${cell}: ragged mask`, withStates(cell, { norms: [...ln, layerNorm('hidden')] }), { mask: RAGGED_MASK });
  add(`${cell}: ragged mask, last output`, withStates(cell, { returnSequences: false }), { mask: RAGGED_MASK, initialState: true });
  add(`${cell}: ragged mask, batch norm minibatch statistics over valid examples`, withStates(cell, { norms: [makeNorm('recurrent', 'batch'), SHARED_BN] }), {
    mask: RAGGED_MASK,
    training: true,
  });
  add(`${cell}: go backwards`, withStates(cell, { goBackwards: true, norms: ln }));
  for (const merge of ['concat', 'sum', 'mul', 'ave'] as const) {
    add(`${cell}: bidirectional ${merge}`, withStates(cell, { bidirectional: { merge }, norms: ln }), { initialState: merge === 'concat' });
  }
}

/** Per-step batch statistics with directions and beyond max_steps; dropout and zoneout at inference. */
function addStatisticsAndDropoutCases(cell: CellKind, add: AddCase): void {
  const bn = (site: NormSite, maxSteps: number) => makeNorm(site, 'batch', { batch: perStep(maxSteps) });
  // Per-step statistics follow the processing order (step 0 is the first step read), as Cooijmans et al.'s
  // "reverse only the unpadded part" implies for a backward reader.
  add(`${cell}: go backwards with per-step batch norm, population`, withStates(cell, { goBackwards: true, norms: [bn('recurrent', 3)] }));
  add(`${cell}: go backwards with per-step batch norm, minibatch`, withStates(cell, { goBackwards: true, norms: [bn('hidden', 3)] }), { training: true });
  add(`${cell}: bidirectional with per-step batch norm, population`, withStates(cell, { bidirectional: { merge: 'sum' }, norms: [bn('recurrent', STEPS)] }));
  add(`${cell}: per-step batch norm beyond max_steps uses the last row`, withStates(cell, { norms: [bn('recurrent', 2), bn('hidden', 3)] }));
  add(`${cell}: per-step batch norm beyond max_steps, minibatch`, withStates(cell, { norms: [bn('recurrent', 2)] }), { training: true });
  const dropout = { input: { rate: 0.5, mask: 'sequence' as const }, recurrent: { rate: 0.4 }, candidate: { rate: 0.3, mask: 'step' as const }, zoneout: null };
  add(`${cell}: dropout at inference is the identity`, withStates(cell, { dropout, norms: [layerNorm('input'), layerNorm('recurrent')] }));
  const zoneout = { dropout: { ...dropout, zoneout: { cell: cell === 'lstm' ? 0.3 : 0, hidden: 0.2 } } };
  add(`${cell}: zoneout at inference is its expectation`, withStates(cell, zoneout));
  const zoneNorms = [layerNorm('hidden'), ...(cell === 'lstm' ? [layerNorm('cell', { carry: true })] : [])];
  add(`${cell}: zoneout expectation after the hidden and cell norms`, withStates(cell, { ...zoneout, norms: zoneNorms }), { mask: RAGGED_MASK });
  addWeightDropCases(cell, add);
}

/** Weight drop (DropConnect on U): in training with the layer's seeded masks, and the identity at inference. */
function addWeightDropCases(cell: CellKind, add: AddCase): void {
  const weightDrop = { dropout: { input: null, recurrent: null, candidate: null, zoneout: null, recurrentWeights: { rate: 0.4 } } };
  add(`${cell}: weight drop at inference uses U unchanged`, withStates(cell, weightDrop));
  add(`${cell}: weight drop in training, seeded mask`, withStates(cell, weightDrop), { training: true, mask: RAGGED_MASK });
  add(`${cell}: weight drop in training with a recurrent norm`, withStates(cell, { ...weightDrop, norms: [layerNorm('recurrent')] }), { training: true });
  add(`${cell}: weight drop in training, bidirectional (a mask per direction)`, withStates(cell, { ...weightDrop, bidirectional: { merge: 'concat' } }), { training: true });
}

/** Everything that is not a norm placement: see the two helpers above, plus the LSTM forget bias. */
function featureCases(): NumericCase[] {
  const cases: NumericCase[] = [];
  const add: AddCase = (name, config, extra = {}) => cases.push({ name, config, training: false, ...extra });
  for (const cell of CELLS) {
    addStructureCases(cell, add);
    addStatisticsAndDropoutCases(cell, add);
  }
  add('lstm: forget constant 1', withStates('lstm', { forgetBias: { init: 0, constant: 1 } }));
  const perGate = [layerNorm('gates', { groups: 'per_gate' })];
  add('lstm: forget constant 1.5 with per-gate layer norm at gates', withStates('lstm', { forgetBias: { init: 1, constant: 1.5 }, norms: perGate }));
  add('gru reset after: relu / hard_sigmoid, no bias', withStates('gru', { resetAfter: true, activation: 'relu', recurrentActivation: 'hard_sigmoid', useBias: false }));
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
      const lastOutput = withStates(cell, { bidirectional: { merge: 'ave' }, returnSequences: false });
      cases.push(
        { name: `${cell}: go backwards, ragged ${maskDtype} mask`, config: withStates(cell, { goBackwards: true, norms: ln }), ...base },
        { name: `${cell}: bidirectional sequences, ragged ${maskDtype} mask`, config: withStates(cell, { bidirectional: { merge: 'concat' } }), ...base },
        { name: `${cell}: bidirectional last output, ragged ${maskDtype} mask`, config: lastOutput, ...base, initialState: true },
      );
    }
  }
  return cases;
}

/** The whole table (without the reversed-mask cases). */
export function numericCases(): NumericCase[] {
  return [...singleSiteCases(), ...combinedNormCases(), ...presetCases(), ...featureCases()];
}
