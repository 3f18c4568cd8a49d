/** Lowering of the body: stacks expanded and named, widths inferred, every layer setting resolved. */
import type { BodyItemJson, CellNormJson, HeadJson, MaskJson, RecurrentJson } from './spec-json.js';
import { DEFAULTS } from './defaults.js';
import { lowerCellNorms } from './lower-norms.js';
import { CELL_FACTS, cellFacts, defaultRecurrentInitializer, DROPOUT_FACTS, isCellKind, NORM_FACTS, RECURRENT_INITIALIZER_FACTS } from '../variants/index.js';
import type { InitializersIR, LayerIR, MaskLifetime, RecurrentDropoutIR, RecurrentLayerIR } from './types.js';

export interface LoweredBody {
  layers: LayerIR[];
  /** For each layer, the JSON pointer of the body item it came from. */
  origins: string[];
}

interface BodyContext {
  steps: number | null;
  features: number;
  /** Whether any head reads more than the last step (so the last recurrent layer must return sequences). */
  headsNeedSequence: boolean;
}

export function lowerBody(body: readonly BodyItemJson[], steps: number | null, features: number, heads: readonly HeadJson[]): LoweredBody {
  const context: BodyContext = { steps, features, headsNeedSequence: heads.some((head) => (head.at ?? DEFAULTS.head.at) !== 'last_step') };
  const counters = new Map<string, number>();
  const nextName = (prefix: string): string => {
    const count = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, count);
    return `${prefix}_${count}`;
  };
  const layers: LayerIR[] = [];
  const origins: string[] = [];
  let width = features;
  const lastRecurrent = body.findLastIndex((item) => isCellKind(item.type));
  body.forEach((item, index) => {
    const origin = `/body/${index}`;
    const laterRecurrent = index < lastRecurrent;
    for (const layer of lowerItem(item, width, laterRecurrent, context, nextName)) {
      layers.push(layer);
      origins.push(origin);
      width = layer.outputSize;
    }
  });
  return { layers, origins };
}

function lowerItem(item: BodyItemJson, width: number, laterRecurrent: boolean, context: BodyContext, nextName: (prefix: string) => string): LayerIR[] {
  switch (item.type) {
    case 'norm': {
      const kind = item.kind;
      const center = item.beta === undefined ? NORM_FACTS[kind].center : item.beta !== 'none';
      return [
        {
          type: 'normalization',
          name: item.name ?? nextName('norm'),
          kind,
          epsilon: item.epsilon ?? NORM_FACTS[kind].epsilon,
          momentum: NORM_FACTS[kind].batchStatistics ? (item.momentum ?? DEFAULTS.norm.momentum) : null,
          center,
          gammaInit: item.gamma ?? DEFAULTS.norm.gamma,
          betaInit: typeof item.beta === 'number' ? item.beta : DEFAULTS.norm.beta,
          outputSize: width,
        },
      ];
    }
    case 'dropout':
      return [
        {
          type: 'dropout',
          name: item.name ?? nextName('dropout'),
          rate: item.rate,
          mask: (item.mask ?? DEFAULTS.dropout.betweenLayersMask) === 'per_step' ? 'step' : 'sequence',
          outputSize: width,
        },
      ];
    case 'dense':
      return [{ type: 'dense', name: item.name ?? nextName('dense'), units: item.units, activation: item.activation ?? DEFAULTS.dense.activation, outputSize: item.units }];
    default:
      return lowerRecurrentStack(item, width, laterRecurrent, context, nextName);
  }
}

/**
 * `x N` stacks: N layers with the same settings. Inner layers always return sequences (the next one reads them);
 * `sequences` applies to the last. `residual` skips the first layer when its input width differs (documented).
 */
function lowerRecurrentStack(
  item: RecurrentJson,
  width: number,
  laterRecurrent: boolean,
  context: BodyContext,
  nextName: (prefix: string) => string,
): RecurrentLayerIR[] {
  const count = item.repeat ?? 1;
  const layers: RecurrentLayerIR[] = [];
  let inputWidth = width;
  for (let position = 1; position <= count; position++) {
    const last = position === count;
    // Default names count every layer of the cell kind, named or not: the third LSTM is lstm_3.
    const defaultName = nextName(item.type);
    const name = item.name === undefined ? defaultName : count === 1 ? item.name : `${item.name}_${position}`;
    const implied = !last || laterRecurrent || context.headsNeedSequence;
    const returnSequences = last ? (item.sequences ?? implied) : true;
    const layer = lowerRecurrent(item, name, returnSequences, context.steps);
    if (layer.residual && count > 1 && position === 1 && inputWidth !== layer.outputSize) layer.residual = false;
    layers.push(layer);
    inputWidth = layer.outputSize;
  }
  return layers;
}

