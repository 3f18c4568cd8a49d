/** The explanation as data: one section per layer and head, each with its settings in words and its equations. */
import type { DenseLayerIR, DropoutLayerIR, HeadIR, MaskLifetime, ModelIR, NormalizationLayerIR, RecurrentLayerIR } from '../ir/types.js';
import { recurrentEquations } from './equations.js';
import { activationSymbol, batchWords, describeNorm, num } from './notation.js';
import { CELL_FACTS, DROPOUT_FACTS, DROPOUT_FORMS, dropoutFacts as dropoutFormFacts, hasGates, isUniformInitializer, NORM_FACTS, recurrentWeightShape, siteWidth, uniformRange } from '../variants/index.js';
import type { DropoutExplainFacts } from '../variants/index.js';

export interface Section {
  title: string;
  facts: string[];
  equations: string[];
}

function hasState(layer: RecurrentLayerIR, state: 'h' | 'c'): boolean {
  return (CELL_FACTS[layer.cell].states as readonly string[]).includes(state);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function lifetime(mask: MaskLifetime): string {
  return mask === 'sequence' ? 'one mask per sequence, reused at every step' : 'a new mask at every step';
}

function forgetBiasFacts(layer: RecurrentLayerIR): string[] {
  if (CELL_FACTS[layer.cell].forgetGate === null) return [];
  const facts: string[] = [];
  if (layer.useBias) facts.push(`forget slice b_f of the bias starts at ${num(layer.forgetBias.init)}`);
  if (layer.forgetBias.constant !== 0) facts.push(`constant forget bias: ${num(layer.forgetBias.constant)} is added to the forget pre-activation at every step`);
  return facts;
}

/** Uniform ranges printed to 6 significant digits: 2^(1/784) is 1.00088, not twelve digits of it. */
const short = (value: number) => num(Number(value.toPrecision(6)));

/**
 * How a recurrent *vector* starts (a matrix's initializer names say it all): its name means a range that may
 * depend on T, so the range is printed.
 */
function recurrentVectorInitFacts(layer: RecurrentLayerIR): string[] {
  if (CELL_FACTS[layer.cell].recurrentWeight !== 'vector') return [];
  const { recurrentKernel: name, steps } = layer.initializers;
  if (name === 'identity') return ['U starts at 1 (identity: each unit carries its state over unchanged)'];
  if (!isUniformInitializer(name)) return [`U starts from tfjs's ${name}`];
  const [low, high] = uniformRange(name, steps ?? null).map(short);
  const source: Record<typeof name, string> = {
    indrnn: steps === undefined ? 'indrnn: [0, 2^(1/T)] at its T → ∞ limit, steps being variable' : `indrnn: [0, 2^(1/T)], T = ${steps}; Li et al. 2018`,
    indrnn_long:
      steps === undefined ? 'indrnn_long: [2^(−1/T), 2^(1/T)] at its T → ∞ limit' : `indrnn_long: [2^(−1/T), 2^(1/T)], T = ${steps}; Li et al. 2018's last layer`,
    haste: "haste: haste's IndRNN default",
  };
  return [`U starts uniform in [${low}, ${high}] (${source[name]})`];
}

/** The dropout forms the layer uses, with their settings, in `DROPOUT_FORMS` order. */
function dropoutsOn(layer: RecurrentLayerIR): { facts: DropoutExplainFacts; rate: number; mask: MaskLifetime | null }[] {
  return DROPOUT_FORMS.flatMap((form) => {
    // `?? null`: a form that is absent when off has no field at all.
    const setting: { rate: number; mask?: MaskLifetime } | null = layer.dropout[DROPOUT_FACTS[form].field] ?? null;
    if (setting === null) return [];
    return [{ facts: dropoutFormFacts(form).explain, rate: setting.rate, mask: setting.mask ?? null }];
  });
}

/** Lines computed once per call before the first step (a form's `perCall` equation). */
function perCallDropoutLines(layer: RecurrentLayerIR): string[] {
  return dropoutsOn(layer).flatMap(({ facts, rate }) => (facts.perCall === undefined ? [] : [facts.perCall(num(1 - rate))]));
}

function dropoutFacts(layer: RecurrentLayerIR): string[] {
  const zoneout = layer.dropout.zoneout;
  const facts = dropoutsOn(layer).map(({ facts: form, rate, mask }) => {
    const draws = `${form.symbol} ~ Bernoulli(${num(1 - rate)})${form.scope}`;
    const when = mask === null ? form.lifetime : lifetime(mask);
    return `${form.title}: ${[draws, when].filter((part) => part !== undefined).join(', ')}; ${form.atInference}`;
  });
  if (zoneout !== null) {
    const parts = hasState(layer, 'c') ? [`c with probability z_c = ${num(zoneout.cell)}`] : [];
    parts.push(`h with probability z_h = ${num(zoneout.hidden)}`);
    facts.push(
      `zoneout: each unit keeps its previous value (${parts.join(', ')}); d ~ Bernoulli(z) drawn anew every step; at inference the expectation z·previous + (1 − z)·new`,
    );
  }
  return [...facts, ...initialNoiseFacts(layer)];
}

/** The initial state's noise (training only), one σ per state it is on. */
function noisyStates(layer: RecurrentLayerIR): { state: 'h' | 'c'; std: number }[] {
  const noise = layer.dropout.initialNoise;
  if (noise === undefined) return [];
  return CELL_FACTS[layer.cell].states.map((state) => ({ state, std: state === 'c' ? noise.cell : noise.hidden })).filter(({ std }) => std > 0);
}

function initialNoiseFacts(layer: RecurrentLayerIR): string[] {
  const states = noisyStates(layer);
  if (states.length === 0) return [];
  const parts = states.map(({ state, std }) => `${state}_0 ~ N(0, ${num(std)}²)`);
  return [
    `initial-state noise (Cooijmans et al. 2016): in training ${parts.join(', ')}, drawn per example and unit, anew for every batch and each direction; at inference the initial state is 0`,
  ];
}

/** `h_0 = ε_h` (and `c_0 = ε_c`): the first lines of the equations in training. */
function initialNoiseLines(layer: RecurrentLayerIR): string[] {
  return noisyStates(layer).map(({ state, std }) => `${state}_0 = ε_${state},  ε_${state} ~ N(0, ${num(std)}²)    (training; ${state}_0 = 0 at inference)`);
}

function recurrentSection(layer: RecurrentLayerIR, inputWidth: number, masked: boolean): Section {
  const gateUnits = siteWidth(layer.cell, 'gates', layer.units);
  const facts = [
    layer.preset === null ? 'no normalization preset' : `preset ${layer.preset}, expanded to the settings below`,
    `input width ${inputWidth}; W is [${inputWidth}, ${gateUnits}], U is [${recurrentWeightShape(layer.cell, layer.units).join(', ')}]`,
    ...recurrentVectorInitFacts(layer),
    `activation ${layer.activation}${!hasGates(layer.cell) ? '' : `, gate activation ${layer.recurrentActivation}`}`,
    layer.useBias ? `bias b of ${gateUnits} values` : 'no bias',
    ...forgetBiasFacts(layer),
  ];
  if (CELL_FACTS[layer.cell].resetChoice) facts.push(layer.resetAfter ? 'reset gate applied after the recurrent product (cuDNN, Ba et al.)' : 'reset gate applied before the recurrent product (tfjs, Keras reset_after=False)');
  facts.push(...(layer.norms.length === 0 ? ['no normalization inside the cell'] : layer.norms.map((norm) => describeNorm(layer, norm))));
  facts.push(...dropoutFacts(layer));
  if (layer.bidirectional !== null) {
    facts.push(`bidirectional: a second copy with its own weights reads the sequence backwards; outputs merged by ${layer.bidirectional.merge} (width ${layer.outputSize})`);
  }
  if (masked) facts.push('padded (masked) steps leave the state unchanged');
  facts.push(layer.returnSequences ? 'returns h_t at every step' : 'returns only the last step’s h_t');
  if (layer.residual) facts.push('residual: the layer’s input is added to its output');
  const title = `${layer.name}: ${layer.cell.toUpperCase()}, ${layer.units} units`;
  return { title, facts, equations: [...initialNoiseLines(layer), ...perCallDropoutLines(layer), ...recurrentEquations(layer)] };
}

function normalizationSection(layer: NormalizationLayerIR): Section {
  const facts = NORM_FACTS[layer.kind];
  const beta = layer.center ? `β init ${num(layer.betaInit)}` : 'no β';
  // Between layers batch statistics are shared over all steps; `momentum` is null for the other kinds.
  const batch = batchWords('shared', null, layer.momentum ?? 0.99);
  const statistics = facts.statistics({ place: 'between_layers', batch });
  const equation = `y_t = ${facts.formula('h_t')}${layer.center ? ' + β' : ''}`;
  return { title: `${layer.name}: ${facts.title} between layers`, facts: [`ε = ${num(layer.epsilon)}, γ init ${num(layer.gammaInit)}, ${beta}`, statistics], equations: [equation] };
}

function dropoutSection(layer: DropoutLayerIR): Section {
  const facts = [
    `rate ${num(layer.rate)}: m ~ Bernoulli(${num(1 - layer.rate)}), ${layer.mask === 'sequence' ? 'one mask per sequence and feature, shared by every step' : 'independent for every element and step'}`,
    'a fresh mask for every training batch; identity at inference',
  ];
  return { title: `${layer.name}: dropout between layers`, facts, equations: [`y_t = h_t ⊙ m / ${num(1 - layer.rate)}`] };
}

function denseSection(layer: DenseLayerIR, inputWidth: number, sequence: boolean): Section {
  const facts = [`W is [${inputWidth}, ${layer.units}], activation ${layer.activation}, ${sequence ? 'applied at every step with the same weights' : 'applied once'}`];
  return { title: `${layer.name}: dense`, facts, equations: [`y${sequence ? '_t' : ''} = ${activationSymbol(layer.activation)}(W·h${sequence ? '_t' : ''} + b)`] };
}

const HEAD_READS: Record<HeadIR['at'], [string, string]> = {
  each_step: ['every step', 'y_t = {act}(W·h_t + b)'],
  last_step: ['the last valid step T (the last unmasked step when padded)', 'y = {act}(W·h_T + b)'],
  mean: ['the mean over the valid steps', 'y = {act}(W·(1/|V|)·Σ_{t∈V} h_t + b)'],
  max: ['the element-wise max over the valid steps', 'y = {act}(W·max_{t∈V} h_t + b)'],
};

function headSection(head: HeadIR): Section {
  const [reads, equation] = HEAD_READS[head.at];
  const facts = [
    `reads ${reads}; ${plural(head.units, 'unit')}, activation ${head.activation}`,
    `loss ${head.loss}${head.lossWeight === 1 ? '' : ` × ${num(head.lossWeight)}`}${head.metrics.length > 0 ? `; metrics ${head.metrics.join(', ')}` : ''}`,
  ];
  return { title: `head ${head.name}`, facts, equations: [equation.replace('{act}', activationSymbol(head.activation))] };
}

/** One section per body layer and head, in order. */
export function modelSections(ir: ModelIR): Section[] {
  const sections: Section[] = [];
  let width = ir.input.features;
  let sequence = true;
  for (const layer of ir.layers) {
    if (layer.type === 'recurrent') sections.push(recurrentSection(layer, width, ir.input.padding !== null));
    if (layer.type === 'normalization') sections.push(normalizationSection(layer));
    if (layer.type === 'dropout') sections.push(dropoutSection(layer));
    if (layer.type === 'dense') sections.push(denseSection(layer, width, sequence));
    if (layer.type === 'recurrent') sequence = layer.returnSequences;
    width = layer.outputSize;
  }
  return [...sections, ...ir.heads.map(headSection)];
}
