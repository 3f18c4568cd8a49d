/** Sampling text from a trained character-level model, one character at a time, with a temperature. */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../backend/index.js';
import { encodeText, Prng } from '../data/index.js';
import { openRun } from './saved-run.js';
import { TrainError } from './errors.js';

export interface GenerateOptions {
  length: number;
  prime: string;
  /**
   * Divides the log-probabilities before sampling: < 1 sharper, > 1 more random, 0 greedy (always the most
   * probable character). Default 1.
   */
  temperature?: number;
  seed?: number;
  backend?: BackendName;
}

/** The index of the largest of `probabilities[0 … usable−1]` (the first on a tie). */
export function argmaxIndex(probabilities: ArrayLike<number>, usable: number): number {
  let best = 0;
  for (let i = 1; i < usable; i++) if (probabilities[i] > probabilities[best]) best = i;
  return best;
}

/**
 * Samples an index below `usable` from `probabilities` reweighted by `temperature` (0: the argmax). The
 * weights are exp((log p − max log p) / T): subtracting the maximum first keeps the largest weight at exactly
 * 1, so no temperature underflows every weight to 0 or overflows one to Infinity; slots at or above `usable`
 * (the unknown slot, unused features) are never drawn.
 */
export function sampleIndex(probabilities: ArrayLike<number>, temperature: number, random: Prng, usable = probabilities.length): number {
  if (!(temperature >= 0)) throw new RangeError(`temperature must be 0 or more (got ${temperature})`);
  const count = Math.min(usable, probabilities.length);
  if (count < 1) throw new RangeError('nothing to sample from');
  if (temperature === 0) return argmaxIndex(probabilities, count);
  // p = 0 (or NaN) has log −Infinity and weight 0.
  const logs = Array.from({ length: count }, (_, i) => (probabilities[i] > 0 ? Math.log(probabilities[i]) : Number.NEGATIVE_INFINITY));
  const top = Math.max(...logs);
  // Every probability 0: nothing to prefer, so every usable slot is equally likely.
  const weights = top === Number.NEGATIVE_INFINITY ? logs.map(() => 1) : logs.map((log) => Math.exp((log - top) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let threshold = random.next() * total;
  for (let i = 0; i < count; i++) {
    threshold -= weights[i];
    if (threshold < 0) return i;
  }
  // Rounding can leave a tiny remainder; the last slot with any weight is where the draw ended.
  for (let i = count - 1; i > 0; i--) if (weights[i] > 0) return i;
  return 0;
}

/** The prime followed by `length` sampled characters. */
export async function generateText(runDir: string, options: GenerateOptions): Promise<string> {
  await selectBackend(options.backend);
  const { ir, preprocessing, model } = await openRun(runDir);
  try {
    if (preprocessing.kind !== 'vocabulary') throw new TrainError(`${runDir}: --generate needs a model trained on a text source`);
    const temperature = options.temperature ?? 1;
    if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new TrainError('--temperature must be a number, 0 (greedy) or more');
    const features = ir.input.features;
    const window = ir.input.steps ?? 64;
    const random = new Prng(options.seed ?? ir.train.seed);
    const codes = Array.from(encodeText(Array.from(options.prime), preprocessing));
    let text = options.prime;
    for (let n = 0; n < options.length; n++) {
      // The last `window` characters, right-aligned; missing steps at the start stay all-zero.
      const recent = codes.slice(-window);
      const x = new Float32Array(window * features);
      recent.forEach((code, i) => (x[(window - recent.length + i) * features + code] = 1));
      const probabilities = tf.tidy(() => {
        const output = model.predict(tf.tensor3d(x, [1, window, features])) as tf.Tensor;
        return output.slice([0, window - 1, 0], [1, 1, features]).dataSync();
      });
      // Only the vocabulary's characters: the unknown slot and unused features have nothing to print.
      const next = sampleIndex(probabilities, temperature, random, preprocessing.characters.length);
      codes.push(next);
      text += preprocessing.characters[next];
    }
    return text;
  } finally {
    model.dispose();
  }
}
