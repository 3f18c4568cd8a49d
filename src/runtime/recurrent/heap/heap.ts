/**
 * The wasm backend's heap, for the inference loop of `run.ts`: buffers allocated once per layer call, the
 * backend's matmul kernel called on them directly, and seqnet's compiled cell kernels (`assembly/`) working
 * in the same memory.
 *
 * Why: at the sizes recurrent layers run (a `[32, 128]` state) a step's arithmetic takes tens of µs, while
 * a tfjs op costs 20–30 µs of its own (engine bookkeeping, then the kernel wrapper allocating, registering
 * and later freeing its output), and tfjs's recurrent step is dozens of ops. Here a step is one matmul and
 * one kernel call.
 *
 * This relies on tfjs-backend-wasm's internals, pinned in package.json: the backend's `makeOutput` and
 * `dataIdMap`, the module's memory, and the C signature of `BatchMatMul`. `heapKernels()` (`kernels.ts`)
 * checks the parts exist and runs a small probe against known results once per backend instance; on any
 * difference it returns null and the layer runs its ordinary step loop. (A changed C signature could also abort the wasm
 * module outright, which no probe can catch: hence the exact version pin.) One more rule the matmul
 * imposes: tfjs-wasm caches XNNPACK's packed copy of the right operand by tensor id, so the right operand
 * must be a constant (weights) and the varying one the left (hence the row layout `[batch, width]`).
 */
import * as tf from '@tensorflow/tfjs';
import type { CellKernels } from './compiled-kernels.js';
import { rowHelper } from './split.js';
import type { RowHelper } from './split.js';

/** A float32 tensor on the heap: its backend id, shape, and where it lives. */
export interface HeapBuffer {
  readonly id: number;
  readonly shape: readonly number[];
  /** Element offset into `HEAPF32` (the byte address is four times this). */
  readonly start: number;
  readonly size: number;
}

interface WasmModule {
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  asm: { memory: unknown };
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _BatchMatMul(a: number, aShape: number, aRank: number, b: number, bShape: number, bRank: number, transposeA: number, transposeB: number, out: number): void;
  tfjs: { disposeData(id: number): void };
}

export interface WasmBackend {
  wasm: WasmModule;
  dataIdMap: { has(dataId: tf.DataId): boolean; get(dataId: tf.DataId): { id: number; memoryOffset: number }; delete(dataId: tf.DataId): boolean };
  makeOutput(shape: number[], dtype: 'float32', memoryOffset?: number): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

const FUNCTIONS = ['_BatchMatMul', '_malloc', '_free'] as const;

export function isWasmBackend(backend: unknown): backend is WasmBackend {
  const candidate = backend as Partial<WasmBackend> | null;
  const wasm = candidate?.wasm as Partial<WasmModule> | undefined;
  return (
    typeof candidate?.makeOutput === 'function' &&
    typeof candidate.disposeData === 'function' &&
    typeof candidate.dataIdMap?.get === 'function' &&
    typeof candidate.dataIdMap.has === 'function' &&
    wasm?.HEAPF32 instanceof Float32Array &&
    wasm.HEAP32 instanceof Int32Array &&
    typeof wasm.asm === 'object' &&
    wasm.asm !== null &&
    typeof wasm.tfjs?.disposeData === 'function' &&
    FUNCTIONS.every((name) => typeof wasm[name] === 'function')
  );
}

/** A field of a struct the compiled kernels read (`assembly/`'s `@unmanaged` classes): an i32 (or address) or an f32. */
export type StructField = { i32: number } | { f32: number };

/** Buffers and kernel calls of one layer call; `dispose` frees everything it allocated. */
export class HeapKernels {
  private readonly owned: tf.DataId[] = [];
  private readonly views: tf.DataId[] = [];
  private readonly pointers: number[] = [];
  private readonly matrixShapes = new WeakMap<HeapBuffer, number>();
  /** `[1, rows, columns]` shapes by `rows×columns`, for the first rows of a split product. */
  private readonly rowShapes = new Map<string, number>();
  /** The right operands sent to a row helper (`split.ts`), by buffer, and that helper. */
  private readonly helperKeys = new Map<HeapBuffer, number>();
  private keysHelper: RowHelper | null = null;
  private readonly wasm: WasmModule;

