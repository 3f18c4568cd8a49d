/** Checks a weights buffer against its tfjs manifest entries before anything decodes it. */
import * as tf from '@tensorflow/tfjs';
import { RunFileError } from './errors.js';

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** Whether `specs` is a list of `{name, shape, dtype}` entries as tfjs writes them. */
function isSpecList(specs: unknown): specs is tf.io.WeightsManifestEntry[] {
  return (
    Array.isArray(specs) &&
    specs.every((spec: Partial<tf.io.WeightsManifestEntry>) => typeof spec?.name === 'string' && typeof spec.dtype === 'string' && Array.isArray(spec.shape) && spec.shape.every((size) => Number.isInteger(size) && size >= 0))
  );
}

/**
 * Refuses weights that would decode into something other than what was saved: entries that are not
 * well-formed, dtypes or quantization seqnet never writes, a buffer of the wrong length (truncated or padded),
 * and float values that are NaN or infinite (a model with such weights predicts nothing useful).
 * `path` names the weights file in messages; `described` names the file holding the specs.
 */
export function checkWeightData(path: string, described: string, specs: unknown, data: ArrayBuffer): asserts specs is tf.io.WeightsManifestEntry[] {
  if (!isSpecList(specs)) throw new RunFileError(described, 'its weight list is not a list of {name, shape, dtype} entries');
  let offset = 0;
  for (const spec of specs) {
    const width = BYTES_PER_ELEMENT[spec.dtype];
    if (width === undefined || spec.quantization !== undefined) throw new RunFileError(described, `weight '${spec.name}' has dtype ${spec.dtype}${spec.quantization === undefined ? '' : ' (quantized)'}, which seqnet never writes`);
    const bytes = elementCount(spec.shape) * width;
    if (offset + bytes > data.byteLength) break;
    if (spec.dtype === 'float32') {
      const values = new Float32Array(data, offset, bytes / 4);
      if (!values.every(Number.isFinite)) throw new RunFileError(path, `weight '${spec.name}' holds NaN or infinite values; the weights are unusable (restore the file, or train again)`);
    }
    offset += bytes;
  }
  const expected = specs.reduce((sum, spec) => sum + elementCount(spec.shape) * BYTES_PER_ELEMENT[spec.dtype], 0);
  if (expected !== data.byteLength) throw new RunFileError(path, `holds ${data.byteLength} bytes but ${described} describes ${expected}; the file is truncated or does not belong to it`);
}
