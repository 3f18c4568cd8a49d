/**
 * Seeded synthetic tasks: sine → cosine, the adding problem, and the copy task (defined in docs/training.md).
 */
import { SYNTHETIC_SHAPES, type SyntheticShape } from '../ir/synthetic-tasks.js';
import type { DataIR, SyntheticTask } from '../ir/types.js';
import { checkSampleBytes } from './limits.js';
import { Prng } from './prng.js';
import { splitCounts, splitSamples } from './split.js';
import { DataError, type ModelShape, type PreparedData, type SampleSet } from './types.js';

type SyntheticSource = Extract<DataIR['source'], { type: 'synthetic' }>;

/** Copy task alphabet: symbols 0–7 are data, 8 is the blank, 9 the delimiter ("now repeat"). */
export const COPY_BLANK = 8;
export const COPY_DELIMITER = 9;
const COPY_SYMBOLS = 8;

/** Fills one sample's inputs `x` ([steps, features]) and targets `y`. */
type Fill = (random: Prng, steps: number, x: Float32Array, y: Float32Array) => void;

/** A task's shape (src/ir/synthetic-tasks.ts, which validation also checks specs against) and its generator. */
type TaskDefinition = SyntheticShape & { fill: Fill };

const TASKS: Record<SyntheticTask, TaskDefinition> = {
  sine_cosine: { ...SYNTHETIC_SHAPES.sine_cosine, fill: fillSineCosine },
  adding: { ...SYNTHETIC_SHAPES.adding, fill: fillAdding },
  copy: { ...SYNTHETIC_SHAPES.copy, fill: fillCopy },
};

/**
 * x = sin(ωt + φ), y = cos(ωt + φ) at every step, with ω ~ U[0.1, 0.6) radians per step and φ ~ U[−π/2, π/2).
 * The phase range makes cos(φ) ≥ 0, so even the first target is determined by the inputs seen so far (with
 * φ over the whole circle its sign would be a coin toss, an error no model could remove).
 */
function fillSineCosine(random: Prng, steps: number, x: Float32Array, y: Float32Array): void {
  const omega = random.uniform(0.1, 0.6);
  const phase = random.uniform(-Math.PI / 2, Math.PI / 2);
  for (let t = 0; t < steps; t++) {
    x[t] = Math.sin(omega * t + phase);
    y[t] = Math.cos(omega * t + phase);
  }
}

/**
 * The adding problem: step features are [value ~ U[0, 1), marker]; exactly two steps are marked, one in each
 * half of the sequence, and the target is the sum of their values.
 */
function fillAdding(random: Prng, steps: number, x: Float32Array, y: Float32Array): void {
  const half = Math.max(1, Math.floor(steps / 2));
  const first = random.int(half);
  const second = half + random.int(steps - half);
  for (let t = 0; t < steps; t++) x[t * 2] = random.next();
  x[first * 2 + 1] = 1;
  x[second * 2 + 1] = 1;
  y[0] = x[first * 2] + x[second * 2];
}

/**
 * The copy task over `steps` = T steps with K = ⌊T/3⌋ symbols: the input shows K data symbols, blanks, the
 * delimiter at step T−K−1 and blanks; the target is blank everywhere except the last K steps, which repeat
 * the data symbols in order. Inputs and targets are one-hot over 10 classes.
 */
function fillCopy(random: Prng, steps: number, x: Float32Array, y: Float32Array): void {
  const k = Math.floor(steps / 3);
  const symbols = Array.from({ length: k }, () => random.int(COPY_SYMBOLS));
  for (let t = 0; t < steps; t++) {
    let input = COPY_BLANK;
    if (t < k) input = symbols[t];
    else if (t === steps - k - 1) input = COPY_DELIMITER;
    const target = t >= steps - k ? symbols[t - (steps - k)] : COPY_BLANK;
    x[t * 10 + input] = 1;
    y[t * 10 + target] = 1;
  }
}

/** Generates the task's samples and splits them in generation order. */
export function loadSynthetic(source: SyntheticSource, split: DataIR['split'], validationSplit: number, shape: ModelShape, sampleBytesLimit: number): PreparedData {
  const task = TASKS[source.task];
  const steps = source.steps;
  checkShape(source, task, shape);
  if (source.task === 'copy' && steps < 3) throw new DataError(`synthetic copy: steps must be at least 3 (got ${steps})`);
  const ySize = task.perStep ? steps * task.targetUnits : task.targetUnits;
  checkSampleBytes(`synthetic ${source.task}`, { windows: source.samples, steps, features: task.features, targetValues: ySize }, sampleBytesLimit, 'use fewer samples or steps');
  const all: SampleSet = {
    count: source.samples,
    steps,
    features: task.features,
    targetShape: task.perStep ? [steps, task.targetUnits] : [task.targetUnits],
    x: new Float32Array(source.samples * steps * task.features),
    y: new Float32Array(source.samples * ySize),
    naive: null,
  };
  const random = new Prng(source.seed);
  for (let i = 0; i < source.samples; i++) {
    const x = all.x.subarray(i * steps * task.features, (i + 1) * steps * task.features);
    task.fill(random, steps, x, all.y.subarray(i * ySize, (i + 1) * ySize));
  }
  const counts = splitCounts(source.samples, split, validationSplit);
  return {
    ...splitSamples(all, counts),
    preprocessing: { kind: 'none' },
    summary: `synthetic ${source.task} (seed ${source.seed}): ${counts.train} train / ${counts.validation} validation / ${counts.test} test sequences of ${steps} steps`,
  };
}

function checkShape(source: SyntheticSource, task: TaskDefinition, shape: ModelShape): void {
  const name = `synthetic ${source.task}`;
  if (shape.features !== task.features) {
    throw new DataError(`${name} has ${task.features} feature(s) per step, but the model's input has ${shape.features}`);
  }
  if (shape.steps !== null && shape.steps !== source.steps) {
    throw new DataError(`${name} generates ${source.steps} steps, but the model's input has ${shape.steps}`);
  }
  if (shape.targetUnits !== task.targetUnits || shape.perStep !== task.perStep) {
    const wanted = `${task.targetUnits} unit(s) ${task.perStep ? 'at each_step' : 'per sequence (last_step, mean or max)'}`;
    throw new DataError(`${name} needs a head of ${wanted}; the model's head has ${shape.targetUnits} unit(s) ${shape.perStep ? 'at each_step' : 'per sequence'}`);
  }
}
