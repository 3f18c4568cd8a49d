/** Column standardization with statistics from the training rows only. */
import type { ColumnStatistics } from './types.js';

/** Mean and population standard deviation of `values[0 … count−1]`; a constant column gets std 1. */
export function columnStatistics(column: string, values: Float64Array, count: number): ColumnStatistics {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[i];
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < count; i++) squares += (values[i] - mean) ** 2;
  const std = Math.sqrt(squares / count);
  // A constant column would divide by zero; leaving it centred keeps it harmless.
  return { column, mean, std: std > 0 ? std : 1 };
}

export function standardizeColumn(values: Float64Array, stats: ColumnStatistics): Float64Array {
  return values.map((value) => (value - stats.mean) / stats.std);
}

export function unstandardize(value: number, stats: ColumnStatistics): number {
  return value * stats.std + stats.mean;
}
