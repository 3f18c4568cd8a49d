/**
 * The wasm backend's compiled kernels, called straight on its heap for the inference loop of `run.ts`.
 *
 * Why: at the sizes recurrent layers run (a `[32, 128]` state), a kernel's arithmetic takes 1–5 µs, but a
 * tfjs op costs 20–30 µs more (engine bookkeeping, then the kernel wrapper allocating, registering and
 * later freeing its output), and `Slice` copies its whole input. Here every buffer a call needs is
 * allocated once per layer call, and each step is a sequence of calls of the compiled functions with fixed
 * buffers: about 1 µs of overhead each (measured: an add of 4 096 floats, 1.0 µs against 15 µs).
 *
 * This relies on tfjs-backend-wasm's internals, pinned in package.json: the backend's `makeOutput` and
 * `dataIdMap`, the module's heap, and the C signatures of `Add`, `Sub`, `Multiply`, `Sigmoid`, `Rsqrt`,
 * `Mean`, `BatchMatMul` and `Transpose`. `heapKernels()` checks the parts exist and runs a small probe
 * against known results once per backend instance; on any difference it returns null and the layer runs
 * its ordinary step loop. (A changed C signature could also abort the wasm module outright, which no probe
 * can catch: hence the exact version pin.) One more rule the matmul imposes: tfjs-wasm caches XNNPACK's
 * packed copy of the right operand by tensor id, so the right operand must be a constant (weights) and the
 * varying one the left (hence the row layout `[batch, width]` of every value here).
 */
import * as tf from '@tensorflow/tfjs';

/** A float32 tensor on the heap: its backend id, shape, and where its shape lives for the C calls. */
export interface HeapBuffer {
  readonly id: number;
  readonly shape: readonly number[];
  readonly shapePointer: number;
  /** Element offset into `HEAPF32`. */
  readonly start: number;
  readonly size: number;
}

interface WasmModule {
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _Add(a: number, aShape: number, aRank: number, b: number, bShape: number, bRank: number, dtype: number, out: number): void;
  _Sub(a: number, aShape: number, aRank: number, b: number, bShape: number, bRank: number, dtype: number, out: number): void;
  _Multiply(a: number, aShape: number, aRank: number, b: number, bShape: number, bRank: number, dtype: number, out: number): void;
  _Sigmoid(x: number, out: number): void;
  _Rsqrt(x: number, dtype: number, out: number): void;
  _Mean(x: number, reduceSize: number, out: number): void;
  _BatchMatMul(a: number, aShape: number, aRank: number, b: number, bShape: number, bRank: number, transposeA: number, transposeB: number, out: number): void;
  _Transpose(x: number, xShape: number, rank: number, dtype: number, out: number, perm: number, permRank: number): void;
  tfjs: { disposeData(id: number): void };
}

