/**
 * Text for a character-level language model: plain text is split chronologically; a fortune file's records
 * (format `fortune`) are shuffled by the source's seed and dealt whole to the splits, so that no record is
 * shared between training and validation. The vocabulary is built from the training part (plus one slot for
 * characters it never saw), each part is windowed on its own (no window straddles two parts), and each
 * window's target is the next character at every step, one-hot.
 */
import { readFile, stat } from 'node:fs/promises';
import type { DataIR } from '../ir/types.js';
import { checkFileBytes } from './file-limits.js';
import { DEFAULTS } from '../ir/defaults.js';
import { FORTUNE_FILES_HINT } from '../ir/text-sources.js';
import { checkSampleBytes, type DataLimits } from './limits.js';
import { Prng } from './prng.js';
import { splitCounts, type SplitCounts } from './split.js';
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

/** A text's three parts, as characters (one string per code point). */
interface TextParts {
  train: string[];
  validation: string[];
  test: string[];
  /** How the text was divided, for the summary line. */
  description: string;
}

/**
 * The records of a fortune file (strfile's format): the text between lines that hold only `%`, each with its
 * line breaks, records of nothing but white space dropped.
 */
export function fortuneRecords(text: string): string[] {
  const records: string[] = [];
  let lines: string[] = [];
  const close = (): void => {
    const record = lines.join('\n');
    if (record.trim() !== '') records.push(`${record}\n`);
    lines = [];
  };
  for (const line of text.split(/\r?\n/)) {
    if (line === '%') close();
    else lines.push(line);
  }
  close();
  return records;
}

/**
 * `splitCounts`, except that a test fraction of 0 gets nothing: the one or two items that rounding the other
 * fractions down leaves over go to training instead of making a test part too short for a window.
 */
function textSplitCounts(total: number, split: DataIR['split'], validationSplit: number): SplitCounts {
  const counts = splitCounts(total, split, validationSplit);
  return split.test === 0 ? { ...counts, train: counts.train + counts.test, test: 0 } : counts;
}

/** Plain text in order: the first characters train, the next validate, the last test. */
function plainParts(chars: string[], split: DataIR['split'], validationSplit: number): TextParts {
  const counts = textSplitCounts(chars.length, split, validationSplit);
  return {
    train: chars.slice(0, counts.train),
    validation: chars.slice(counts.train, counts.train + counts.validation),
    test: chars.slice(counts.train + counts.validation),
    description: `${chars.length} characters`,
  };
}

/** Whole records in an order shuffled by `seed`, dealt by count: the split fractions are fractions of records. */
function fortuneParts(text: string, seed: number, split: DataIR['split'], validationSplit: number, displayPath: string): TextParts {
  const records = fortuneRecords(text);
  if (records.length === 0) throw new DataError(`${displayPath}: no fortune records (text between lines holding only %)`);
  const order = new Prng(seed).permutation(records.length).map((index) => records[index]);
  const counts = textSplitCounts(records.length, split, validationSplit);
  const part = (start: number, count: number): string[] => Array.from(order.slice(start, start + count).join(''));
  return {
    train: part(0, counts.train),
    validation: part(counts.train, counts.validation),
    test: part(counts.train + counts.validation, counts.test),
    description: `${records.length} fortunes (${counts.train} / ${counts.validation} / ${counts.test})`,
  };
}

/**
 * The file's text. A fortune file that is not there is most likely a package that is not installed: the message
 * says which one, instead of the file system's error.
 */
async function readTextFile(source: TextSource, path: string, limits: DataLimits): Promise<string> {
  if (source.format === 'fortune' && !(await stat(path).then((stats) => stats.isFile(), () => false))) {
    throw new DataError(`cannot read fortune file ${source.path}: no such file; ${FORTUNE_FILES_HINT}`, true);
  }
  // Read whole (one string per character): refuse a file too large for that before reading any of it.
  await checkFileBytes(path, source.path, limits.textFileBytes, 'text');
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw DataError.unreadable(source.path, error);
  }
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
  const text = await readTextFile(source, path, limits);
  if (text.length === 0) throw new DataError(`${source.path}:1:1: the file is empty`);
  // Runs saved before `format` existed have none: their text is plain.
  const parts = source.format === 'fortune' ? fortuneParts(text, source.seed ?? DEFAULTS.data.text.seed, split, validationSplit, source.path) : plainParts(Array.from(text), split, validationSplit);
  const vocabulary = saved?.kind === 'vocabulary' ? saved : buildVocabulary(parts.train, shape.features, source.path);
  const windows = [parts.train, parts.validation, parts.test].reduce((sum, chars) => sum + textWindowCount(chars.length, source.window, source.stride), 0);
  // Inputs and targets are both one-hot over the input's features.
  checkSampleBytes(source.path, { windows, steps: source.window, features: shape.features, targetValues: source.window * shape.features }, limits.sampleBytes, `use a larger stride (\`stride N\` in the source block, now ${source.stride}), a shorter window, or a smaller file`);
  const part = (chars: string[], name: string): SampleSet => {
    if (chars.length > 0 && chars.length <= source.window) {
      throw new DataError(`${source.path}: the ${name} split has ${chars.length} characters, not more than the window ${source.window}`);
    }
    return textWindows(encodeText(chars, vocabulary), source.window, source.stride, shape.features);
  };
  const train = part(parts.train, 'train');
  const validation = part(parts.validation, 'validation');
  const test = part(parts.test, 'test');
  return {
    train,
    validation,
    test,
    preprocessing: vocabulary,
    summary: `text ${source.path}: ${parts.description}, vocabulary ${vocabulary.characters.length} → ${train.count} train / ${validation.count} validation / ${test.count} test windows`,
  };
}
