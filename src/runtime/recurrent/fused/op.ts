/**
 * Wraps a fused cell loop as one differentiable tfjs op (`tf.customGrad`): inputs the time-major input term
 * `P` `[steps·batch, G·u]`, the recurrent kernel and the initial states; output the packed
 * `[outputs; final states]`, which the caller cuts apart.
 */
import * as tf from '@tensorflow/tfjs';
import { heapTrainingRun } from '../heap/training.js';
import type { HeapTrainingCell } from '../heap/training.js';
import type { StepStatistics } from './norm-kernel.js';
import type { NormSite } from '../../../ir/types.js';
import type { FusedArgs, FusedCell, GateActivation, SiteSetup } from './types.js';

export interface FusedCall {
  cell: FusedCell;
  /** The heap loop the cell's descriptor declares for `cell` (`FusedPlan.heapTraining`), or null. */
  heapTraining: HeapTrainingCell | null;
  steps: number;
  batch: number;
  units: number;
  mask: tf.Tensor | null;
  keepOutputs: boolean;
  /** Training: keep what the backward pass needs. */
  record: boolean;
  gateActivation: GateActivation;
  forgetConstant: number;
  resetAfter: boolean;
  /** `[batch, units]` variational recurrent dropout mask, or null. */
  recurrentMask: tf.Tensor | null;
  /** Candidate dropout and zoneout as drawn for the call (`CallDropout.drawn`). */
  stepMasks: { candidate: tf.Tensor | null; zoneoutCell: tf.Tensor | number | null; zoneoutHidden: tf.Tensor | number | null };
  /** Norm sites inside the loop, and the op's extra parameters (see `FusedArgs.params`). */
  sites: SiteSetup[];
  params: tf.Tensor[];
}

export interface FusedResult {
  /** `[steps·batch, u]` time-major, or null. */
  outputs: tf.Tensor | null;
  states: tf.Tensor[];
  statistics: { site: NormSite; firstColumn: number; steps: StepStatistics[] }[];
}

/** A mask's values, or a probability as a one-element array. */
function maskValues(mask: tf.Tensor | number | null): Float32Array | null {
  if (mask === null) return null;
  return typeof mask === 'number' ? Float32Array.of(mask) : (mask.dataSync() as Float32Array);
}

/** Runs the fused op: the per-step outputs, the final states, and batch statistics for the population. */
export function runFused(call: FusedCall, input: tf.Tensor, recurrentKernel: tf.Tensor, initial: tf.Tensor[]): FusedResult {
  const { steps, batch, units } = call;
  const stateCount = initial.length;
  let statistics: FusedResult['statistics'] = [];
  // Without a tape no backward pass follows, and what the heap path recorded is freed at once.
  const taped = tf.engine().isTapeOn();
  const op = tf.customGrad((...args) => {
    const tensors = args.slice(0, 2 + stateCount + call.params.length) as tf.Tensor[];
    const [inputTensor, kernel] = tensors;
    const states = tensors.slice(2, 2 + stateCount);
    const params = tensors.slice(2 + stateCount);
    const save = args[tensors.length] as tf.GradSaveFunc;
    // On the wasm backend the compiled kernels run the loops where they cover the call (`heap/training.ts`).
    const heap = heapTrainingRun(call, inputTensor, kernel, states);
    if (heap !== null) {
      statistics = heap.statistics;
      if (!taped) heap.dispose();
      return {
        value: heap.packed,
        gradFunc: (dy: tf.Tensor) => {
          const gradients = heap.backward(dy);
          return [gradients.input, gradients.recurrentKernel, ...gradients.initial, ...gradients.params];
        },
      };
    }
    // The kernel is needed again in the backward pass, after the forward's tensors are gone.
    save([kernel]);
    const fusedArgs: FusedArgs = {
      steps,
      batch,
      units,
      input: inputTensor.dataSync() as Float32Array,
      recurrentKernel: kernel,
      initial: states.map((state) => state.dataSync() as Float32Array),
      // Read here, not before the heap path, which copies the mask onto the heap itself.
      mask: call.mask === null ? null : (call.mask.dataSync() as Float32Array),
      keepOutputs: call.keepOutputs,
      record: call.record,
      gateActivation: call.gateActivation,
      forgetConstant: call.forgetConstant,
      resetAfter: call.resetAfter,
      recurrentMask: call.recurrentMask === null ? null : (call.recurrentMask.dataSync() as Float32Array),
      stepMasks: {
        candidate: maskValues(call.stepMasks.candidate),
        zoneoutCell: maskValues(call.stepMasks.zoneoutCell),
        zoneoutHidden: maskValues(call.stepMasks.zoneoutHidden),
      },
      sites: call.sites,
      params: params.map((param) => param.dataSync() as Float32Array),
    };
    const run = call.cell.run(fusedArgs);
    statistics = run.statistics;
    return {
      value: tf.tensor2d(run.packed, [run.packed.length / units, units]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        fusedArgs.recurrentKernel = saved[0];
        const gradients = run.backward(dy.dataSync() as Float32Array);
        return [
          tf.tensor2d(gradients.input, inputTensor.shape as [number, number]),
          tf.tensor2d(gradients.recurrentKernel, kernel.shape as [number, number]),
          ...gradients.initial.map((gradient) => tf.tensor2d(gradient, [batch, units])),
          ...gradients.params.map((gradient, i) => tf.tensor(gradient, params[i].shape)),
        ];
      },
    };
  });
  const packed = op(input, recurrentKernel, ...initial, ...call.params);
  const outputRows = call.keepOutputs ? steps * batch : 0;
  const sizes = [...(call.keepOutputs ? [outputRows] : []), ...initial.map(() => batch)];
  const pieces = sizes.length === 1 ? [packed] : tf.split(packed, sizes, 0);
  return { outputs: call.keepOutputs ? pieces[0] : null, states: call.keepOutputs ? pieces.slice(1) : pieces, statistics };
}
