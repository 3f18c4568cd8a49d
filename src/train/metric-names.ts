/**
 * The names metrics are reported under: the spec's snake_case names (`categorical_accuracy`), not tfjs's
 * camelCase ones (`categoricalAccuracy`, from `model.metricsNames`). Every place that shows or writes a metric
 * name (progress lines, history.json, run.json, evaluate, the curves) goes through `specMetricName`.
 */
import type * as tf from '@tensorflow/tfjs';

/** Appended to a metric's name for its value in the targets' original (unstandardized) units. */
export const ORIGINAL_UNITS_SUFFIX = '_original_units';

/**
 * `categoricalAccuracy` → `categorical_accuracy`, `val_binaryAccuracy` → `val_binary_accuracy`. tfjs writes
 * `OUTPUT_metric` for a model with several outputs; only the part after the last `_` is tfjs's camelCase
 * metric name, so an output (head) name keeps its spelling. Names already in snake_case are unchanged.
 */
export function specMetricName(name: string): string {
  return name.replace(/[^_]*$/, (metric) => metric.replace(/(?<=[a-z0-9])([A-Z])/g, (letter: string) => `_${letter.toLowerCase()}`));
}

/** `model.metricsNames` (loss first, then the heads' metrics, in tfjs's order) under the spec's names. */
export function specMetricNames(model: tf.LayersModel): string[] {
  return model.metricsNames.map(specMetricName);
}

/** The same metrics with every key under its spec name (for histories written before the names were mapped). */
export function withSpecMetricNames(metrics: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).map(([name, value]) => [specMetricName(name), value]));
}
