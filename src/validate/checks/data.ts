/**
 * The data source agrees with the model: feature counts and sequence lengths with `input`, the target shape with
 * the single head, and a split that sums to 1.
 */
import { Code } from '../../diagnostics/codes.js';
import { DEFAULTS } from '../../ir/defaults.js';
import { imageShape, MNIST_CLASSES } from '../../ir/image-sources.js';
import { SYNTHETIC_SHAPES } from '../../ir/synthetic-tasks.js';
import type { SyntheticTask } from '../../ir/types.js';
import type { Check, CheckContext } from './context.js';

const SPLIT_TOLERANCE = 1e-6;

export const checkData: Check = (context) => {
  const data = context.spec.data;
  if (data === undefined) return;
  const source = data.source;
  const features = context.spec.input.features;
  const steps = context.ir.input.steps;
  if (context.ir.heads.length !== 1) {
    context.report(Code.DataMismatch, `the data supplies one target per sample, but the model has ${context.ir.heads.length} heads`, '/data', 'header', 'train multi-head models from your own code, or keep one head');
  }
  if (source.type === 'synthetic') {
    const shape = SYNTHETIC_SHAPES[source.task];
    checkSyntheticTask(context, source.task, features, source.steps ?? steps);
    checkTargetHead(context, `the ${source.task} task`, shape.targetUnits, shape.perStep);
    checkLength(context, source.steps, 'steps', steps);
  } else if (source.type === 'csv') {
    if (source.features.length !== features) {
      context.report(Code.DataMismatch, `${plural(source.features.length, 'feature column')}, but input declares ${features} features`, '/data/source/features', 'value', 'list one column per input feature');
    }
    checkTargetHead(context, `${plural(source.targets.length, 'target column')}`, source.targets.length, null);
    checkLength(context, source.window, 'window', steps);
  } else if (source.type === 'mnist') {
    const order = source.order ?? DEFAULTS.data.mnist.order;
    const image = imageShape(source.size ?? DEFAULTS.data.mnist.size, order);
    if (image.features !== features) {
      context.report(Code.DataMismatch, `mnist read one ${order === 'pixels' ? 'pixel' : 'row'} per step has ${plural(image.features, 'feature')}, but input declares ${features}`, '/data/source', 'header', `set \`features ${image.features}\` in input`);
    }
    if (steps !== null && steps !== image.steps) {
      context.report(Code.DataMismatch, `mnist images give ${image.steps} steps per sequence, but input declares ${steps}`, '/data/source', 'header', `set \`steps ${image.steps}\` in input`);
    }
    checkTargetHead(context, 'mnist (10 classes)', MNIST_CLASSES, false);
  } else if (source.type === 'text') {
    // Next-character prediction: one-hot characters in, a distribution over the same characters at every step out.
    checkTargetHead(context, 'a text corpus', features, true);
    checkLength(context, source.window, 'window', steps);
    if (source.seed !== undefined && source.format !== 'fortune') {
      context.report(Code.NoEffect, "'seed' has no effect on plain text, which is split in order", '/data/source/seed', 'key', 'only `format fortune` shuffles its records before the split');
    }
  }
  if (data.split !== undefined) {
    const { train, validation, test } = data.split;
    const sum = train + validation + test;
    if (Math.abs(sum - 1) > SPLIT_TOLERANCE) {
      context.report(Code.SplitSum, `the split fractions sum to ${Number(sum.toFixed(6))}`, '/data/split', 'header', 'make TRAIN + VALIDATION + TEST equal 1');
    }
  }
};

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function checkSyntheticTask(context: CheckContext, task: SyntheticTask, features: number, steps: number | null): void {
  const shape = SYNTHETIC_SHAPES[task];
  if (shape.features !== features) {
    context.report(Code.DataMismatch, `the ${task} task has ${plural(shape.features, 'feature')} per step, but input declares ${features}`, '/data/source/task', 'value', `set \`features ${shape.features}\` in input`);
  }
  if (steps !== null && steps < shape.minSteps) {
    context.report(Code.DataMismatch, `the ${task} task needs at least ${shape.minSteps} steps per sequence`, '/data/source/task', 'value', 'use longer sequences');
  }
}

/**
 * The single head must have the shape of the data's targets: `units` wide, and reading every step when the
 * targets are per step (`perStep` null: either).
 */
function checkTargetHead(context: CheckContext, what: string, units: number, perStep: boolean | null): void {
  const [head, ...others] = context.ir.heads;
  if (head === undefined || others.length > 0) return;
  const headPerStep = head.at === 'each_step';
  if (head.units === units && (perStep === null || perStep === headPerStep)) return;
  const where = perStep === null ? '' : perStep ? ' at each_step' : ' per sequence (last_step, mean or max)';
  context.report(
    Code.DataMismatch,
    `${what} needs a head of ${plural(units, 'unit')}${where}`,
    '/heads/0',
    'header',
    `head '${head.name}' has ${plural(head.units, 'unit')} ${headPerStep ? 'at each_step' : 'per sequence'}`,
  );
}

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
