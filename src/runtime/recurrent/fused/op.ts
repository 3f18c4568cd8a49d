/**
 * Wraps a fused cell loop as one differentiable tfjs op (`tf.customGrad`): inputs the time-major input term
 * `P` `[steps·batch, G·u]`, the recurrent kernel and the initial states; output the packed
 * `[outputs; final states]`, which the caller cuts apart.
 */
import * as tf from '@tensorflow/tfjs';
import type { FusedArgs, FusedCell, GateActivation } from './types.js';

export interface FusedCall {
  cell: FusedCell;
  steps: number;
  batch: number;
  units: number;
  mask: tf.Tensor | null;
  keepOutputs: boolean;
  gateActivation: GateActivation;
  forgetConstant: number;
  resetAfter: boolean;
}

/** Runs the fused op; returns the per-step outputs `[steps·batch, u]` (or null) and the final states. */
export function runFused(call: FusedCall, input: tf.Tensor, recurrentKernel: tf.Tensor, initial: tf.Tensor[]): { outputs: tf.Tensor | null; states: tf.Tensor[] } {
  const { steps, batch, units } = call;
  const mask = call.mask === null ? null : (call.mask.dataSync() as Float32Array);
  const op = tf.customGrad((...args) => {
    const [inputTensor, kernel, ...states] = args.slice(0, 2 + call.cell.stateCount) as tf.Tensor[];
    const save = args[2 + call.cell.stateCount] as tf.GradSaveFunc;
    // The kernel is needed again in the backward pass, after the forward's tensors are gone.
    save([kernel]);
    const fusedArgs: FusedArgs = {
      steps,
      batch,
      units,
      input: inputTensor.dataSync() as Float32Array,
      recurrentKernel: kernel,
      initial: states.map((state) => state.dataSync() as Float32Array),
      mask,
      keepOutputs: call.keepOutputs,
      gateActivation: call.gateActivation,
      forgetConstant: call.forgetConstant,
      resetAfter: call.resetAfter,
    };
    const run = call.cell.run(fusedArgs);
    return {
      value: tf.tensor2d(run.packed, [run.packed.length / units, units]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        fusedArgs.recurrentKernel = saved[0];
        const gradients = run.backward(dy.dataSync() as Float32Array);
        return [
          tf.tensor2d(gradients.input, inputTensor.shape as [number, number]),
          tf.tensor2d(gradients.recurrentKernel, kernel.shape as [number, number]),
          ...gradients.initial.map((gradient) => tf.tensor2d(gradient, [batch, units])),
        ];
      },
    };
  });
  const packed = op(input, recurrentKernel, ...initial);
  const outputRows = call.keepOutputs ? steps * batch : 0;
  const sizes = [...(call.keepOutputs ? [outputRows] : []), ...initial.map(() => batch)];
  const pieces = sizes.length === 1 ? [packed] : tf.split(packed, sizes, 0);
  return { outputs: call.keepOutputs ? pieces[0] : null, states: call.keepOutputs ? pieces.slice(1) : pieces };
}
