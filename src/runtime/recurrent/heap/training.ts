/**
 * The fused op's training path on the wasm heap (see `heap.ts` for why the heap): the forward loop that
 * records what backpropagation needs and the backward loop through time, per step one backend matmul (h̃·U
 * forward, dz·Uᵀ backward, Uᵀ made once per call) and one compiled kernel (`assembly/train-<cell>.ts`),
 * then `dU = H̃ᵀ·dZ` as one large matmul. The input gradient is dZ itself (the op's input is `P`, already
 * `x·W + b`), handed to tfjs without a copy. The arithmetic is that of the fused loops in JavaScript
 * (`../fused/<cell>.ts`), which run wherever this path declines: another backend, no compiled kernels, or a
 * config it does not cover (`heapTrainingSupports`).
 */
import * as tf from '@tensorflow/tfjs';
import type { FusedCall } from '../fused/op.js';
import { fusedLstm } from '../fused/lstm.js';
import type { FusedCell } from '../fused/types.js';
import { ACTIVATION_CODES } from './cells.js';
import type { HeapBuffer, HeapKernels } from './heap.js';
import { heapTrainingKernels } from './kernels.js';
import { TRAIN_FIELDS, writeStruct } from './structs.js';

/** How often the heap path ran, forward and backward: for tests and benchmarks to see it was taken. */
export const heapTrainingCounts = { forward: 0, backward: 0 };

/** The gradients of the op's inputs, as tensors in the order of `runFused`'s op. */
export interface HeapGradients {
  input: tf.Tensor;
  recurrentKernel: tf.Tensor;
  initial: tf.Tensor[];
}

/** One layer call on the heap: the packed forward value and, once, its backward pass. */
export interface HeapTrainingRun {
  /** `[outputs (steps·batch rows, if kept); final states]` of `units` columns, as the fused op returns it. */
  packed: tf.Tensor;
  backward(packedGradient: tf.Tensor): HeapGradients;
  /** Frees the call's buffers without a backward pass (no gradient is being recorded). */
  dispose(): void;
}

/** A cell's loops on the heap, over the recorded buffers of `Recording`. */
interface HeapTrainingCell {
  /** Gate blocks of `z` (the input term's and dZ's width in units). */
  blocks: number;
  /** Recorded `[steps·batch, u]` floats per step besides the states and the gates (the LSTM's tanh(c')). */
  forward(recording: Recording, t: number, recurrent: HeapBuffer, out: number, hMasked: HeapBuffer): void;
  backward(recording: Recording, t: number, outputGradient: number, recurrent: number, dStates: HeapBuffer[], dz: number): void;
}

/** Buffers of one call, recorded by the forward loop for the backward one. */
interface Recording {
  kernels: HeapKernels;
  /** The `Train` struct's address. */
  train: number;
  steps: number;
  batch: number;
  units: number;
  /** `P` `[steps·batch, G·u]` (the op's input tensor, in place). */
  input: HeapBuffer;
  /** Each state at every step, `[(steps + 1)·batch, u]`: row block 0 the initial state. */
  states: HeapBuffer[];
  /** The activated gates `[steps·batch, G·u]`. */
  gates: HeapBuffer;
  /** tanh(c') `[steps·batch, u]` (LSTM). */
  cellTanh: HeapBuffer | null;
}

const lstm: HeapTrainingCell = {
  blocks: 4,
  forward(r, t, recurrent, out, hMasked) {
    const { kernels } = r;
    const size = r.batch * r.units;
    const [h, c] = r.states;
    const a = (buffer: HeapBuffer, offset: number) => kernels.address(buffer, offset);
    kernels.cells.lstmForward(
      ...[r.train, t, a(r.input, t * 4 * size), kernels.address(recurrent)],
      ...[a(h, t * size), a(c, t * size), a(h, (t + 1) * size), a(c, (t + 1) * size)],
      ...[a(r.gates, t * 4 * size), a(r.cellTanh as HeapBuffer, t * size), out, kernels.address(hMasked)],
    );
  },
  backward(r, t, outputGradient, recurrent, [dh, dc], dz) {
    const { kernels } = r;
    const size = r.batch * r.units;
    const [, c] = r.states;
    kernels.cells.lstmBackward(
      ...[r.train, t, kernels.address(r.gates, t * 4 * size), kernels.address(r.cellTanh as HeapBuffer, t * size), kernels.address(c, t * size)],
      ...[outputGradient, recurrent, kernels.address(dh), kernels.address(dc), dz],
    );
  },
};

