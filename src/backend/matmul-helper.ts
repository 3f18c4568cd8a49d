/**
 * The matmul helper: a worker thread with its own wasm backend that computes the last rows of the recurrent
 * layers' large heap products (`runtime/recurrent/heap/split.ts`) while this thread computes the first, so
 * that one-thread wasm work uses the second core inside a layer call. Started by `seqnet train`, `evaluate`
 * and `predict` (`src/train/matmul-helper.ts`) when they run on one thread on wasm and the model's products
 * are large enough to pay (docs/performance.md, "Both cores in one layer call"); whether it splits is chosen
 * by timing whole units of work both ways (`unit-policy.ts`). `SEQNET_MATMUL_HELPER=0` turns it off.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { BackendName } from './names.js';
import { rowHelper, setRowHelper } from '../runtime/recurrent/heap/split.js';
import type { HelperRows, RowHelper } from '../runtime/recurrent/heap/split.js';
import { NO_UNITS, UnitPolicy, type UnitPolicyOptions, type Way, type WorkUnits } from './unit-policy.js';

export { NO_UNITS, type WorkUnits };
import { CONTROL, type HelperMessage, type HelperReply, type HelperSetup } from './matmul-protocol.js';

/**
 * Products of fewer multiply-adds (m·k·n) run on one thread even in a unit that splits, and a model whose
 * largest per-step recurrent product is smaller gets no helper: below it the handoff (a round trip of 15 µs
 * through `Atomics` on an idle core, far more under load) and the copies cost what the second core saves.
 * Measured quiet on the 2-core development machine (docs/performance.md): splitting every product of 1 M or
 * more lost at S1 (per-step product 2.1 M: 1.08–1.46 of one thread) and gained at S2 (16.8 M: 0.78–0.81); the
 * crossover lies between, and the whole-unit policy turns the helper off where a model's steps lose anyway.
 */
export const MIN_SPLIT_WORK = 4_000_000;

/** How long the main thread waits for the helper's rows before calling it lost (a job takes milliseconds). */
const ANSWER_LIMIT_MS = 60_000;

/** The environment variable that turns the helper off (`0`). */
export const HELPER_SWITCH = 'SEQNET_MATMUL_HELPER';

export interface HelperOptions {
  /** The worker script (default: `matmul-worker.js` beside this module). */
  workerUrl?: URL;
  /** Products below this many multiply-adds stay on one thread (default `MIN_SPLIT_WORK`). */
  minWork?: number;
  /**
   * Whether products split only inside units of work whose policy chose to (`unit-policy.ts`; the default),
   * or every product of `minWork` or more is split, inside units or not (for tests and benchmarks).
   */
  measured?: boolean;
  /** The policy's settings (default `UNIT_POLICY_DEFAULTS`). */
  policy?: UnitPolicyOptions;
}

/** The kinds of units timed apart: a training step and an inference batch cost differently. */
export type UnitKind = 'train' | 'infer';

