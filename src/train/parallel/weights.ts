/**
 * Where each weight lives in the shared float32 buffers: every weight of the model in `model.weights` order
 * (the broadcast), or the trainable ones in `model.trainableWeights` order (one gradient slot per worker).
 * The training thread and the workers build the same model from the same IR, so both compute the same layout.
 */
import * as tf from '@tensorflow/tfjs';

export type ModelWeight = tf.LayersModel['weights'][number];

export interface WeightLayout {
  shapes: number[][];
  offsets: number[];
  sizes: number[];
  /** Floats in all. */
  length: number;
}

export function weightLayout(weights: readonly ModelWeight[]): WeightLayout {
  const shapes = weights.map((weight) => weight.shape.map((extent) => extent as number));
  const sizes = shapes.map((shape) => shape.reduce((product, extent) => product * extent, 1));
  const offsets: number[] = [];
  let length = 0;
  for (const size of sizes) {
    offsets.push(length);
    length += size;
  }
  return { shapes, offsets, sizes, length };
}

/** Copies the weights' current values into `view` (laid out by `layout`). */
export function writeWeights(weights: readonly ModelWeight[], layout: WeightLayout, view: Float32Array): void {
  weights.forEach((weight, i) => view.set(weight.read().dataSync() as Float32Array, layout.offsets[i]));
}

/** Sets the weights from `view` (laid out by `layout`). */
export function readWeights(weights: readonly ModelWeight[], layout: WeightLayout, view: Float32Array): void {
  weights.forEach((weight, i) => setWeight(weight, view.slice(layout.offsets[i], layout.offsets[i] + layout.sizes[i]), layout.shapes[i]));
}

/** Assigns `values` to one weight (the variable takes the new tensor's data, so it can be disposed here). */
export function setWeight(weight: ModelWeight, values: Float32Array, shape: number[]): void {
  const tensor = tf.tensor(values, shape);
  weight.write(tensor);
  tensor.dispose();
}