/** The fused cells that have a heap training loop. */
const HEAP_TRAINING_CELLS = new Map<FusedCell, HeapTrainingCell>([[fusedLstm, lstm]]);

/**
 * Whether the heap path covers this fused call: a cell with a heap training loop, no norm inside the loop
 * (nor the op parameters that come with them), gates the kernels differentiate, and a backward pass to
 * record for. Anything else runs the fused loops in JavaScript.
 */
export function heapTrainingSupports(call: FusedCall): boolean {
  const gatesOk = call.gateActivation === 'sigmoid' || call.gateActivation === 'hard_sigmoid';
  return call.record && call.steps > 0 && HEAP_TRAINING_CELLS.has(call.cell) && call.sites.length === 0 && call.params.length === 0 && gatesOk;
}

/** The heap training run of this call, or null where it declines (the caller then runs the JS loops). */
export function heapTrainingRun(call: FusedCall, input: tf.Tensor, recurrentKernel: tf.Tensor, initial: tf.Tensor[]): HeapTrainingRun | null {
  const cell = HEAP_TRAINING_CELLS.get(call.cell);
  if (cell === undefined || !heapTrainingSupports(call)) return null;
  const kernels = heapTrainingKernels();
  if (kernels === null) return null;
  try {
    return runForward(kernels, cell, call, input, recurrentKernel, initial);
  } catch (error) {
    kernels.dispose();
    throw error;
  }
}

/** A step mask of `FusedCall.stepMasks` on the heap as the kernels read it: an address and a per-step stride. */
function stepMask(kernels: HeapKernels, mask: tf.Tensor | number | null, steps: number, size: number): { address: number; stride: number } {
  if (mask === null) return { address: 0, stride: 0 };
  // A probability (zoneout's expectation) is the same factor everywhere: one `[size]` row of it.
  const values = typeof mask === 'number' ? new Float32Array(size).fill(mask) : (mask.dataSync() as Float32Array);
  if (values.length !== size && values.length !== steps * size) throw new Error(`SeqnetRecurrent: a step mask of ${values.length} values, not ${size} or ${steps * size}`);
  return { address: kernels.address(kernels.constant(values, [values.length])), stride: values.length === size ? 0 : size };
}

function writeTrain(kernels: HeapKernels, call: FusedCall): number {
  const { steps, batch, units } = call;
  const size = batch * units;
  const floats = (tensor: tf.Tensor | null) => (tensor === null ? 0 : kernels.address(kernels.constant(tensor.dataSync() as Float32Array, [tensor.size])));
  const candidate = stepMask(kernels, call.stepMasks.candidate, steps, size);
  const zoneoutCell = stepMask(kernels, call.stepMasks.zoneoutCell, steps, size);
  const zoneoutHidden = stepMask(kernels, call.stepMasks.zoneoutHidden, steps, size);
  return writeStruct(kernels, TRAIN_FIELDS, {
    batch,
    units,
    gateActivation: ACTIVATION_CODES[call.gateActivation],
    forgetConstant: call.forgetConstant,
    mask: floats(call.mask),
    recurrentMask: floats(call.recurrentMask),
    candidate: candidate.address,
    candidateStride: candidate.stride,
    zoneoutCell: zoneoutCell.address,
    zoneoutCellStride: zoneoutCell.stride,
    zoneoutHidden: zoneoutHidden.address,
    zoneoutHiddenStride: zoneoutHidden.stride,
  });
}

