/**
 * The matmul helper thread (`src/backend/matmul-helper.ts`) for a command: `seqnet train` (and `--resume`),
 * `evaluate` and `predict` start it the same way, here: where it can pay, registered, with the backend line
 * saying so, and closed by the caller on every exit path (`close` in a `finally`), so that a failed command
 * does not wait on a live worker thread.
 */
import type { BackendName } from '../backend/names.js';
import { NO_UNITS, startMatMulHelper, type HelperChoice, type WorkUnits } from '../backend/matmul-helper.js';
import type { ModelIR } from '../ir/types.js';
import { largestRecurrentProduct } from './parallel/threads.js';

export interface CommandHelper {
  /** The backend lines given, the one naming the backend ending `+ matmul helper` when it runs, then why it did not start (if it failed to). */
  notes: string[];
  /** Training steps, timed to choose whether to split (NO_UNITS without a helper). */
  train: WorkUnits;
  /** Inference batches (validation, test, evaluate, predict), timed apart from training steps. */
  infer: WorkUnits;
  close(): Promise<void>;
}

export interface CommandHelperRequest {
  ir: ModelIR;
  backend: BackendName;
  /** Threads the command computes on (data-parallel training already keeps the cores busy). */
  threads: number;
  /** Rows of the largest batch the command runs (the training batch, or an inference batch). */
  rows: number;
  /** The backend lines `selectBackend` (and the thread choice) gave. */
  notes: string[];
}

export async function openMatMulHelper(request: CommandHelperRequest): Promise<CommandHelper> {
  const choice = await startMatMulHelper({ backend: request.backend, threads: request.threads, largestProduct: largestRecurrentProduct(request.ir, request.rows) });
  const helper = choice.helper;
  return {
    notes: helperNotes(request.notes, choice),
    train: helper?.units('train') ?? NO_UNITS,
    infer: helper?.units('infer') ?? NO_UNITS,
    close: async () => helper?.close(),
  };
}

/** The backend lines, the one naming the backend saying when the matmul helper thread is used. */
function helperNotes(notes: string[], choice: HelperChoice): string[] {
  const lines = choice.helper === null ? notes : notes.map((line) => (line.startsWith('backend: ') ? `${line} + matmul helper` : line));
  return choice.note === null ? lines : [...lines, choice.note];
}
