/**
 * "What `check` accepts must train": every generated valid spec passes `checkSpec` (otherwise the generator is
 * wrong, and the spec is shown), and its model compiles and takes one training step with a finite loss.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/compile/index.js';
import { checkSpec } from '../../src/validate/index.js';
import { seeded } from '../codegen/random-ir.js';
import { generateSpec, type GeneratedHead, type GeneratedSpec } from './spec-generator.js';

const SPECS = 40;
const BATCH = 2;

/** Targets shaped and valued for the head's loss: class indices, one-hot rows, probabilities or any numbers. */
function target(head: GeneratedHead, steps: number, random: () => number): tf.Tensor {
  const rows = head.eachStep ? BATCH * steps : BATCH;
  const shape = head.eachStep ? [BATCH, steps] : [BATCH];
  const classes = Array.from({ length: rows }, () => Math.floor(random() * head.units));
  switch (head.loss) {
    case 'sparse_categorical_crossentropy':
      return tf.tensor(classes, [...shape, 1]);
    case 'categorical_crossentropy':
      return tf.oneHot(tf.tensor1d(classes, 'int32'), head.units).reshape([...shape, head.units]).toFloat();
    case 'binary_crossentropy':
      return tf.tensor(Array.from({ length: rows * head.units }, () => Math.round(random())), [...shape, head.units]);
    default:
      return tf.tensor(Array.from({ length: rows * head.units }, () => random() * 2 - 1), [...shape, head.units]);
  }
}

async function trainOneStep(spec: GeneratedSpec): Promise<number> {
  const { diagnostics, ir } = checkSpec(spec.text, `generated-${spec.seed}.seqnet`);
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (ir === null) {
    const listed = errors.map((d) => `${d.span?.startLine}:${d.span?.startColumn} ${d.code} ${d.message}`).join('\n');
    throw new Error(`the generator made a spec that check rejects (seed ${spec.seed}):\n${listed}\n\n${spec.text}`);
  }
  const random = seeded(spec.seed);
  const model = compileModel(ir);
  const x = tf.tensor(Array.from({ length: BATCH * spec.steps * spec.features }, () => random() * 2 - 1), [BATCH, spec.steps, spec.features]);
  const ys = spec.heads.map((head) => target(head, spec.steps, random));
  try {
    const result = await model.trainOnBatch(x, ys.length === 1 ? ys[0] : ys);
    return Array.isArray(result) ? result[0] : result;
  } finally {
    tf.dispose([x, ...ys]);
    model.dispose();
  }
}

describe('check is the contract', () => {
  it('generates distinct specs that use the tricky parts of the language', () => {
    const texts = Array.from({ length: SPECS }, (_, index) => generateSpec(index + 1).text);
    expect(new Set(texts).size).toBe(SPECS);
    const all = texts.join('\n');
    for (const feature of ['bidirectional', ' x 2', 'norm ba2016', 'norm batch at', 'residual', 'dropout recurrent', 'zoneout', 'at each_step', 'at mean', 'sparse_categorical_crossentropy', 'steps variable', 'name input']) {
      expect(all, feature).toContain(feature);
    }
  });

  for (let index = 0; index < SPECS; index++) {
    const spec = generateSpec(index + 1);
    it(`seed ${spec.seed}: accepted, compiled, one finite training step`, async () => {
      const loss = await trainOneStep(spec);
      expect(Number.isFinite(loss), `loss ${loss} for:\n${spec.text}`).toBe(true);
    });
  }
});