/** The forward loop, recording; its result's `backward` runs the backward loop and frees the buffers. */
function runForward(kernels: HeapKernels, cell: HeapTrainingCell, call: FusedCall, input: tf.Tensor, recurrentKernel: tf.Tensor, initial: tf.Tensor[]): HeapTrainingRun {
  const { steps, batch, units, keepOutputs } = call;
  const size = batch * units;
  const width = cell.blocks * units;
  const train = writeTrain(kernels, call);
  const kernel = kernels.tensor(recurrentKernel);
  const recording: Recording = {
    ...{ kernels, train, steps, batch, units },
    input: kernels.tensor(input),
    states: initial.map(() => kernels.buffer([(steps + 1) * batch, units])),
    gates: kernels.buffer([steps * batch, width]),
    cellTanh: initial.length > 1 ? kernels.buffer([steps * batch, units]) : null,
  };
  const stateCount = initial.length;
  // Outputs and final states are written where the packed value wants them, and handed over without a copy.
  const packed = kernels.buffer([(keepOutputs ? steps * batch : 0) + stateCount * batch, units]);
  const recurrent = kernels.buffer([batch, width]);
  const hMasked = kernels.buffer([batch, units]);
  // The heap may grow with each allocation: copy the initial states only once every buffer exists.
  recording.states.forEach((state, s) => kernels.floats(state).set(kernels.floats(kernels.tensor(initial[s])), 0));
  kernels.cells.maskState(train, kernels.address(hMasked), kernels.address(recording.states[0]));
  for (let t = 0; t < steps; t += 1) {
    kernels.matMul(recurrent, hMasked, kernel);
    cell.forward(recording, t, recurrent, keepOutputs ? kernels.address(packed, t * size) : 0, hMasked);
  }
  const finalStates = kernels.floats(packed).subarray(keepOutputs ? steps * size : 0);
  recording.states.forEach((state, s) => finalStates.set(kernels.floats(state).subarray(steps * size), s * size));
  heapTrainingCounts.forward += 1;
  const run: HeapTrainingRun = {
    packed: kernels.adopt(packed),
    backward: (gradient) => {
      try {
        return runBackward(recording, cell, call, kernel, kernels.tensor(gradient));
      } finally {
        kernels.dispose();
      }
    },
    dispose: () => kernels.dispose(),
  };
  unreleased.register(run, kernels);
  return run;
}

/**
 * A run recorded under a tape whose gradient never reaches this op (its output unused by the loss) gets no
 * backward pass: its buffers are freed once the tape lets go of it. (`dispose` is idempotent.)
 */
const unreleased = new FinalizationRegistry<HeapKernels>((kernels) => {
  try {
    kernels.dispose();
  } catch {
    // The backend was disposed meanwhile, and its memory with it.
  }
});

/**
 * Backpropagation through time: per step the cell's backward kernel (which adds the previous iteration's
 * dz·Uᵀ to dh first) and one matmul; then dU = H̃ᵀ·dZ, with H̃ᵀ the recorded states made transposed (and
 * masked by recurrent dropout) by one kernel call.
 */
function runBackward(r: Recording, cell: HeapTrainingCell, call: FusedCall, kernel: HeapBuffer, gradient: HeapBuffer): HeapGradients {
  const { kernels, steps, batch, units, train } = r;
  const size = batch * units;
  const width = cell.blocks * units;
  const outputRows = call.keepOutputs ? steps * size : 0;
  const dStates = r.states.map(() => kernels.buffer([batch, units]));
  const dz = kernels.buffer([steps * batch, width]);
  const kernelT = kernels.buffer([width, units]);
  const recurrent = kernels.buffer([batch, units]);
  const statesT = kernels.buffer([units, steps * batch]);
  const dKernel = kernels.buffer([units, width]);
  const stepViews = Array.from({ length: steps }, (_, t) => kernels.view(dz, t * batch * width, [batch, width]));
  dStates.forEach((dState, s) => kernels.floats(dState).set(kernels.floats(gradient).subarray(outputRows + s * size, outputRows + (s + 1) * size)));
  kernels.cells.transposeRows(train, kernels.address(kernelT), kernels.address(kernel), units, width, 0);
  for (let t = steps - 1; t >= 0; t -= 1) {
    const outputGradient = call.keepOutputs ? kernels.address(gradient, t * size) : 0;
    cell.backward(r, t, outputGradient, t === steps - 1 ? 0 : kernels.address(recurrent), dStates, kernels.address(dz, t * batch * width));
    kernels.matMul(recurrent, stepViews[t], kernelT);
  }
  if (steps > 0) kernels.cells.addRecurrentGradient(train, kernels.address(dStates[0]), kernels.address(recurrent));
  kernels.cells.transposeRows(train, kernels.address(statesT), kernels.address(r.states[0]), steps * batch, units, 1);
  kernels.matMul(dKernel, statesT, dz);
  heapTrainingCounts.backward += 1;
  return { input: kernels.adopt(dz), recurrentKernel: kernels.adopt(dKernel), initial: dStates.map((dState) => kernels.adopt(dState)) };
}
