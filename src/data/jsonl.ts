/**
 * JSON Lines: one `{"x": [[…], …], "y": …}` sample per line. Sequences of different lengths are padded with
 * the input's padding value (so the model masks them); splits follow file order.
 */
import { readFile } from 'node:fs/promises';
import type { DataIR } from '../ir/types.js';
import { checkFileBytes } from './file-limits.js';
import { checkSampleBytes, DEFAULT_LIMITS, type DataLimits } from './limits.js';
import { splitCounts, splitSamples } from './split.js';
import { DataError, type ModelShape, type PreparedData, type SampleSet } from './types.js';

interface RawSample {
  x: number[][];
  y: number[][] | number[];
  line: number;
}

/** Parses the samples of a JSON Lines text; `y` is omitted (an empty array) when `requireTargets` is false. */
export function parseJsonl(text: string, displayPath: string, shape: ModelShape, requireTargets: boolean): RawSample[] {
  const samples: RawSample[] = [];
  text.split(/\r?\n/).forEach((lineText, index) => {
    if (lineText.trim() === '') return;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (error) {
      throw new DataError(`${displayPath}:${line}:${jsonErrorColumn(lineText)}: not valid JSON (${(error as Error).message})`);
    }
    samples.push(checkSample(value, shape, requireTargets, `${displayPath}:${line}`, line));
  });
  if (samples.length === 0) throw new DataError(`${displayPath}:1:1: the file has no samples`);
  return samples;
}

/**
 * 1-based column of a JSON syntax error. Node 20's messages carry no position, so this finds the shortest
 * prefix that fails for a reason other than ending early: prefixes before the bad character either parse
 * or end early, every longer one contains it.
 */
export function jsonErrorColumn(lineText: string): number {
  const containsError = (length: number): boolean => {
    try {
      JSON.parse(lineText.slice(0, length));
      return false;
    } catch (error) {
      const message = (error as Error).message;
      if (/end of JSON input|Unterminated/i.test(message)) return false;
      // "Expected ',' … at position N" with N at the prefix's end also means it merely stopped early.
      const position = /position (\d+)/.exec(message);
      return position === null || Number(position[1]) < length;
    }
  };
  if (!containsError(lineText.length)) return lineText.trimEnd().length + 1;
  let low = 0;
  let high = lineText.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (containsError(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

function isNumberArray(value: unknown, length?: number): value is number[] {
  return Array.isArray(value) && (length === undefined || value.length === length) && value.every((v) => typeof v === 'number' && Number.isFinite(v));
}

function checkSample(value: unknown, shape: ModelShape, requireTargets: boolean, where: string, line: number): RawSample {
  const at = `${where}:1`;
  if (typeof value !== 'object' || value === null || !('x' in value)) throw new DataError(`${at}: expected an object with "x"${requireTargets ? ' and "y"' : ''}`);
  const { x, y } = value as { x: unknown; y?: unknown };
  if (!Array.isArray(x) || x.length === 0 || !x.every((step) => isNumberArray(step, shape.features))) {
    throw new DataError(`${at}: "x" must be a non-empty list of steps, each a list of ${shape.features} numbers`);
  }
  if (shape.steps !== null && x.length > shape.steps) throw new DataError(`${at}: "x" has ${x.length} steps; the model takes at most ${shape.steps}`);
  if (!requireTargets) return { x: x as number[][], y: [], line };
  if (y === undefined) throw new DataError(`${at}: missing "y"`);
  return { x: x as number[][], y: checkTarget(y, x.length, shape, at), line };
}

function checkTarget(y: unknown, steps: number, shape: ModelShape, at: string): number[][] | number[] {
  const units = shape.targetUnits;
  if (shape.perStep) {
    if (!Array.isArray(y) || y.length !== steps || !y.every((step) => isNumberArray(step, units))) {
      throw new DataError(`${at}: "y" must give ${units} number(s) for each of the ${steps} steps (the head predicts at each step)`);
    }
    return y as number[][];
  }
  const flat = typeof y === 'number' ? [y] : y;
  if (!isNumberArray(flat, units)) throw new DataError(`${at}: "y" must be ${units === 1 ? 'a number' : `a list of ${units} numbers`}`);
  return flat;
}

/**
 * Pads every sequence to one length with the padding value (targets of padded steps are 0); refuses, before
 * allocating, samples that would take more than `sampleBytesLimit` bytes once padded.
 */
export function padSamples(samples: RawSample[], shape: ModelShape, displayPath: string, sampleBytesLimit = DEFAULT_LIMITS.sampleBytes): SampleSet {
  // A loop, not Math.max(...lengths): spreading hundreds of thousands of arguments overflows the stack.
  const longest = samples.reduce((most, sample) => Math.max(most, sample.x.length), 0);
  const steps = shape.steps ?? longest;
  const ragged = samples.find((sample) => sample.x.length !== steps);
  if (ragged !== undefined && shape.padding === null) {
    throw new DataError(`${displayPath}:${ragged.line}:1: ${ragged.x.length} steps instead of ${steps}; variable-length data needs \`padding\` in the input block`);
  }
  const units = shape.targetUnits;
  const ySize = shape.perStep ? steps * units : units;
  checkSampleBytes(
    displayPath,
    { windows: samples.length, steps, features: shape.features, targetValues: ySize },
    sampleBytesLimit,
    'use fewer or shorter sequences (every sequence is padded to the longest), or a smaller file',
  );
  const x = new Float32Array(samples.length * steps * shape.features).fill(shape.padding ?? 0);
  const y = new Float32Array(samples.length * ySize);
  samples.forEach((sample, i) => {
    sample.x.forEach((step, t) => x.set(step, (i * steps + t) * shape.features));
    if (sample.y.length === 0) return;
    if (shape.perStep) (sample.y as number[][]).forEach((step, t) => y.set(step, i * ySize + t * units));
    else y.set(sample.y as number[], i * ySize);
  });
  return { count: samples.length, steps, features: shape.features, targetShape: shape.perStep ? [steps, units] : [units], x, y, naive: null };
}

export async function loadJsonl(
  source: Extract<DataIR['source'], { type: 'jsonl' }>,
  path: string,
  split: DataIR['split'],
  validationSplit: number,
  shape: ModelShape,
  limits: DataLimits,
): Promise<PreparedData> {
  // Read whole: refuse a file too large for that before reading any of it.
  await checkFileBytes(path, source.path, limits.jsonlFileBytes, 'JSON Lines');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw DataError.unreadable(source.path, error);
  }
  const all = padSamples(parseJsonl(text, source.path, shape, true), shape, source.path, limits.sampleBytes);
  const counts = splitCounts(all.count, split, validationSplit);
  return {
    ...splitSamples(all, counts),
    preprocessing: { kind: 'none' },
    summary: `jsonl ${source.path}: ${counts.train} train / ${counts.validation} validation / ${counts.test} test sequences (padded to ${all.steps} steps)`,
  };
}
