/** The data source agrees with `input`: feature counts, sequence lengths, and a split that sums to 1. */
import { Code } from '../../diagnostics/codes.js';
import type { SyntheticTask } from '../../ir/types.js';
import type { Check, CheckContext } from './context.js';

/** Features per step of each synthetic task (see docs/language.md, `data`). */
export const SYNTHETIC_FEATURES: Record<SyntheticTask, number> = { sine_cosine: 1, adding: 2, copy: 10 };

const SPLIT_TOLERANCE = 1e-6;

export const checkData: Check = (context) => {
  const data = context.spec.data;
  if (data === undefined) return;
  const source = data.source;
  const features = context.spec.input.features;
  const steps = context.ir.input.steps;
  if (source.type === 'synthetic') {
    const expected = SYNTHETIC_FEATURES[source.task];
    if (expected !== features) {
      context.report(Code.DataMismatch, `the ${source.task} task has ${expected} feature${expected === 1 ? '' : 's'} per step, but input declares ${features}`, '/data/source/task', 'value', `set \`features ${expected}\` in input`);
    }
    checkLength(context, source.steps, 'steps', steps);
  } else if (source.type === 'csv') {
    if (source.features.length !== features) {
      context.report(Code.DataMismatch, `${source.features.length} feature column${source.features.length === 1 ? '' : 's'}, but input declares ${features} features`, '/data/source/features', 'value', 'list one column per input feature');
    }
    checkLength(context, source.window, 'window', steps);
  } else if (source.type === 'text') {
    checkLength(context, source.window, 'window', steps);
  }
  if (data.split !== undefined) {
    const { train, validation, test } = data.split;
    const sum = train + validation + test;
    if (Math.abs(sum - 1) > SPLIT_TOLERANCE) {
      context.report(Code.SplitSum, `the split fractions sum to ${Number(sum.toFixed(6))}`, '/data/split', 'header', 'make TRAIN + VALIDATION + TEST equal 1');
    }
  }
};

/** A window or steps field must equal fixed input steps, and must be present when steps are variable. */
function checkLength(context: CheckContext, length: number | undefined, field: string, steps: number | null): void {
  if (length === undefined) {
    if (steps === null) context.report(Code.DataStepsRequired, `with variable steps the data source needs '${field}'`, '/data/source', 'header', `add \`${field} N\` to the source block`);
    return;
  }
  if (steps !== null && length !== steps) {
    context.report(Code.DataMismatch, `the data has ${length} steps per sequence, but input declares ${steps}`, `/data/source/${field}`, 'value', `remove '${field}' (it defaults to input steps) or make them equal`);
  }
}
