/**
 * Tensor operations straight on the wasm backend's heap, for the inference loop of `run.ts`: each call runs
 * one of the backend's compiled kernels without tfjs's engine (no scope tracking, no tape, no tensor
 * objects), and a slice of a larger tensor is a view of its memory rather than a copy.
 *
 * Why: at the sizes recurrent layers run (a `[32, 128]` state), a kernel's arithmetic takes a few
 * microseconds, while the engine adds 20–30 µs to every op and the wasm backend's `Slice` copies the whole
 * input out of the heap for each piece. A step of the engine loop is ~15 ops, most of it overhead.
 *
 * This relies on four parts of tfjs-backend-wasm's backend object (version pinned in package.json):
 * `dataIdMap` (id and heap offset per tensor), `makeOutput(shape, dtype, memoryOffset?)`, `disposeData`, and
 * `wasm.tfjs.disposeData` / `wasm.HEAPF32`. `heapOps()` checks they are there and returns null otherwise, and
 * the layer then runs its ordinary step loop.
 */
import * as tf from '@tensorflow/tfjs';

/** A tensor on the heap: tfjs's `TensorInfo` (what kernels take and return). */
export type HeapTensor = tf.TensorInfo;

/** The parts of tfjs-backend-wasm's `BackendWasm` used here. */
interface WasmBackendInternals {
  dataIdMap: { has(dataId: tf.DataId): boolean; get(dataId: tf.DataId): { id: number; memoryOffset: number }; delete(dataId: tf.DataId): boolean };
  makeOutput(shape: number[], dtype: 'float32', memoryOffset?: number): HeapTensor;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  wasm: { HEAPF32: Float32Array; tfjs: { disposeData(id: number): void } };
}

/** An allocation scope of `HeapOps.step`. */
export interface HeapScope {
  readonly tensors: HeapTensor[] | null;
}

type KernelFn = (args: { inputs: Record<string, HeapTensor>; backend: unknown; attrs: Record<string, unknown> }) => HeapTensor;

const KERNELS = ['BatchMatMul', 'Add', 'Sub', 'Multiply', 'Sigmoid', 'Rsqrt'] as const;
type KernelName = (typeof KERNELS)[number];

function isWasmBackend(backend: unknown): backend is WasmBackendInternals {
  const candidate = backend as Partial<WasmBackendInternals> | null;
  return (
    typeof candidate?.makeOutput === 'function' &&
    typeof candidate.disposeData === 'function' &&
    typeof candidate.dataIdMap?.get === 'function' &&
    typeof candidate.dataIdMap.has === 'function' &&
    candidate.wasm?.HEAPF32 instanceof Float32Array &&
    typeof candidate.wasm.tfjs?.disposeData === 'function'
  );
}

/**
 * The heap operations of the active backend, or null when it is not the wasm backend this was written for,
 * or when a gradient is being recorded (kernels called here bypass the tape, so nothing would flow back).
 */
export function heapOps(): HeapOps | null {
  if (tf.getBackend() !== 'wasm' || tf.engine().isTapeOn()) return null;
  const backend: unknown = tf.backend();
  if (!isWasmBackend(backend)) return null;
  const kernels = {} as Record<KernelName, KernelFn>;
  for (const name of KERNELS) {
    const config = tf.getKernel(name, 'wasm');
    if (config === undefined) return null;
    kernels[name] = config.kernelFunc as unknown as KernelFn;
  }
  return new HeapOps(backend, kernels);
}

/**
 * Kernel calls whose outputs this object owns until `release` (or a `step` scope ends), and views, which
 * never own memory. Tensors of tfjs (weights, the precomputed input term) are used as inputs in place; they
 * are never freed here.
 */
export class HeapOps {
  /** Outputs and views created since the innermost open `step`, to free when it closes. */
  private scope: HeapTensor[] | null = null;
  private readonly views = new Set<tf.DataId>();

  constructor(
    private readonly backend: WasmBackendInternals,
    private readonly kernels: Record<KernelName, KernelFn>,
  ) {}

  /** `a·b` of `[m, k]`·`[k, n]` matrices (any leading shape of 1s). */
  matMul(a: HeapTensor, b: HeapTensor): HeapTensor {
    return this.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  }

  /** Element-wise ops, with tfjs's broadcasting. */
  add(a: HeapTensor, b: HeapTensor): HeapTensor {
    return this.run('Add', { a, b });
  }

