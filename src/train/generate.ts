/** Sampling text from a trained character-level model, one character at a time, with a temperature. */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../backend/index.js';
import { encodeText, Prng } from '../data/index.js';
import { openRun } from './saved-run.js';
import { TrainError } from './session.js';

export interface GenerateOptions {
  length: number;
  prime: string;
  /** Divides the log-probabilities before sampling: < 1 sharper, > 1 more random. Default 1. */
  temperature?: number;
  seed?: number;
  backend?: BackendName;
}

/** Samples an index from probabilities reweighted by `temperature`. */
export function sampleIndex(probabilities: ArrayLike<number>, temperature: number, random: Prng): number {
  const weights = Array.from(probabilities, (p) => Math.exp(Math.log(Math.max(p, 1e-12)) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let threshold = random.next() * total;
  for (let i = 0; i < weights.length; i++) {
    threshold -= weights[i];
    if (threshold < 0) return i;
  }
  return weights.length - 1;
}

/** The prime followed by `length` sampled characters. */
export async function generateText(runDir: string, options: GenerateOptions): Promise<string> {
  await selectBackend(options.backend);
  const { ir, preprocessing, model } = await openRun(runDir);
  try {
    if (preprocessing.kind !== 'vocabulary') throw new TrainError(`${runDir}: --generate needs a model trained on a text source`);
    const temperature = options.temperature ?? 1;
    if (!(temperature > 0)) throw new TrainError('--temperature must be greater than 0');
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
      // The unknown slot is never a useful character to emit.
      const usable = Array.from(probabilities, (p, i) => (i < preprocessing.characters.length ? p : 0));
      const next = sampleIndex(usable, temperature, random);
      codes.push(next);
      text += preprocessing.characters[next];
    }
    return text;
  } finally {
    model.dispose();
  }
}
