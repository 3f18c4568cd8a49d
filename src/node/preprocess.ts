/**
 * A run's saved preprocessing (`preprocessing.json`) as functions, so code that feeds a trained model raw data
 * does exactly what `seqnet train` did to the training data and `seqnet predict` does to new data: standardize
 * CSV feature columns with the training split's statistics and undo the target standardization on the outputs,
 * or one-hot-encode text with the training vocabulary.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unstandardize } from '../data/standardize.js';
import { encodeText } from '../data/text.js';
import type { ColumnStatistics, Preprocessing } from '../data/types.js';
import { RUN_FILES } from '../train/run-dir.js';

/** Numbers nested to any depth; the innermost arrays hold one value per column (feature or target). */
export type NestedNumbers = readonly number[] | readonly NestedNumbers[];

export interface Preprocessor {
  readonly preprocessing: Preprocessing;
  /**
   * Raw feature values → what the model reads: standardized with the training statistics when the run
   * standardized its CSV columns, unchanged when it did not. The innermost arrays are one step's features, so
   * one sample (`steps × features`) and a batch (`samples × steps × features`) both work.
   */
  standardizeInputs<T extends NestedNumbers>(x: T): T;
  /** Model outputs → the data's units (the target standardization undone); unchanged for other runs. */
  unstandardizeOutputs<T extends NestedNumbers>(y: T): T;
  /** Text → one one-hot row per character (`characters × features`), unknown characters in the unknown slot. */
  oneHot(text: string): number[][];
}

/**
 * A preprocessor for `preprocessing`. `features` is the model's input width, the length of a one-hot row; it
 * defaults to the vocabulary size plus the unknown slot, which is narrower than the model when the spec's
 * `features` left room to spare (pass `ir.input.features`, as `loadRun` does).
 */
export function createPreprocessor(preprocessing: Preprocessing, options: { features?: number } = {}): Preprocessor {
  return {
    preprocessing,
    standardizeInputs: (x) => {
      if (preprocessing.kind === 'vocabulary') throw new Error('this run reads text: encode it with oneHot(text)');
      if (preprocessing.kind === 'none') return x;
      return mapColumns(x, preprocessing.features, 'feature', (value, stats) => (value - stats.mean) / stats.std);
    },
    unstandardizeOutputs: (y) => {
      if (preprocessing.kind !== 'standardize') return y;
      return mapColumns(y, preprocessing.targets, 'target', (value, stats) => unstandardize(value, stats));
    },
    oneHot: (text) => {
      if (preprocessing.kind !== 'vocabulary') throw new Error(`this run's inputs are numbers, not text (preprocessing '${preprocessing.kind}')`);
      const width = options.features ?? preprocessing.unknownIndex + 1;
      if (width <= preprocessing.unknownIndex) {
        throw new Error(`one-hot rows of ${width} values cannot hold this vocabulary (${preprocessing.unknownIndex + 1} slots)`);
      }
      return Array.from(encodeText(Array.from(text), preprocessing), (code) => {
        const row = new Array<number>(width).fill(0);
        row[code] = 1;
        return row;
      });
    },
  };
}

/** Reads `preprocessing.json` from a run directory. */
export async function readPreprocessing(runDir: string): Promise<Preprocessing> {
  const path = join(runDir, RUN_FILES.preprocessing);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  let preprocessing: Preprocessing | null = null;
  try {
    preprocessing = JSON.parse(text) as Preprocessing;
  } catch {
    // Reported below with the file's name, like any other content that is not a preprocessing record.
  }
  if (!['none', 'standardize', 'vocabulary'].includes(preprocessing?.kind ?? '')) throw new Error(`${path} is not a seqnet preprocessing file`);
  return preprocessing as Preprocessing;
}

/** Applies `transform` to every innermost value with its column's statistics, checking the column count. */
function mapColumns<T extends NestedNumbers>(
  values: T,
  columns: readonly ColumnStatistics[],
  role: string,
  transform: (value: number, stats: ColumnStatistics) => number,
): T {
  const visit = (array: NestedNumbers): NestedNumbers => {
    if (array.length > 0 && Array.isArray(array[0])) return (array as readonly NestedNumbers[]).map(visit);
    if (array.length !== columns.length) {
      const names = columns.map((stats) => stats.column).join(', ');
      throw new Error(`expected ${columns.length} ${role} value${columns.length === 1 ? '' : 's'} (${names}) per step, got ${array.length}`);
    }
    return (array as readonly number[]).map((value, column) => transform(value, columns[column]));
  };
  // The result has the input's nesting by construction; TypeScript cannot follow the recursion.
  return visit(values) as T;
}
