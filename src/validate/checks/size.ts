/**
 * The whole model's size: every field has its own bound (limits.ts), but ten layers of 60 000 units pass those
 * and still cannot be allocated. The error points at the layer or head where the running total crosses a limit.
 */
import { CompileError } from '../../compile/errors.js';
import { Code } from '../../diagnostics/codes.js';
import { summarizeModel } from '../../explain/summary.js';
import { LIMITS } from '../limits.js';
import type { LayerIR } from '../../ir/types.js';
import type { Check, CheckContext } from './context.js';

export const checkModelSize: Check = (context) => {
  if (!checkLayerCount(context)) return;
  let rows;
  try {
    rows = summarizeModel(context.ir).rows;
  } catch (error) {
    // A model that cannot be planned has already been reported by the shape checks.
    if (error instanceof CompileError) return;
    throw error;
  }
  const pointers = namePointers(context);
  let total = 0;
  for (const row of rows) {
    total += row.trainable + row.nonTrainable;
    if (total <= LIMITS.parameters) continue;
    const pointer = pointers.get(row.name) ?? '';
    const message = `'${row.name}' brings the model to ${words(total)} parameters, over the limit of ${words(LIMITS.parameters)}`;
    context.report(Code.ModelTooLarge, message, pointer, 'header', 'use fewer units or layers');
    return;
  }
};

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
  const gates = { lstm: 4, gru: 3, rnn: 1 }[layer.cell];
  return Math.max(layer.outputSize, gates * layer.units);
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

function namePointers(context: CheckContext): Map<string, string> {
  const pointers = new Map<string, string>();
  context.ir.layers.forEach((layer, index) => pointers.set(layer.name, context.origins.layers[index]));
  context.ir.heads.forEach((head, index) => pointers.set(head.name, context.origins.heads[index]));
  return pointers;
}

/** 50000000 → "50 000 000": readable, and the same in every locale. */
function words(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
