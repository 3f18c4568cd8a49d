/** Whether a layer call gets the heap loop: the kernels of the active backend, checked once per backend instance. */
import * as tf from '@tensorflow/tfjs';
import { ACTIVATION_CODES, writeCell } from './cells.js';
import { instantiateCellKernels } from './compiled-kernels.js';
import type { CellKernels } from './compiled-kernels.js';
import { HeapKernels, isWasmBackend } from './heap.js';
import { writeForm } from './norms.js';

/** The cell kernels of each backend instance that was probed (null: it failed), by backend (re-created when tfjs re-registers it). */
const probed = new WeakMap<object, CellKernels | null>();

/**
 * Kernels for one layer call on the active backend, or null: not the wasm backend, a gradient being
 * recorded (these calls bypass the tape), compiled kernels not (yet) available, or a backend whose
 * internals did not pass the probe.
 */
export function heapKernels(): HeapKernels | null {
  if (tf.getBackend() !== 'wasm' || tf.engine().isTapeOn()) return null;
  return probedKernels();
}

/**
 * Kernels for the training path (`training.ts`), which runs inside the fused op's `tf.customGrad`: the op
 * is the tape's unit there, so the kernel calls bypassing the tape is the point, not a hazard.
 */
export function heapTrainingKernels(): HeapKernels | null {
  return tf.getBackend() === 'wasm' ? probedKernels() : null;
}

function probedKernels(): HeapKernels | null {
  const backend: unknown = tf.backend();
  if (!isWasmBackend(backend)) return null;
  if (!probed.has(backend)) {
    const cells = instantiateCellKernels(backend.wasm.asm.memory);
    if (cells === null) return null; // maybe still compiling: asked again next call
    probed.set(backend, probe(new HeapKernels(backend, cells)) ? cells : null);
  }
  const cells = probed.get(backend) ?? null;
  return cells === null ? null : new HeapKernels(backend, cells);
}

/**
 * Runs the backend's matmul and the compiled kernels once on known inputs: a `[2, 3]·[3, 2]` product, the
 * layer norm of the row [1, 2, 3], and a simple-RNN step that adds an input term to it and takes tanh.
 */
function probe(kernels: HeapKernels): boolean {
  try {
    const a = kernels.constant(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
    const weights = kernels.constant(Float32Array.of(1, 0, 0, 1, 1, 1), [3, 2]);
    const product = [...kernels.floats(kernels.matMul(kernels.buffer([2, 2]), a, weights))];
    const layerNorm = writeForm(kernels, { form: 'statistics', center: true, gamma: Float32Array.of(1, 1, 1), beta: null, epsilon: 0 }, [0]);
    const row = kernels.constant(Float32Array.of(1, 2, 3), [1, 3]);
    kernels.cells.normalizeRows(layerNorm, kernels.address(row), 1, 1, 3, 0);
    const normalized = [...kernels.floats(row)];
    const inputTerm = [0.5, -1, 2];
    const [input, h] = [kernels.constant(Float32Array.from(inputTerm), [1, 3]), kernels.buffer([1, 3])];
    const cell = writeCell(kernels, {
      ...{ batch: 1, units: 3, activation: ACTIVATION_CODES.tanh, gateActivation: ACTIVATION_CODES.sigmoid, resetAfter: false, carryNormalized: false, bias: null, zoneoutHidden: 0, zoneoutCell: 0, outputStride: 0 },
      ...{ recurrentNorm: 0, candidateRecurrentNorm: 0, gatesNorm: 0, candidateGatesNorm: 0, cellNorm: 0, hiddenNorm: 0 },
    });
    kernels.cells.rnnStep(cell, 0, kernels.address(input), kernels.address(row), kernels.address(h), 0, 0);
    const expectedNorm = [-1, 0, 1].map((v) => v * Math.sqrt(3 / 2));
    const expected = [...[4, 5, 10, 11], ...expectedNorm, ...expectedNorm.map((v, i) => Math.tanh(v + inputTerm[i]))];
    const actual = [...product, ...normalized, ...kernels.floats(h)];
    return expected.every((value, i) => Math.abs(actual[i] - value) <= 1e-5 * Math.max(1, Math.abs(value)));
  } catch {
    return false;
  } finally {
    kernels.dispose();
  }
}