/** The compiled worker beside this module, or null when running from TypeScript sources. */
export function defaultHelperUrl(): URL | null {
  const url = new URL('./matmul-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

export class MatMulHelper implements RowHelper {
  private data: Float32Array;
  private request = 0;
  /** The job in flight: its size, for `finish`. */
  private pending: { rows: number; k: number; n: number } | null = null;
  private nextKey = 0;
  /** Products the helper has computed rows of (for tests and benchmarks to see it was used). */
  products = 0;
  /** Why the helper can no longer be used (it then declines every product), or null. */
  private lost: string | null = null;
  /** Whether large products split now: in a unit its policy runs split (always, when not `measured`). */
  private splitting: boolean;
  /** One policy per kind of unit. */
  private readonly policies = new Map<UnitKind, UnitPolicy>();

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly control: Int32Array,
    data: SharedArrayBuffer,
    private readonly minWork: number,
    private readonly measured: { options: UnitPolicyOptions } | null,
  ) {
    this.splitting = measured === null;
    this.data = new Float32Array(data);
    worker.on('error', (error: Error) => this.markLost(`it failed: ${error.message}`));
    worker.on('exit', (code) => this.markLost(`it exited (code ${code})`));
  }

  /** Starts the worker and waits until its backend runs; rejects with the reason it could not start. */
  static async start(options: HelperOptions = {}): Promise<MatMulHelper> {
    const workerUrl = options.workerUrl ?? defaultHelperUrl();
    if (workerUrl === null) throw new Error('the helper script is not built (npm run build)');
    const control = new SharedArrayBuffer(4 * CONTROL.LENGTH);
    const data = new SharedArrayBuffer(4 * 65_536);
    const { port1, port2 } = new MessageChannel();
    const setup: HelperSetup & { port: MessagePort } = { control, data, port: port2 };
    const worker = new Worker(workerUrl, { workerData: setup, transferList: [port2] });
    try {
      await new Promise<void>((resolve, reject) => {
        worker.once('message', (reply: HelperReply) => (reply.type === 'ready' ? resolve() : reject(new Error(reply.message))));
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the helper thread exited (code ${code})`)));
      });
    } catch (error) {
      await worker.terminate();
      port1.close();
      throw error;
    }
    worker.removeAllListeners();
    // Neither the worker nor its port keeps the process alive: a run that ends without `close` still exits.
    worker.unref();
    port1.unref();
    const measured = options.measured === false ? null : { options: options.policy ?? {} };
    return new MatMulHelper(worker, port1, new Int32Array(control), data, options.minWork ?? MIN_SPLIT_WORK, measured);
  }

  split(m: number, k: number, n: number): boolean {
    return this.splitting && this.lost === null && m * k * n >= this.minWork;
  }

  /** The units of one kind; outside a unit (and after `end`) a measured helper splits nothing. */
  units(kind: UnitKind): WorkUnits {
    if (this.measured === null) return NO_UNITS;
    const policy = this.policy(kind);
    return {
      begin: () => {
        this.splitting = policy.begin() === 'split';
      },
      end: () => {
        policy.end();
        this.splitting = false;
      },
    };
  }

  /** The way the policy of `kind` prefers so far (null: not yet compared), and how many units ran each way. */
  choice(kind: UnitKind): { preferred: Way | null; counts: Record<Way, number> } {
    const policy = this.policy(kind);
    return { preferred: policy.preferred, counts: { ...policy.counts } };
  }

  private policy(kind: UnitKind): UnitPolicy {
    let policy = this.policies.get(kind);
    if (policy === undefined) {
      policy = new UnitPolicy(() => performance.now(), this.measured?.options);
      this.policies.set(kind, policy);
    }
    return policy;
  }

  send(b: Float32Array, k: number, n: number): number {
    this.nextKey += 1;
    const values = b.slice(0, k * n);
    this.post({ type: 'operand', key: this.nextKey, k, n, values }, [values.buffer as ArrayBuffer]);
    return this.nextKey;
  }

  start({ key, a, rows, k, n }: HelperRows): void {
    if (this.pending !== null) throw new Error('the matmul helper is already computing a product');
    this.ensureData(rows * (k + n));
    this.data.set(a.subarray(0, rows * k));
    const fields: [number, number][] = [[CONTROL.KEY, key], [CONTROL.ROWS, rows], [CONTROL.K, k], [CONTROL.N, n]];
    for (const [field, value] of fields) Atomics.store(this.control, field, value);
    this.pending = { rows, k, n };
    this.request += 1;
    Atomics.store(this.control, CONTROL.REQUEST, this.request);
    Atomics.notify(this.control, CONTROL.REQUEST);
  }

  finish(out: () => Float32Array): void {
    const pending = this.pending;
    if (pending === null) throw new Error('the matmul helper has no product in flight');
    this.pending = null;
    this.awaitDone();
    if (Atomics.load(this.control, CONTROL.STATUS) !== 0) {
      const reply = receiveMessageOnPort(this.port)?.message as HelperReply | undefined;
      this.fail(reply?.type === 'error' ? reply.message : 'it reported a failure');
    }
    const { rows, k, n } = pending;
    this.products += 1;
    out().set(this.data.subarray(rows * k, rows * (k + n)));
  }

  release(keys: readonly number[]): void {
    if (this.lost === null) this.post({ type: 'release', keys: [...keys] });
  }

  /** Unregisters the helper (if it is the registered one) and stops its thread. */
  async close(): Promise<void> {
    if (rowHelper() === this) setRowHelper(null);
    this.lost ??= 'it was closed';
    Atomics.store(this.control, CONTROL.STOP, 1);
    Atomics.add(this.control, CONTROL.REQUEST, 1);
    Atomics.notify(this.control, CONTROL.REQUEST);
    await this.worker.terminate();
    this.port.close();
  }

  /** Waits (blocking this thread, as the product it belongs to is synchronous) for the helper's `DONE`. */
  private awaitDone(): void {
    const started = Date.now();
    while (Atomics.load(this.control, CONTROL.DONE) !== this.request) {
      // The timeout only bounds each wait, so that a helper that stopped answering is noticed at all.
      Atomics.wait(this.control, CONTROL.DONE, this.request - 1, 1_000);
      if (this.lost !== null || Date.now() - started > ANSWER_LIMIT_MS) {
        if (Atomics.load(this.control, CONTROL.DONE) === this.request) return;
        this.fail(this.lost ?? `it did not answer within ${ANSWER_LIMIT_MS / 1000} s`);
      }
    }
  }

  /** Grows the shared data buffer to `floats` (the helper swaps to it before the next job). */
  private ensureData(floats: number): void {
    if (floats <= this.data.length) return;
    const buffer = new SharedArrayBuffer(4 * Math.max(floats, 2 * this.data.length));
    this.data = new Float32Array(buffer);
    this.post({ type: 'data', buffer });
  }

  private post(message: HelperMessage, transfer: ArrayBuffer[] = []): void {
    this.port.postMessage(message, transfer);
  }

  private markLost(reason: string): void {
    this.lost ??= `the matmul helper thread is gone (${reason})`;
    if (rowHelper() === this) setRowHelper(null);
  }

  /** Leaves one thread for good and throws the one-line reason. */
  private fail(reason: string): never {
    this.markLost(reason);
    throw new Error(`the matmul helper thread failed: ${reason}; set ${HELPER_SWITCH}=0 to compute on one thread`);
  }
}

export interface HelperRequest {
  backend: BackendName;
  /** Threads the run trains on: data-parallel workers already keep both cores busy. */
  threads: number;
  /** Multiply-adds of the model's largest per-step recurrent product (batch × units × width). */
  largestProduct: number;
  /** The process environment, for the switch (default `process.env`). */
  env?: Record<string, string | undefined>;
  options?: HelperOptions;
}

export interface HelperChoice {
  helper: MatMulHelper | null;
  /** Why it was wanted but did not start, for the console; null when there is nothing to say. */
  note: string | null;
}

/**
 * Starts and registers the helper where it can pay: on the wasm backend (the heap products are wasm's), one
 * training thread, products at least `MIN_SPLIT_WORK` (or the option's), not switched off, and its script
 * built. A helper that fails to start leaves the run on one thread, with a note.
 */
export async function startMatMulHelper(request: HelperRequest): Promise<HelperChoice> {
  const env = request.env ?? process.env;
  const minWork = request.options?.minWork ?? MIN_SPLIT_WORK;
  const wanted = env[HELPER_SWITCH] !== '0' && request.backend === 'wasm' && request.threads === 1 && request.largestProduct >= minWork;
  // Running from the TypeScript sources (no compiled worker script) is not a failure to report.
  const workerUrl = request.options?.workerUrl ?? defaultHelperUrl();
  if (!wanted || workerUrl === null) return { helper: null, note: null };
  try {
    const helper = await MatMulHelper.start({ ...request.options, workerUrl });
    setRowHelper(helper);
    return { helper, note: null };
  } catch (error) {
    return { helper: null, note: `matmul helper thread unavailable (${error instanceof Error ? error.message : String(error)}); computing on one thread` };
  }
}
