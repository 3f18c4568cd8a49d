/**
 * Tensor operations that avoid two slow paths of the wasm backend: matmuls with a transposed operand (the
 * gradients tfjs derives for `matMul` use them; they run about 10× slower than plain ones) and slicing pieces
 * off a large tensor (each slice reads back the whole input, so cutting T steps one by one costs O(T²)).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * `a·b` whose gradient uses only non-transposed matmuls: `da = dy·bᵀ`, `db = aᵀ·dy`, with the transposes
 * made explicitly. `bTransposed`, when given, is `bᵀ` computed once by the caller (a recurrent kernel
 * reused at every step), saved for the backward pass.
 */
export function matMulPlain(a: tf.Tensor, b: tf.Tensor, bTransposed?: tf.Tensor): tf.Tensor {
  const product = tf.customGrad((x, y, save) => {
    (save as tf.GradSaveFunc)([x as tf.Tensor, bTransposed ?? (y as tf.Tensor)]);
    return {
      value: tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, [savedX, savedY]: tf.Tensor[]) => [
        tf.matMul(dy, bTransposed === undefined ? tf.transpose(savedY) : savedY),
        tf.matMul(tf.transpose(savedX), dy),
      ],
    };
  });
  return product(a, b);
}

/**
 * `rows` (time-major, `[steps·batch, width]`) as one `[batch, width]` piece per step, cut by repeated
 * three-way splits: each level copies the data about three times, so the whole costs O(N·log T) rather
 * than the O(N·T) of one `tf.split` into T pieces. Differentiable (split's gradient is a concat).
 */
export function splitSteps(rows: tf.Tensor, steps: number): tf.Tensor[] {
  if (steps === 1) return [rows];
  const rowsPerStep = rows.shape[0] / steps;
  const parts = Math.min(3, steps);
  const stepCounts: number[] = [];
  let remaining = steps;
  for (let part = 0; part < parts; part += 1) {
    const count = Math.ceil(remaining / (parts - part));
    stepCounts.push(count);
    remaining -= count;
  }
  const chunks = tf.split(rows, stepCounts.map((count) => count * rowsPerStep), 0);
  return chunks.flatMap((chunk, index) => splitSteps(chunk, stepCounts[index]));
}
