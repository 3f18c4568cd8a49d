/** Data sources by type: each turns a spec's `data` block into train / validation / test samples. */
import { isAbsolute, relative, resolve } from 'node:path';
import type { DataIR } from '../ir/types.js';
import { loadCsv } from './csv.js';
import { loadJsonl } from './jsonl.js';
import { DEFAULT_LIMITS, type DataLimits } from './limits.js';
import { loadMnist } from './mnist.js';
import { loadSynthetic } from './synthetic.js';
import { loadText } from './text.js';
import type { ModelShape, PreparedData, Preprocessing } from './types.js';

export * from './types.js';
export { modelShape } from './shape.js';
export { Prng } from './prng.js';
export { makeWindows } from './csv.js';
export { readNumericCsv } from './csv-table.js';
export { parseJsonl, padSamples } from './jsonl.js';
export { encodeText } from './text.js';
export { unstandardize } from './standardize.js';
export { COPY_BLANK, COPY_DELIMITER } from './synthetic.js';
export { checkSampleBytes, DEFAULT_LIMITS, type DataLimits } from './limits.js';
export { checkFileBytes } from './file-limits.js';

type SourceType = DataIR['source']['type'];

export interface LoadContext {
  /** Folder that relative data paths are resolved against (the spec file's folder). */
  baseDir: string;
  validationSplit: number;
  shape: ModelShape;
  /** Preprocessing saved with a trained model, applied instead of fitting new statistics. */
  saved: Preprocessing | null;
  /** Memory limits (internal: tests lower them instead of writing huge files); default `DEFAULT_LIMITS`. */
  limits?: Partial<DataLimits>;
}

type SourceOf<K extends SourceType> = Extract<DataIR['source'], { type: K }>;
type Loader<K extends SourceType> = (source: SourceOf<K>, split: DataIR['split'], context: LoadContext) => Promise<PreparedData>;

const limitsOf = (context: LoadContext): DataLimits => ({ ...DEFAULT_LIMITS, ...context.limits });

const resolvePath = (path: string, context: LoadContext): string => (isAbsolute(path) ? path : resolve(context.baseDir, path));

/** The source with its path as the user would write it from here: relative below the working directory, else absolute. */
function forMessages<S extends { path: string }>(source: S, context: LoadContext): S {
  const absolute = resolvePath(source.path, context);
  const shown = relative(process.cwd(), absolute);
  return { ...source, path: shown.startsWith('..') || isAbsolute(shown) ? absolute : shown };
}

/** The registry: one loader per source type. */
const LOADERS: { [K in SourceType]: Loader<K> } = {
  synthetic: async (source, split, context) => loadSynthetic(source, split, context.validationSplit, context.shape, limitsOf(context).sampleBytes),
  csv: (source, split, context) =>
    loadCsv(forMessages(source, context), resolvePath(source.path, context), split, context.validationSplit, context.shape, context.saved, limitsOf(context)),
  jsonl: (source, split, context) =>
    loadJsonl(forMessages(source, context), resolvePath(source.path, context), split, context.validationSplit, context.shape, limitsOf(context)),
  mnist: (source, split, context) => loadMnist(source, split, context.validationSplit, context.shape, limitsOf(context).sampleBytes),
  text: (source, split, context) =>
    loadText(forMessages(source, context), resolvePath(source.path, context), split, context.validationSplit, context.shape, context.saved, limitsOf(context)),
};

/** Loads and splits the data a spec describes. */
export function loadData(data: DataIR, context: LoadContext): Promise<PreparedData> {
  // TypeScript cannot correlate the key with the entry's parameter type; the mapped type guarantees it.
  const loader = LOADERS[data.source.type] as Loader<SourceType>;
  return loader(data.source, data.split, context);
}