interface WasmBackend {
  wasm: WasmModule;
  dataIdMap: { has(dataId: tf.DataId): boolean; get(dataId: tf.DataId): { id: number; memoryOffset: number }; delete(dataId: tf.DataId): boolean };
  makeOutput(shape: number[], dtype: 'float32', memoryOffset?: number): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

const FLOAT32 = 0;
const FUNCTIONS = ['_Add', '_Sub', '_Multiply', '_Sigmoid', '_Rsqrt', '_Mean', '_BatchMatMul', '_Transpose', '_malloc', '_free'] as const;

function isWasmBackend(backend: unknown): backend is WasmBackend {
  const candidate = backend as Partial<WasmBackend> | null;
  const wasm = candidate?.wasm as Partial<WasmModule> | undefined;
  return (
    typeof candidate?.makeOutput === 'function' &&
    typeof candidate.disposeData === 'function' &&
    typeof candidate.dataIdMap?.get === 'function' &&
    typeof candidate.dataIdMap.has === 'function' &&
    wasm?.HEAPF32 instanceof Float32Array &&
    wasm.HEAP32 instanceof Int32Array &&
    typeof wasm.tfjs?.disposeData === 'function' &&
    FUNCTIONS.every((name) => typeof wasm[name] === 'function')
  );
}

/** Whether the probe passed, per backend instance (a backend is re-created when tfjs re-registers it). */
const probed = new WeakMap<object, boolean>();

/**
 * Kernels for one layer call on the active backend, or null: not the wasm backend, a gradient being
 * recorded (these calls bypass the tape), or a backend whose internals did not pass the probe.
 */
export function heapKernels(): HeapKernels | null {
  if (tf.getBackend() !== 'wasm' || tf.engine().isTapeOn()) return null;
  const backend: unknown = tf.backend();
  if (!isWasmBackend(backend)) return null;
  let passed = probed.get(backend);
  if (passed === undefined) {
    passed = probe(backend);
    probed.set(backend, passed);
  }
  return passed ? new HeapKernels(backend) : null;
}

/** Runs each kernel once on small known inputs (broadcasting and a matmul included) and checks the results. */
function probe(backend: WasmBackend): boolean {
  const kernels = new HeapKernels(backend);
  try {
    const a = kernels.constant(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
    const column = kernels.constant(Float32Array.of(10, 20), [2, 1]);
    const weights = kernels.constant(Float32Array.of(1, 0, 0, 1, 1, 1), [3, 2]);
    const results = {
      add: kernels.add(kernels.buffer([2, 3]), a, column),
      sub: kernels.sub(kernels.buffer([2, 3]), a, column),
      mul: kernels.mul(kernels.buffer([2, 3]), a, column),
      sigmoid: kernels.sigmoid(kernels.buffer([2, 3]), a),
      rsqrt: kernels.rsqrt(kernels.buffer([2, 3]), a),
      mean: kernels.mean(kernels.buffer([2, 1]), a, 3),
      matMul: kernels.matMul(kernels.buffer([2, 2]), a, weights),
      transpose: kernels.transpose(kernels.buffer([3, 2]), a, [1, 0]),
    };
    const expected: Record<keyof typeof results, number[]> = {
      add: [11, 12, 13, 24, 25, 26],
      sub: [-9, -8, -7, -16, -15, -14],
      mul: [10, 20, 30, 80, 100, 120],
      sigmoid: [1, 2, 3, 4, 5, 6].map((x) => 1 / (1 + Math.exp(-x))),
      rsqrt: [1, 2, 3, 4, 5, 6].map((x) => 1 / Math.sqrt(x)),
      mean: [2, 5],
      matMul: [4, 5, 10, 11],
      transpose: [1, 4, 2, 5, 3, 6],
    };
    return (Object.keys(results) as (keyof typeof results)[]).every((name) => {
      const values = kernels.floats(results[name]);
      return expected[name].every((value, i) => Math.abs(values[i] - value) <= 1e-5 * Math.max(1, Math.abs(value)));
    });
  } catch {
    return false;
  } finally {
    kernels.dispose();
  }
}

/** Buffers and kernel calls of one layer call; `dispose` frees everything it allocated. */
export class HeapKernels {
  private readonly owned: tf.DataId[] = [];
  private readonly views: tf.DataId[] = [];
  private readonly pointers: number[] = [];
  private readonly shapeCache = new Map<string, number>();
  private readonly matrixShapes = new WeakMap<HeapBuffer, number>();
  private readonly wasm: WasmModule;

  constructor(private readonly backend: WasmBackend) {
    this.wasm = backend.wasm;
  }

  /** A new buffer (contents undefined until written). */
  buffer(shape: number[]): HeapBuffer {
    const info = this.backend.makeOutput(shape, 'float32');
    this.owned.push(info.dataId);
    return this.describe(info.dataId, shape);
  }

  constant(values: Float32Array, shape: number[]): HeapBuffer {
    const buffer = this.buffer(shape);
    this.floats(buffer).set(values);
    return buffer;
  }

  /** A tfjs tensor used in place (never freed here); it must outlive this object. */
  tensor(tensor: tf.Tensor): HeapBuffer {
    return this.describe(tensor.dataId, tensor.shape);
  }

  /** `shape` elements of `base` from element `offset` on, without copying. */
  view(base: HeapBuffer, offset: number, shape: number[]): HeapBuffer {
    const info = this.backend.makeOutput(shape, 'float32', 4 * (base.start + offset));
    this.views.push(info.dataId);
    return this.describe(info.dataId, shape);
  }

  /** The same buffer under another shape of the same size. */
  reshape(base: HeapBuffer, shape: number[]): HeapBuffer {
    return { ...base, shape, shapePointer: this.shapeOf(shape) };
  }

  add(out: HeapBuffer, a: HeapBuffer, b: HeapBuffer): HeapBuffer {
    this.wasm._Add(a.id, a.shapePointer, a.shape.length, b.id, b.shapePointer, b.shape.length, FLOAT32, out.id);
    return out;
  }

  sub(out: HeapBuffer, a: HeapBuffer, b: HeapBuffer): HeapBuffer {
    this.wasm._Sub(a.id, a.shapePointer, a.shape.length, b.id, b.shapePointer, b.shape.length, FLOAT32, out.id);
    return out;
  }

  mul(out: HeapBuffer, a: HeapBuffer, b: HeapBuffer): HeapBuffer {
    this.wasm._Multiply(a.id, a.shapePointer, a.shape.length, b.id, b.shapePointer, b.shape.length, FLOAT32, out.id);
    return out;
  }

  sigmoid(out: HeapBuffer, x: HeapBuffer): HeapBuffer {
    this.wasm._Sigmoid(x.id, out.id);
    return out;
  }

  rsqrt(out: HeapBuffer, x: HeapBuffer): HeapBuffer {
    this.wasm._Rsqrt(x.id, FLOAT32, out.id);
    return out;
  }

  /** The mean of each run of `reduceSize` consecutive elements of `x` (the innermost axis). */
  mean(out: HeapBuffer, x: HeapBuffer, reduceSize: number): HeapBuffer {
    this.wasm._Mean(x.id, reduceSize, out.id);
    return out;
  }

  /** `a·b` for `a` `[m, k]` and a constant `b` `[k, n]` (see the note on XNNPACK's cache above). */
  matMul(out: HeapBuffer, a: HeapBuffer, b: HeapBuffer): HeapBuffer {
    const left = this.matrixShape(a);
    const right = this.matrixShape(b);
    this.wasm._BatchMatMul(a.id, left, 3, b.id, right, 3, 0, 0, out.id);
    return out;
  }

  transpose(out: HeapBuffer, x: HeapBuffer, perm: number[]): HeapBuffer {
    this.wasm._Transpose(x.id, x.shapePointer, x.shape.length, FLOAT32, out.id, this.shapeOf(perm), perm.length);
    return out;
  }

  /** Copies `count` floats between buffers (offsets in elements). */
  copy(to: HeapBuffer, toOffset: number, from: HeapBuffer, fromOffset: number, count: number): void {
    const start = from.start + fromOffset;
    this.wasm.HEAPF32.copyWithin(to.start + toOffset, start, start + count);
  }

  /** The buffer's floats in place (valid until the next allocation, which may move the heap). */
  floats(buffer: HeapBuffer): Float32Array {
    return this.wasm.HEAPF32.subarray(buffer.start, buffer.start + buffer.size);
  }

  dispose(): void {
    for (const dataId of this.views) {
      if (!this.backend.dataIdMap.has(dataId)) continue;
      this.wasm.tfjs.disposeData(this.backend.dataIdMap.get(dataId).id);
      this.backend.dataIdMap.delete(dataId);
    }
    for (const dataId of this.owned) this.backend.disposeData(dataId, true);
    for (const pointer of this.pointers) this.wasm._free(pointer);
    this.views.length = 0;
    this.owned.length = 0;
    this.pointers.length = 0;
  }

  private describe(dataId: tf.DataId, shape: readonly number[]): HeapBuffer {
    const data = this.backend.dataIdMap.get(dataId);
    const size = shape.reduce((product, dim) => product * dim, 1);
    return { id: data.id, shape, shapePointer: this.shapeOf(shape), start: data.memoryOffset / 4, size };
  }

  /** A rank-3 `[1, rows, columns]` shape for the matmul kernel, made once per buffer. */
  private matrixShape(buffer: HeapBuffer): number {
    let pointer = this.matrixShapes.get(buffer);
    if (pointer === undefined) {
      const columns = buffer.shape[buffer.shape.length - 1];
      pointer = this.shapeOf([1, buffer.size / columns, columns]);
      this.matrixShapes.set(buffer, pointer);
    }
    return pointer;
  }

  /** An int32 array on the heap holding `values` (freed with this object). */
  private shapeOf(values: readonly number[]): number {
    const key = values.join(',');
    const cached = this.shapeCache.get(key);
    if (cached !== undefined) return cached;
    const pointer = this.wasm._malloc(4 * Math.max(1, values.length));
    this.wasm.HEAP32.set(values, pointer / 4);
    this.pointers.push(pointer);
    this.shapeCache.set(key, pointer);
    return pointer;
  }
}
