/**
 * The whole model's size: every field has its own bound (limits.ts), but ten layers of 60 000 units pass those
 * and still cannot be allocated. The error points at the layer or head where the running total crosses a limit.
 */
import { Code } from '../../diagnostics/codes.js';
import { LIMITS } from '../limits.js';
import type { LayerIR, ModelIR, RecurrentLayerIR } from '../../ir/types.js';
import type { Check, CheckContext } from './context.js';
import { NORM_FACTS, projectionWeightCount, siteWidth } from '../../variants/index.js';

export const checkModelSize: Check = (context) => {
  if (!checkLayerCount(context)) return;
  const counts = parameterCounts(context.ir);
  const named = [...context.ir.layers, ...context.ir.heads];
  const pointers = [...context.origins.layers, ...context.origins.heads];
  let total = 0;
  for (const [index, parameters] of counts.entries()) {
    const { name } = named[index];
    const pointer = pointers[index];
    total += parameters;
    if (total <= LIMITS.parameters) continue;
    const message = `'${name}' brings the model to ${words(total)} parameters, over the limit of ${words(LIMITS.parameters)}`;
    context.report(Code.ModelTooLarge, message, pointer, 'header', 'use fewer units or layers');
    return;
  }
};

/**
 * Parameters (trainable and not) of each body layer, then of each head, counted from the IR as `seqnet summary`
 * counts them from the build plan (test/contract/limits.test.ts holds the two equal): the validator runs
 * before, and may not import, the compiler.
 */
export function parameterCounts(ir: ModelIR): number[] {
  let width = ir.input.features;
  const layers = ir.layers.map((layer) => {
    const parameters = layer.type === 'recurrent' ? recurrentParameters(layer, width) : betweenParameters(layer, width);
    width = layer.outputSize;
    return parameters;
  });
  // Each head is a dense layer on the body's output (its reader, if any, keeps the width).
  return [...layers, ...ir.heads.map((head) => (width + 1) * head.units)];
}

function recurrentParameters(layer: RecurrentLayerIR, inputWidth: number): number {
  const gateUnits = siteWidth(layer.cell, 'gates', layer.units);
  let perDirection = projectionWeightCount(layer.cell, inputWidth, layer.units) + (layer.useBias ? gateUnits : 0);
  for (const norm of layer.norms) {
    const width = siteWidth(layer.cell, norm.site, layer.units);
    perDirection += norm.center ? 2 * width : width;
    if (norm.batch !== null) perDirection += 2 * (norm.batch.statistics === 'per_step' ? (norm.batch.maxSteps ?? 1) : 1) * width;
  }
  return (layer.bidirectional === null ? 1 : 2) * perDirection;
}

function betweenParameters(layer: Exclude<LayerIR, RecurrentLayerIR>, inputWidth: number): number {
  switch (layer.type) {
    case 'dense':
      return (inputWidth + 1) * layer.units;
    case 'normalization':
      return (layer.center ? 2 : 1) * layer.outputSize + (NORM_FACTS[layer.kind].batchStatistics ? 2 * layer.outputSize : 0);
    case 'dropout':
      return 0;
  }
}

/**
 * One batch of one layer's output must fit as well: batch size × steps × the widest output (a recurrent layer's
 * gate pre-activations included). Variable steps are bounded by the data, not known here.
 */
export const checkBatchSize: Check = (context) => {
  const steps = context.ir.input.steps;
  if (steps === null) return;
  let widest = context.ir.input.features;
  for (const layer of context.ir.layers) widest = Math.max(widest, layerWidth(layer));
  for (const head of context.ir.heads) widest = Math.max(widest, head.units);
  const values = context.ir.train.batchSize * steps * widest;
  if (values <= LIMITS.batchValues) return;
  const message = `a batch of ${context.ir.train.batchSize} sequences of ${steps} steps through a layer ${widest} wide holds ${words(values)} numbers, over the limit of ${words(LIMITS.batchValues)}`;
  context.report(Code.ModelTooLarge, message, context.spec.train?.batch_size === undefined ? '/input/steps' : '/train/batch_size', 'value', 'use smaller batches, shorter sequences or narrower layers');
};

/** Synthetic data is generated whole, in memory. */
export const checkDataSize: Check = (context) => {
  const source = context.ir.data?.source;
  if (source?.type !== 'synthetic') return;
  const values = source.samples * source.steps * context.ir.input.features;
  if (values <= LIMITS.dataValues) return;
  const message = `${words(source.samples)} samples of ${source.steps} steps × ${context.ir.input.features} features are ${words(values)} numbers, over the limit of ${words(LIMITS.dataValues)}`;
  context.report(Code.ModelTooLarge, message, '/data/source', 'header', 'use fewer samples or shorter sequences');
};

function layerWidth(layer: LayerIR): number {
  if (layer.type !== 'recurrent') return layer.outputSize;
  return Math.max(layer.outputSize, siteWidth(layer.cell, 'gates', layer.units));
}

/** Reports the item where the expanded layer count crosses the limit; returns whether the count is within it. */
function checkLayerCount(context: CheckContext): boolean {
  const count = context.ir.layers.length + context.ir.heads.length;
  if (count <= LIMITS.layers) return true;
  const pointer = [...context.origins.layers, ...context.origins.heads][LIMITS.layers];
  const message = `the model has ${count} layers and heads (with \`x N\` stacks expanded), over the limit of ${LIMITS.layers}`;
  context.report(Code.ModelTooLarge, message, pointer, 'header', 'use fewer layers or shorter stacks');
  return false;
}

/** 50000000 → "50 000 000": readable, and the same in every locale. */
function words(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
