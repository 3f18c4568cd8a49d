/**
 * CSV time series: named feature and target columns cut into windows. The series is split chronologically
 * first and each part windowed on its own, so no window straddles a boundary; standardization uses the
 * training rows' statistics only.
 */
import type { DataIR } from '../ir/types.js';
import { readNumericCsv } from './csv-table.js';
import { checkSampleBytes, type DataLimits } from './limits.js';
import { splitCounts } from './split.js';
import { columnStatistics, standardizeColumn } from './standardize.js';
import { DataError, type ColumnStatistics, type ModelShape, type PreparedData, type Preprocessing, type SampleSet } from './types.js';

export type CsvSource = Extract<DataIR['source'], { type: 'csv' }>;

/** Where the windows come from: standardized columns and the rows [start, end) of one part. */
interface WindowRange {
  features: Float64Array[];
  targets: Float64Array[];
  /** The target columns' positions among the features, when every target is also a feature (naive baseline). */
  targetsInFeatures: number[] | null;
  start: number;
  end: number;
}

export async function loadCsv(
  source: CsvSource,
  path: string,
  split: DataIR['split'],
  validationSplit: number,
  shape: ModelShape,
  saved: Preprocessing | null,
  limits: DataLimits,
): Promise<PreparedData> {
  checkCsvShape(source, shape);
  const names = [...new Set([...source.features, ...source.targets])];
  const table = await readNumericCsv(path, source.path, names, source.delimiter);
  const counts = splitCounts(table.rows, split, validationSplit);
  checkCsvSampleBytes(source, shape.perStep, [counts.train, counts.validation, counts.test], limits.sampleBytes);
  const preprocessing = saved ?? fitStandardization(source, table.columns, counts.train);
  const column = (name: string, stats: ColumnStatistics[]): Float64Array => {
    const values = table.columns.get(name) as Float64Array;
    const found = stats.find((entry) => entry.column === name);
    return found === undefined ? values : standardizeColumn(values, found);
  };
  const featureStats = preprocessing.kind === 'standardize' ? preprocessing.features : [];
  const targetStats = preprocessing.kind === 'standardize' ? preprocessing.targets : [];
  const base = {
    features: source.features.map((name) => column(name, featureStats)),
    targets: source.targets.map((name) => column(name, targetStats)),
    targetsInFeatures: targetPositions(source),
  };
  const bounds = { train: [0, counts.train], validation: [counts.train, counts.train + counts.validation], test: [counts.train + counts.validation, table.rows] };
  const parts = Object.fromEntries(
    (['train', 'validation', 'test'] as const).map((part) => {
      const [start, end] = bounds[part];
      return [part, windowPart(source, shape.perStep, { ...base, start, end }, part)];
    }),
  ) as Record<'train' | 'validation' | 'test', SampleSet>;
  return {
    ...parts,
    preprocessing,
    summary: `csv ${source.path}: ${table.rows} rows → ${parts.train.count} train / ${parts.validation.count} validation / ${parts.test.count} test windows of ${source.window} steps`,
  };
}

function checkCsvShape(source: CsvSource, shape: ModelShape): void {
  if (source.features.length !== shape.features) {
    throw new DataError(`${source.path}: ${source.features.length} feature column(s), but the model's input has ${shape.features} features`);
  }
  if (source.targets.length !== shape.targetUnits) {
    throw new DataError(`${source.path}: ${source.targets.length} target column(s), but the model's head has ${shape.targetUnits} units`);
  }
  if (shape.steps !== null && shape.steps !== source.window) {
    throw new DataError(`${source.path}: window ${source.window}, but the model's input has ${shape.steps} steps`);
  }
}

/** Windows a part of `rows` rows gives (0 when it is shorter than one window plus the horizon). */
export function windowCount(rows: number, window: number, horizon: number, stride: number): number {
  return rows >= window + horizon ? Math.floor((rows - window - horizon) / stride) + 1 : 0;
}

/** Refuses, before any window is allocated, data whose windows would not fit in `limit` bytes. */
function checkCsvSampleBytes(source: CsvSource, perStep: boolean, partRows: number[], limit: number): void {
  const windows = partRows.reduce((sum, rows) => sum + windowCount(rows, source.window, source.horizon, source.stride), 0);
  const targets = (perStep ? source.window : 1) * source.targets.length;
  const naiveCopies = targetPositions(source) === null ? 1 : 2;
  checkSampleBytes(
    source.path,
    { windows, steps: source.window, features: source.features.length, targetValues: targets * naiveCopies },
    limit,
    `use a shorter window, a larger stride (\`stride N\` in the source block, now ${source.stride}), fewer feature columns, or a smaller file`,
  );
}

function fitStandardization(source: CsvSource, columns: Map<string, Float64Array>, trainRows: number): Preprocessing {
  if (!source.standardize) return { kind: 'none' };
  if (trainRows < 2) throw new DataError(`${source.path}: the training split has ${trainRows} row(s), too few to standardize`);
  const stats = (name: string): ColumnStatistics => columnStatistics(name, columns.get(name) as Float64Array, trainRows);
  return { kind: 'standardize', features: source.features.map(stats), targets: source.targets.map(stats) };
}

function targetPositions(source: CsvSource): number[] | null {
  const positions = source.targets.map((name) => source.features.indexOf(name));
  return positions.every((position) => position >= 0) ? positions : null;
}

/** Windows of one part; an empty part gives no windows, a non-empty part shorter than one window is an error. */
function windowPart(source: CsvSource, perStep: boolean, range: WindowRange, part: string): SampleSet {
  const length = range.end - range.start;
  const span = source.window + source.horizon;
  if (length > 0 && length < span) {
    throw new DataError(
      `${source.path}: the ${part} split has ${length} rows, shorter than window ${source.window} + horizon ${source.horizon}; use a shorter window or a larger ${part} fraction`,
    );
  }
  return makeWindows(range, { window: source.window, horizon: source.horizon, stride: source.stride, perStep });
}

export interface WindowOptions {
  window: number;
  horizon: number;
  stride: number;
  perStep: boolean;
}

/**
 * Windows starting at `start, start+stride, …`: inputs are rows [t, t+window); the target for input step s
 * is the target row t+s+horizon (every step for a per-step head, the last step otherwise).
 */
export function makeWindows(range: WindowRange, options: WindowOptions): SampleSet {
  const { window, horizon, stride, perStep } = options;
  const featureCount = range.features.length;
  const units = range.targets.length;
  const length = range.end - range.start;
  const count = windowCount(length, window, horizon, stride);
  const stepsWithTargets = perStep ? window : 1;
  const x = new Float32Array(count * window * featureCount);
  const y = new Float32Array(count * stepsWithTargets * units);
  const naive = range.targetsInFeatures === null ? null : new Float32Array(y.length);
  for (let i = 0; i < count; i++) {
    const t = range.start + i * stride;
    for (let s = 0; s < window; s++) {
      for (let f = 0; f < featureCount; f++) x[(i * window + s) * featureCount + f] = range.features[f][t + s];
    }
    for (let s = 0; s < stepsWithTargets; s++) {
      const step = perStep ? s : window - 1;
      for (let u = 0; u < units; u++) {
        const at = (i * stepsWithTargets + s) * units + u;
        y[at] = range.targets[u][t + step + horizon];
        if (naive !== null) naive[at] = range.features[(range.targetsInFeatures as number[])[u]][t + step];
      }
    }
  }
  return { count, steps: window, features: featureCount, targetShape: perStep ? [window, units] : [units], x, y, naive };
}
