/**
 * The whole model's size: every field has its own bound (limits.ts), but ten layers of 60 000 units pass those
 * and still cannot be allocated. The error points at the layer or head where the running total crosses a limit.
 */
import { CompileError } from '../../compile/errors.js';
import { Code } from '../../diagnostics/codes.js';
import { summarizeModel } from '../../explain/summary.js';
import { LIMITS } from '../limits.js';
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