  sub(a: HeapTensor, b: HeapTensor): HeapTensor {
    return this.run('Sub', { a, b });
  }

  mul(a: HeapTensor, b: HeapTensor): HeapTensor {
    return this.run('Multiply', { a, b });
  }

  sigmoid(x: HeapTensor): HeapTensor {
    return this.run('Sigmoid', { x });
  }

  rsqrt(x: HeapTensor): HeapTensor {
    return this.run('Rsqrt', { x });
  }

  /** The same memory under another shape of the same size (not owned: the base keeps it). */
  reshape(x: HeapTensor, shape: number[]): HeapTensor {
    return { dataId: x.dataId, shape, dtype: x.dtype };
  }

  /** A new tensor holding `values`. */
  fromValues(values: Float32Array, shape: number[]): HeapTensor {
    const tensor = this.backend.makeOutput(shape, 'float32');
    this.floats(tensor).set(values);
    this.scope?.push(tensor);
    return tensor;
  }

  /** A view of `shape` starting `elementOffset` floats into `base` (a heap tensor or a tfjs tensor). */
  view(base: HeapTensor, elementOffset: number, shape: number[]): HeapTensor {
    const data = this.data(base);
    const view = this.backend.makeOutput(shape, 'float32', data.memoryOffset + 4 * elementOffset);
    this.views.add(view.dataId);
    this.scope?.push(view);
    return view;
  }

  /** The tensor's floats, in place on the heap (valid until the next allocation, which may move the heap). */
  floats(x: HeapTensor): Float32Array {
    const data = this.data(x);
    const size = x.shape.reduce((product, dim) => product * dim, 1);
    const heap = this.backend.wasm.HEAPF32;
    return heap.subarray(data.memoryOffset / 4, data.memoryOffset / 4 + size);
  }

  /** A tfjs tensor with a copy of `x`'s values. */
  toTensor(x: HeapTensor, shape: number[] = x.shape): tf.Tensor {
    return tf.tensor(this.floats(x).slice(), shape, 'float32');
  }

  /**
   * Runs `body` and frees every output and view it created, except the tensors it returns (which move to
   * the enclosing scope, if any).
   */
  step<T extends HeapTensor[]>(body: () => T): T {
    const outer = this.scope;
    const created: HeapTensor[] = [];
    this.scope = created;
    let kept: T;
    try {
      kept = body();
    } catch (error) {
      this.scope = outer;
      created.forEach((tensor) => this.release(tensor));
      throw error;
    }
    this.scope = outer;
    const keptIds = new Set(kept.map((tensor) => tensor.dataId));
    for (const tensor of created) {
      if (keptIds.has(tensor.dataId)) outer?.push(tensor);
      else this.release(tensor);
    }
    return kept;
  }

  /** Frees an output (or unregisters a view, whose memory belongs to its base). */
  release(x: HeapTensor): void {
    if (!this.backend.dataIdMap.has(x.dataId)) return;
    const data = this.backend.dataIdMap.get(x.dataId);
    if (this.views.delete(x.dataId)) {
      this.backend.wasm.tfjs.disposeData(data.id);
      this.backend.dataIdMap.delete(x.dataId);
    } else {
      this.backend.disposeData(x.dataId, true);
    }
  }

  /** The open scope, to allocate into later with `within` (constants made on first use inside a step). */
  currentScope(): HeapScope {
    return { tensors: this.scope };
  }

  /** Runs `body` with its allocations going to `scope` instead of the innermost open one. */
  within<T>(scope: HeapScope, body: () => T): T {
    const inner = this.scope;
    this.scope = scope.tensors;
    try {
      return body();
    } finally {
      this.scope = inner;
    }
  }

  private data(x: HeapTensor): { id: number; memoryOffset: number } {
    if (!this.backend.dataIdMap.has(x.dataId)) throw new Error('SeqnetRecurrent: heap tensor not held by the wasm backend (released?)');
    return this.backend.dataIdMap.get(x.dataId);
  }

  private run(name: KernelName, inputs: Record<string, HeapTensor>, attrs: Record<string, unknown> = {}): HeapTensor {
    const output = this.kernels[name]({ inputs, backend: this.backend, attrs });
    this.scope?.push(output);
    return output;
  }
}
