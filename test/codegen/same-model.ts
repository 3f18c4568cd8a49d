/** Compares two tfjs models built from one spec: topology, weight names and shapes, weights, predictions. */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/** The models' topology as JSON, without the tfjs/Keras version fields. */
function topology(model: tf.LayersModel): unknown {
  const json = model.toJSON(null, false) as { [key: string]: unknown };
  return json.config;
}

function weightSignature(model: tf.LayersModel): string[] {
  return model.weights.map((weight) => `${weight.originalName} [${weight.shape.join(', ')}]`);
}

/** A deterministic input batch; with padding, the second example's last two steps are padding. */
export function sampleInput(shape: readonly (number | null)[], padding: number | null): tf.Tensor {
  const steps = shape[0] ?? 7;
  const features = shape[1] as number;
  const values = tf.randomUniform([2, steps, features], -1, 1, 'float32', 99);
  if (padding === null || steps < 3) return values;
  const keep = tf.concat([tf.ones([1, steps, 1]), tf.concat([tf.ones([1, steps - 2, 1]), tf.zeros([1, 2, 1])], 1)], 0);
  return tf.add(tf.mul(values, keep), tf.mul(tf.sub(1, keep), padding));
}

export function expectSameModel(actual: tf.LayersModel, expected: tf.LayersModel, input: tf.Tensor): void {
  expect(topology(actual)).toEqual(topology(expected));
  expect(weightSignature(actual)).toEqual(weightSignature(expected));
  const [a, b] = [actual.getWeights(), expected.getWeights()];
  a.forEach((weight, index) => expect(Array.from(weight.dataSync())).toEqual(Array.from(b[index].dataSync())));
  const outputs = (model: tf.LayersModel) => [model.predict(input)].flat() as tf.Tensor[];
  const [left, right] = [outputs(actual), outputs(expected)];
  expect(left.length).toBe(right.length);
  left.forEach((output, index) => expect(Array.from(output.dataSync())).toEqual(Array.from(right[index].dataSync())));
}