function lowerRecurrent(item: RecurrentJson, name: string, returnSequences: boolean, steps: number | null): RecurrentLayerIR {
  const cell = item.type;
  const defaults = DEFAULTS.recurrent;
  const norms = lowerCellNorms(item.norm ?? ([] as CellNormJson[]), cell, steps);
  const merge = item.bidirectional === true ? defaults.bidirectionalMerge : item.bidirectional;
  const bidirectional = merge === undefined || merge === false ? null : { merge };
  return {
    type: 'recurrent',
    name,
    cell,
    units: item.units,
    activation: item.activation ?? cellFacts(cell).defaultActivation ?? defaults.activation,
    recurrentActivation: item.recurrent_activation ?? defaults.recurrentActivation,
    returnSequences,
    bidirectional,
    residual: item.residual ?? defaults.residual,
    useBias: item.bias ?? norms.overrides.useBias ?? defaults.useBias,
    forgetBias: forgetBias(item, norms.overrides.forgetBias),
    resetAfter: CELL_FACTS[cell].resetChoice ? (item.reset === undefined ? (norms.overrides.resetAfter ?? defaults.resetAfter) : item.reset === 'after') : false,
    norms: norms.norms,
    preset: norms.preset,
    dropout: cellDropout(item),
    initializers: initializers(item, steps),
    outputSize: bidirectional?.merge === 'concat' ? 2 * item.units : item.units,
  };
}

function forgetBias(item: RecurrentJson, fromPreset: { init: number; constant: number } | undefined): { init: number; constant: number } {
  if (CELL_FACTS[item.type].forgetGate === null) return { init: 0, constant: 0 };
  if (item.forget_bias !== undefined) {
    const { value, mode } = item.forget_bias;
    return mode === 'constant' ? { init: 0, constant: value } : { init: value, constant: 0 };
  }
  return fromPreset ?? { init: DEFAULTS.recurrent.forgetBiasInit, constant: 0 };
}

/** A rate of 0 is the same as no dropout; the checks warn about it. */
const isOff = (setting: { rate: number } | undefined): setting is undefined => setting === undefined || setting.rate === 0;

/** The IR's mask lifetime of a form that takes one, its default (`DROPOUT_FACTS`) where the spec names none. */
function lifetime(mask: MaskJson | undefined, defaultMask: MaskJson): MaskLifetime {
  return (mask ?? defaultMask) === 'per_step' ? 'step' : 'sequence';
}

function cellDropout(item: RecurrentJson): RecurrentDropoutIR {
  const { input, recurrent, candidate, recurrent_weights: weights } = item.dropout ?? {};
  const zoneCell = item.zoneout?.cell ?? 0;
  const zoneHidden = item.zoneout?.hidden ?? 0;
  return {
    input: isOff(input) ? null : { rate: input.rate, mask: lifetime(input.mask, DROPOUT_FACTS.input.defaultMask) },
    recurrent: isOff(recurrent) ? null : { rate: recurrent.rate },
    candidate: isOff(candidate) ? null : { rate: candidate.rate, mask: lifetime(candidate.mask, DROPOUT_FACTS.candidate.defaultMask) },
    zoneout: zoneCell === 0 && zoneHidden === 0 ? null : { cell: zoneCell, hidden: zoneHidden },
    ...(isOff(weights) ? {} : { recurrentWeights: { rate: weights.rate } }),
    ...initialNoise(item),
  };
}

/** A standard deviation of 0 is the same as no noise (the checks warn about it); both 0: the field is absent. */
function initialNoise(item: RecurrentJson): Pick<RecurrentDropoutIR, 'initialNoise'> {
  const hidden = item.initial_noise?.hidden ?? 0;
  const cell = item.initial_noise?.cell ?? 0;
  return hidden === 0 && cell === 0 ? {} : { initialNoise: { hidden, cell } };
}

/** `steps` (T) is kept only for an initializer whose range depends on it; the checks reject a named one without it. */
function initializers(item: RecurrentJson, steps: number | null): InitializersIR {
  const defaults = DEFAULTS.recurrent.initializers;
  const recurrentKernel = (item.initializer?.recurrent ?? defaultRecurrentInitializer(item.type)) as InitializersIR['recurrentKernel'];
  const lowered: InitializersIR = { kernel: (item.initializer?.kernel ?? defaults.kernel) as InitializersIR['kernel'], recurrentKernel, bias: defaults.bias };
  if (RECURRENT_INITIALIZER_FACTS[recurrentKernel].usesSteps && steps !== null) lowered.steps = steps;
  return lowered;
}
