/**
 * Plain text for a character-level language model: the text is split chronologically, the vocabulary is
 * built from the training part (plus one slot for characters it never saw), and each window's target is the
 * next character at every step, one-hot.
 */
import { readFile } from 'node:fs/promises';
import type { DataIR } from '../ir/types.js';
import { checkFileBytes } from './file-limits.js';
import { checkSampleBytes, type DataLimits } from './limits.js';
import { splitCounts } from './split.js';
import { DataError, type ModelShape, type PreparedData, type Preprocessing, type SampleSet } from './types.js';

type TextSource = Extract<DataIR['source'], { type: 'text' }>;
export type Vocabulary = Extract<Preprocessing, { kind: 'vocabulary' }>;

/** The sorted distinct characters of `chars`, with the unknown slot after them. */
export function buildVocabulary(chars: string[], capacity: number, displayPath: string): Vocabulary {
  const characters = [...new Set(chars)].sort();
  if (characters.length + 1 > capacity) {
    throw new DataError(
      `${displayPath}: the training text has ${characters.length} distinct characters (+1 for unknown), more than the input's ${capacity} features; raise \`features\``,
    );
  }
  return { kind: 'vocabulary', characters, unknownIndex: characters.length };
}

/** Character → one-hot index (unknown characters map to the unknown slot). */
export function encodeText(chars: string[], vocabulary: Vocabulary): Int32Array {
  const index = new Map(vocabulary.characters.map((char, i) => [char, i] as const));
  return Int32Array.from(chars, (char) => index.get(char) ?? vocabulary.unknownIndex);
}

/** Windows of `window` characters every `stride`; targets are the following character at each step. */
export function textWindows(codes: Int32Array, window: number, stride: number, features: number): SampleSet {
  const count = textWindowCount(codes.length, window, stride);
  const x = new Float32Array(count * window * features);
  const y = new Float32Array(count * window * features);
  for (let i = 0; i < count; i++) {
    for (let s = 0; s < window; s++) {
      const t = i * stride + s;
      x[(i * window + s) * features + codes[t]] = 1;
      y[(i * window + s) * features + codes[t + 1]] = 1;
    }
  }
  return { count, steps: window, features, targetShape: [window, features], x, y, naive: null };
}

/** Windows a part of `chars` characters gives: each needs `window` characters and the one after them. */
export function textWindowCount(chars: number, window: number, stride: number): number {
  return chars > window ? Math.floor((chars - window - 1) / stride) + 1 : 0;
}

export async function loadText(
  source: TextSource,
  path: string,
  split: DataIR['split'],
  validationSplit: number,
  shape: ModelShape,
  saved: Preprocessing | null,
  limits: DataLimits,
): Promise<PreparedData> {
  if (!shape.perStep || shape.targetUnits !== shape.features) {
    throw new DataError(`${source.path}: a text model needs an each_step head with as many units as input features (${shape.features})`);
  }
  if (shape.steps !== null && shape.steps !== source.window) {
    throw new DataError(`${source.path}: window ${source.window}, but the model's input has ${shape.steps} steps`);
  }
  // Read whole (one string per character): refuse a file too large for that before reading any of it.
  await checkFileBytes(path, source.path, limits.textFileBytes, 'text');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DataError(`cannot read ${source.path}: ${(error as Error).message}`);
  }
  const chars = Array.from(text);
  if (chars.length === 0) throw new DataError(`${source.path}:1:1: the file is empty`);
  const counts = splitCounts(chars.length, split, validationSplit);
  const vocabulary = saved?.kind === 'vocabulary' ? saved : buildVocabulary(chars.slice(0, counts.train), shape.features, source.path);
  const windows = [counts.train, counts.validation, counts.test].reduce((sum, count) => sum + textWindowCount(count, source.window, source.stride), 0);
  // Inputs and targets are both one-hot over the input's features.
  checkSampleBytes(source.path, { windows, steps: source.window, features: shape.features, targetValues: source.window * shape.features }, limits.sampleBytes, `use a larger stride (\`stride N\` in the source block, now ${source.stride}), a shorter window, or a smaller file`);
  const codes = encodeText(chars, vocabulary);
  const part = (start: number, count: number, name: string): SampleSet => {
    if (count > 0 && count <= source.window) {
      throw new DataError(`${source.path}: the ${name} split has ${count} characters, not more than the window ${source.window}`);
    }
    return textWindows(codes.subarray(start, start + count), source.window, source.stride, shape.features);
  };
  const train = part(0, counts.train, 'train');
  const validation = part(counts.train, counts.validation, 'validation');
  const test = part(counts.train + counts.validation, counts.test, 'test');
  return {
    train,
    validation,
    test,
    preprocessing: vocabulary,
    summary: `text ${source.path}: ${chars.length} characters, vocabulary ${vocabulary.characters.length} → ${train.count} train / ${validation.count} validation / ${test.count} test windows`,
  };
}
