/**
 * Memory limits checked before data is read or windowed, so a file that cannot fit fails at once with a
 * message saying what to change, instead of exhausting the heap minutes later (docs/training.md, "Data").
 * Free of Node's modules (the playground generates synthetic data in the browser); file sizes are in file-limits.ts.
 */
import { DataError } from './types.js';

export interface DataLimits {
  /** Bytes of all sample arrays (inputs, targets, naive forecasts) of the three splits together. */
  sampleBytes: number;
  /** Largest JSON Lines file read (whole, into memory). */
  jsonlFileBytes: number;
  /** Largest text file read (whole, into memory). */
  textFileBytes: number;
}

const MIB = 2 ** 20;

/**
 * 1 GiB of float32 samples: the validation and test splits are evaluated as one tensor each, so they are
 * copied once more into the backend's memory (the WebAssembly heap is at most 4 GiB). The file limits keep the
 * parsed form (one JavaScript string per character of a text, a JavaScript array per JSON step) well below
 * Node's default heap.
 */
export const DEFAULT_LIMITS: DataLimits = { sampleBytes: 1024 * MIB, jsonlFileBytes: 256 * MIB, textFileBytes: 32 * MIB };

/** "1.5 GiB", "12.0 MiB", "300 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MIB) return `${(bytes / (1024 * MIB)).toFixed(1)} GiB`;
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** The size of every split's windows: how many, and the float32 values per window of inputs and of targets. */
export interface SampleBudget {
  windows: number;
  steps: number;
  features: number;
  /** Target values per window, counting the naive forecast's copy when there is one. */
  targetValues: number;
}

export function sampleBytes(budget: SampleBudget): number {
  return budget.windows * (budget.steps * budget.features + budget.targetValues) * 4;
}

/** Throws before allocating when the samples would exceed `limit`; `advice` says what to change. */
export function checkSampleBytes(displayPath: string, budget: SampleBudget, limit: number, advice: string): void {
  const bytes = sampleBytes(budget);
  if (bytes <= limit) return;
  throw new DataError(
    `${displayPath}: the samples would take ${formatBytes(bytes)} (${budget.windows} samples × ${budget.steps} steps × ${budget.features} features × 4 bytes, ` +
      `plus targets), more than the ${formatBytes(limit)} limit; ${advice}`,
  );
}
