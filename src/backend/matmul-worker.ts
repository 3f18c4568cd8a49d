/**
 * The matmul helper thread (`matmul-helper.ts`): its own tfjs wasm backend, the right operands it was sent,
 * and a loop that computes the rows of `a·b` it is given (`matmul-protocol.ts`), with the same heap matmul
 * the main thread calls (`HeapKernels.matMul`), so its rows equal the one-thread product's bit for bit.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { HeapBuffer, HeapKernels } from '../runtime/recurrent/heap/heap.js';
import { heapTrainingKernels } from '../runtime/recurrent/heap/kernels.js';
import { CONTROL, type HelperMessage, type HelperReply, type HelperSetup } from './matmul-protocol.js';

const setup = workerData as HelperSetup & { port: MessagePort };
const control = new Int32Array(setup.control);
let data = new Float32Array(setup.data);

/** The operands alive at the main thread, on this heap; everything is freed once none is. */
class Operands {
  private kernels: HeapKernels | null = null;
  private readonly byKey = new Map<number, HeapBuffer>();
  /** Row buffers by shape, reused from job to job. */
  private readonly rows = new Map<string, HeapBuffer>();

  add(key: number, k: number, n: number, values: Float32Array): void {
    this.byKey.set(key, this.open().constant(values, [k, n]));
  }

  release(keys: readonly number[]): void {
    keys.forEach((key) => this.byKey.delete(key));
    if (this.byKey.size > 0 || this.kernels === null) return;
    // HeapKernels frees all of its buffers at once: when the main thread holds no operand here.
    this.kernels.dispose();
    this.kernels = null;
    this.rows.clear();
  }

  /** `a`'s rows from the data buffer times operand `key`, written after them. */
  multiply(key: number, rows: number, k: number, n: number): void {
    const b = this.byKey.get(key);
    if (b === undefined) throw new Error(`operand ${key} was never sent or already released`);
    const kernels = this.open();
    const [a, out] = [this.rowBuffer(rows, k), this.rowBuffer(rows, n)];
    kernels.floats(a).set(data.subarray(0, rows * k));
    kernels.matMul(out, a, b);
    data.set(kernels.floats(out), rows * k);
  }

  private rowBuffer(rows: number, columns: number): HeapBuffer {
    const name = `${rows}x${columns}`;
    let buffer = this.rows.get(name);
    if (buffer === undefined) {
      buffer = this.open().buffer([rows, columns]);
      this.rows.set(name, buffer);
    }
    return buffer;
  }

  private open(): HeapKernels {
    this.kernels ??= heapTrainingKernels();
    if (this.kernels === null) throw new Error('the wasm heap kernels are not available on the helper thread');
    return this.kernels;
  }
}

const operands = new Operands();

function handle(message: HelperMessage): void {
  if (message.type === 'operand') operands.add(message.key, message.k, message.n, message.values);
  else if (message.type === 'release') operands.release(message.keys);
  else data = new Float32Array(message.buffer);
}

/** One job: the messages posted before it, then the product; a failure is posted and flagged, not thrown. */
function serve(): void {
  try {
    for (let received = receiveMessageOnPort(setup.port); received !== undefined; received = receiveMessageOnPort(setup.port)) handle(received.message as HelperMessage);
    const read = (field: number) => Atomics.load(control, field);
    operands.multiply(read(CONTROL.KEY), read(CONTROL.ROWS), read(CONTROL.K), read(CONTROL.N));
    Atomics.store(control, CONTROL.STATUS, 0);
  } catch (error) {
    const reply: HelperReply = { type: 'error', message: error instanceof Error ? error.message : String(error) };
    setup.port.postMessage(reply);
    Atomics.store(control, CONTROL.STATUS, 1);
  }
}

async function main(): Promise<void> {
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialize');
  await tf.ready();
  if (heapTrainingKernels() === null) throw new Error('the wasm heap kernels are not available');
  // Read before saying ready: the first request may come the moment the main thread hears it.
  let seen = Atomics.load(control, CONTROL.REQUEST);
  parentPort?.postMessage({ type: 'ready' } satisfies HelperReply);
  for (;;) {
    Atomics.wait(control, CONTROL.REQUEST, seen);
    const request = Atomics.load(control, CONTROL.REQUEST);
    if (request === seen) continue;
    seen = request;
    if (Atomics.load(control, CONTROL.STOP) === 1) return;
    serve();
    Atomics.store(control, CONTROL.DONE, request);
    Atomics.notify(control, CONTROL.DONE);
  }
}

main().catch((error: unknown) => {
  parentPort?.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies HelperReply);
});