  constructor(
    private readonly backend: WasmBackend,
    readonly cells: CellKernels,
  ) {
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

  /** The byte address of a buffer's element `offset`, for the compiled kernels. */
  address(buffer: HeapBuffer, offset = 0): number {
    return 4 * (buffer.start + offset);
  }

  /** A struct for the compiled kernels, its fields in declaration order (freed with this object). */
  struct(fields: readonly StructField[]): number {
    const pointer = this.allocate(fields.length);
    fields.forEach((field, i) => {
      if ('i32' in field) this.wasm.HEAP32[pointer / 4 + i] = field.i32;
      else this.wasm.HEAPF32[pointer / 4 + i] = field.f32;
    });
    return pointer;
  }

  /**
   * `a·b` for `a` `[m, k]` and a constant `b` `[k, n]` (see the note on XNNPACK's cache above), its last rows
   * on the row helper's thread where one is registered and chooses to split it (`split.ts`).
   */
  matMul(out: HeapBuffer, a: HeapBuffer, b: HeapBuffer): HeapBuffer {
    const k = a.shape[a.shape.length - 1];
    const n = b.shape[b.shape.length - 1];
    const m = a.size / k;
    const helper = rowHelper();
    if (helper !== null && m >= 2 && helper.split(m, k, n)) this.splitMatMul(helper, out, a, b, [m, k, n]);
    else this.wasm._BatchMatMul(a.id, this.matrixShape(a), 3, b.id, this.matrixShape(b), 3, 0, 0, out.id);
    return out;
  }

  /**
   * The first ⌈m/2⌉ rows here, the rest on the helper meanwhile. Here the kernel gets `a`'s shape with fewer
   * rows: it reads `a`'s first rows and writes `out`'s (no views needed).
   */
  private splitMatMul(helper: RowHelper, out: HeapBuffer, a: HeapBuffer, b: HeapBuffer, [m, k, n]: [number, number, number]): void {
    const first = Math.ceil(m / 2);
    helper.start({ key: this.helperKey(helper, b, k, n), a: this.floats(a).subarray(first * k), rows: m - first, k, n });
    try {
      this.wasm._BatchMatMul(a.id, this.rowShape(first, k), 3, b.id, this.matrixShape(b), 3, 0, 0, out.id);
    } finally {
      // Read after the kernel ran: XNNPACK may have grown the heap, which replaces HEAPF32.
      helper.finish(() => this.floats(out).subarray(first * n));
    }
  }

  /** `b`'s key at the helper, sent on first use (`b` is constant, as XNNPACK's cache already requires). */
  private helperKey(helper: RowHelper, b: HeapBuffer, k: number, n: number): number {
    if (this.keysHelper !== helper) this.releaseHelperKeys();
    this.keysHelper = helper;
    let key = this.helperKeys.get(b);
    if (key === undefined) {
      key = helper.send(this.floats(b), k, n);
      this.helperKeys.set(b, key);
    }
    return key;
  }

  private releaseHelperKeys(): void {
    if (this.keysHelper !== null && this.helperKeys.size > 0) this.keysHelper.release([...this.helperKeys.values()]);
    this.helperKeys.clear();
    this.keysHelper = null;
  }

  /**
   * Hands an owned buffer to tfjs as a tensor (no copy): it is no longer freed by `dispose`, the tensor owns
   * it (as a kernel's output is owned by the tensor the engine makes of it).
   */
  adopt(buffer: HeapBuffer): tf.Tensor {
    const index = this.owned.findIndex((dataId) => this.backend.dataIdMap.get(dataId).id === buffer.id);
    if (index < 0) throw new Error('HeapKernels.adopt: not a buffer of this call');
    const [dataId] = this.owned.splice(index, 1);
    return tf.engine().makeTensorFromTensorInfo({ dataId, shape: [...buffer.shape], dtype: 'float32' });
  }

  /** The buffer's floats in place (valid until the next allocation, which may move the heap). */
  floats(buffer: HeapBuffer): Float32Array {
    return this.wasm.HEAPF32.subarray(buffer.start, buffer.start + buffer.size);
  }

  dispose(): void {
    this.releaseHelperKeys();
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
    this.rowShapes.clear();
  }

  private describe(dataId: tf.DataId, shape: readonly number[]): HeapBuffer {
    const data = this.backend.dataIdMap.get(dataId);
    const size = shape.reduce((product, dim) => product * dim, 1);
    return { id: data.id, shape, start: data.memoryOffset / 4, size };
  }

  /** A rank-3 `[1, rows, columns]` shape for the matmul kernel, made once per buffer. */
  private matrixShape(buffer: HeapBuffer): number {
    let pointer = this.matrixShapes.get(buffer);
    if (pointer === undefined) {
      const columns = buffer.shape[buffer.shape.length - 1];
      pointer = this.allocate(3);
      this.wasm.HEAP32.set([1, buffer.size / columns, columns], pointer / 4);
      this.matrixShapes.set(buffer, pointer);
    }
    return pointer;
  }

  /** A `[1, rows, columns]` shape, made once per size. */
  private rowShape(rows: number, columns: number): number {
    const name = `${rows}x${columns}`;
    let pointer = this.rowShapes.get(name);
    if (pointer === undefined) {
      pointer = this.allocate(3);
      this.wasm.HEAP32.set([1, rows, columns], pointer / 4);
      this.rowShapes.set(name, pointer);
    }
    return pointer;
  }

  /** Room for `words` 4-byte values (freed with this object). */
  private allocate(words: number): number {
    const pointer = this.wasm._malloc(4 * Math.max(1, words));
    this.pointers.push(pointer);
    return pointer;
  }
}
