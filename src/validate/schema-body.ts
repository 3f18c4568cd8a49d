/** JSON Schema of the model body: recurrent layers with their normalization and dropout, and the layers between. */
import { ACTIVATIONS, CELL_KINDS, KERNEL_INITIALIZERS, MASKS, MERGES, NORM_GROUPS, NORM_KINDS, NORM_SITES, RECURRENT_INITIALIZERS } from './enums.js';
import {
  boolean,
  identifier,
  integer,
  listOf,
  number,
  object,
  oneOfWords,
  rate,
  tagged,
  type Schema,
} from './schema-helpers.js';
import { LIMITS } from './limits.js';
import { DROPOUT_FORMS, dropoutFacts, takesMask, type DropoutForm } from '../variants/index.js';


const activation = (description: string): Schema => oneOfWords(ACTIVATIONS, description);

const beta: Schema = {
  type: ['number', 'string'],
  minimum: -LIMITS.magnitude,
  maximum: LIMITS.magnitude,
  pattern: '^none$',
  description: 'Initial shift β, or `none` for no β at all.',
};

const normParameters: Record<string, Schema> = {
  epsilon: number('Added to the variance (the mean square for rms) before the square root.', { exclusiveMin: 0, max: LIMITS.epsilon }),
  gamma: number('Initial gain γ.', { min: -LIMITS.magnitude, max: LIMITS.magnitude }),
  beta,
  groups: oneOfWords(NORM_GROUPS, 'Statistics over all gates together, each gate separately, or the gates apart from the candidate (input, recurrent, gates sites).'),
  carry: boolean('cell site only: carry the normalized c to the next step (true) or use it only for the output (false).'),
  statistics: oneOfWords(['per_step', 'shared'], 'Batch norm only: statistics per time step (Cooijmans) or over batch and time (Laurent; input site only).'),
  max_steps: integer('Batch norm, per-step statistics: how many steps keep their own statistics; later steps use the last.', 1, LIMITS.steps),
  momentum: rate('Batch norm only: population = momentum·population + (1 − momentum)·batch.'),
};

const cellNorm = object(
  {
    preset: identifier('A published variant, expanded to explicit sites (ba2016, tf1_contrib, tfa, cooijmans2016, laurent2016, rms2019).'),
    kind: oneOfWords(NORM_KINDS, 'Normalization kind, with `sites`.'),
    sites: listOf(oneOfWords(NORM_SITES, 'A place inside the cell.'), 'Where the normalization applies: input (W·x), recurrent (U·h), gates (W·x + U·h), cell (LSTM c), hidden (h).'),
    ...normParameters,
  },
  'Normalization inside the cell: a preset, or a kind at explicit sites; later entries replace earlier ones site by site.',
);

/** One dropout form's settings: its rate, and a mask lifetime where the form takes one. */
function dropoutForm(form: DropoutForm): Schema {
  const facts = dropoutFacts(form);
  const mask: Record<string, Schema> = takesMask(form) ? { mask: oneOfWords(MASKS, 'One mask per sequence, or a new mask every step.') } : {};
  return object({ rate: rate(facts.rateDescription), ...mask }, facts.description, ['rate']);
}

const recurrentLayer = object(
  {
    type: oneOfWords(CELL_KINDS, `The cell: ${CELL_KINDS.join(', ')}.`),
    units: integer('Number of units (width of h).', 1, LIMITS.units),
    repeat: integer('Stack this many identical layers (`x N`, at most 100).', 1, LIMITS.repeat),
    name: identifier('Layer name; with `x N`, the layers are NAME_1 … NAME_N.'),
    activation: activation('Candidate / output activation.'),
    recurrent_activation: activation('Gate activation (LSTM, GRU).'),
    sequences: boolean('Return the whole sequence (true) or only the last output (false); implied when absent.'),
    bidirectional: oneOfWords([true, false, ...MERGES], 'Run both directions; the value is how outputs merge (true means concat).'),
    residual: boolean("Add the layer's input to its output (equal widths)."),
    bias: boolean('Whether the cell has a bias.'),
    forget_bias: object(
      {
        value: number('LSTM forget-gate bias.', { min: -LIMITS.magnitude, max: LIMITS.magnitude }),
        mode: oneOfWords(['init', 'constant'], '`init`: initial value of the bias slice; `constant`: added to the forget pre-activation every step (TF1).'),
      },
      'LSTM forget-gate bias.',
      ['value'],
    ),
    reset: oneOfWords(['before', 'after'], 'GRU: reset gate applied before the recurrent matmul (tfjs) or after it (cuDNN, Ba et al.).'),
    initializer: object(
      {
        kernel: oneOfWords(KERNEL_INITIALIZERS, 'Initializer of the input kernel W.'),
        recurrent: oneOfWords(RECURRENT_INITIALIZERS, 'Initializer of the recurrent weight: the matrix U, or the IndRNN\'s vector u (which names fit which: docs/runtime.md, Weights).'),
      },
      'Weight initializers.',
    ),
    norm: { type: 'array', items: cellNorm, description: 'Normalizations inside the cell, in order.' },
    dropout: object(
      Object.fromEntries(DROPOUT_FORMS.map((form) => [form, dropoutForm(form)])),
      'Dropout inside the cell.',
    ),
    zoneout: object(
      { cell: rate('Probability that a unit of c keeps its previous value.'), hidden: rate('Probability that a unit of h keeps its previous value.') },
      'Zoneout (Krueger et al.).',
    ),
    initial_noise: object(
      {
        cell: number('Standard deviation of the Gaussian noise added to the initial cell state c_0 (LSTM) in training.', { min: 0, max: LIMITS.magnitude }),
        hidden: number('Standard deviation of the Gaussian noise added to the initial hidden state h_0 in training.', { min: 0, max: LIMITS.magnitude }),
      },
      'Gaussian noise on the initial state in training, drawn per example and unit (Cooijmans et al. 2016, unpermuted sequential MNIST); zeros at inference.',
    ),
  },
  'A recurrent layer (or a stack of identical ones).',
  ['type', 'units'],
);

const normLayer = object(
  {
    type: oneOfWords(['norm'], 'Normalization of the previous layer’s outputs.'),
    kind: oneOfWords(NORM_KINDS, 'Normalization kind.'),
    name: identifier('Layer name.'),
    epsilon: normParameters.epsilon,
    momentum: normParameters.momentum,
    gamma: normParameters.gamma,
    beta,
  },
  'Normalization between layers (batch norm: statistics over batch and time).',
  ['type', 'kind'],
);

const dropoutLayer = object(
  {
    type: oneOfWords(['dropout'], 'Dropout of the previous layer’s outputs.'),
    rate: rate('Fraction of units dropped.'),
    mask: oneOfWords(MASKS, 'A new mask every step, or one mask per sequence (per feature).'),
    name: identifier('Layer name.'),
  },
  'Dropout between layers.',
  ['type', 'rate'],
);

const denseLayer = object(
  {
    type: oneOfWords(['dense'], 'A dense layer applied at every step.'),
    units: integer('Output width.', 1, LIMITS.units),
    activation: activation('Activation (default linear).'),
    name: identifier('Layer name.'),
  },
  'A dense layer applied at every step.',
  ['type', 'units'],
);

export const bodySchema: Schema = {
  type: 'array',
  description: 'The body, in order from the input.',
  items: tagged([recurrentLayer, normLayer, dropoutLayer, denseLayer], 'A body layer; `type` says which.'),
};
