/**
 * The registry of every diagnostic code: severity, title, explanation and an example. docs/diagnostics.md is
 * generated from it, and `createDiagnostic` takes the severity from here so a code can never change meaning.
 */
import { SYNTAX_CODES } from '../ast/syntax-codes.js';
import { CELL_KINDS } from '../variants/cells.js';
import type { Severity } from './types.js';

export interface DiagnosticCodeInfo {
  code: string;
  severity: Severity;
  title: string;
  explanation: string;
  /** A short spec fragment that triggers the diagnostic. */
  example?: string;
}

/** Codes of the structure (SN1xxx), semantic (SN2xxx) and warning (SN3xxx) diagnostics. */
export const Code = {
  ReadError: 'SN1000',
  InvalidJson: 'SN1001',
  UnknownField: 'SN1002',
  InvalidValue: 'SN1003',
  WrongType: 'SN1004',
  OutOfRange: 'SN1005',
  MissingField: 'SN1006',
  WrongArguments: 'SN1007',
  DuplicateStatement: 'SN1008',
  InvalidShape: 'SN1009',
  VersionNotFirst: 'SN1010',
  UnsupportedVersion: 'SN1011',
  BlockMismatch: 'SN1012',
  MoreErrors: 'SN1013',
  DuplicateName: 'SN2001',
  SiteNotInCell: 'SN2002',
  GruGatesGroupedAll: 'SN2003',
  PresetNotForCell: 'SN2004',
  MaxStepsRequired: 'SN2005',
  SharedStatisticsSite: 'SN2006',
  SequenceRequired: 'SN2007',
  ResidualWidths: 'SN2008',
  DataMismatch: 'SN2009',
  SplitSum: 'SN2010',
  NoRecurrentLayer: 'SN2011',
  IncompleteNorm: 'SN2012',
  DataStepsRequired: 'SN2013',
  InvalidName: 'SN2014',
  ModelTooLarge: 'SN2015',
  InitializerNotForCell: 'SN2016',
  InitializerStepsRequired: 'SN2017',
  NoEffect: 'SN3001',
  LossActivation: 'SN3002',
  MoreWarnings: 'SN3003',
} as const;

export type CodeValue = (typeof Code)[keyof typeof Code];

const FRONT_END_CODES: readonly DiagnosticCodeInfo[] = [
  { code: Code.ReadError, severity: 'error', title: 'cannot read file', explanation: 'The spec file does not exist or cannot be read.' },
  {
    code: Code.InvalidJson,
    severity: 'error',
    title: 'invalid JSON',
    explanation: 'A `.seqnet.json` file must be one JSON object; the text is not valid JSON.',
    example: '{ "seqnet": 1, }',
  },
  {
    code: Code.UnknownField,
    severity: 'error',
    title: 'unknown statement or field',
    explanation: 'The keyword (or JSON field) does not exist in this block. The hint suggests the closest known one.',
    example: 'lstm 32 {\n  recurent_activation sigmoid\n}',
  },
  {
    code: Code.InvalidValue,
    severity: 'error',
    title: 'invalid value',
    explanation: 'The value is not one of the allowed words; the hint lists them.',
    example: 'activation tanhh',
  },
  {
    code: Code.WrongType,
    severity: 'error',
    title: 'wrong type of value',
    explanation: 'A number, word, string or `true`/`false` was expected and something else was given.',
    example: 'units many',
  },
  {
    code: Code.OutOfRange,
    severity: 'error',
    title: 'value out of range',
    explanation: 'The number is outside its valid range (for example a rate must be at least 0 and below 1; counts are positive integers).',
    example: 'dropout recurrent 1.5',
  },
  {
    code: Code.MissingField,
    severity: 'error',
    title: 'missing required statement',
    explanation: 'The block lacks a statement that has no default, such as `units` in a `head` or `features` in `input`.',
    example: 'head y { activation linear }',
  },
  {
    code: Code.WrongArguments,
    severity: 'error',
    title: 'wrong arguments',
    explanation: 'The statement has too many or too few arguments, or a fixed word (such as `x` in `lstm 32 x 2` or `at` in `norm layer at input`) is missing.',
    example: 'lstm 32 2',
  },
  {
    code: Code.DuplicateStatement,
    severity: 'error',
    title: 'statement repeated',
    explanation: 'The statement may appear only once in its block; the second one is reported.',
    example: 'input {\n  steps 10\n  steps 20\n}',
  },
  {
    code: Code.InvalidShape,
    severity: 'error',
    title: 'invalid value',
    explanation: 'The value breaks a structural rule of the spec, such as a list that must not be empty or contain repeats.',
    example: 'norm layer at input input',
  },
  {
    code: Code.VersionNotFirst,
    severity: 'error',
    title: '`seqnet` must be the first statement',
    explanation: 'Every spec starts with `seqnet 1`, the language version, so that future versions can change the vocabulary safely.',
    example: 'model m\nseqnet 1',
  },
  {
    code: Code.UnsupportedVersion,
    severity: 'error',
    title: 'unsupported language version',
    explanation: 'This seqnet understands the language versions listed in the hint.',
    example: 'seqnet 2',
  },
  {
    code: Code.BlockMismatch,
    severity: 'error',
    title: 'block not allowed or missing',
    explanation: 'Some statements take a `{ … }` block (`input`, `head`, `train`, `data`), others take arguments only.',
    example: 'steps 10 { }',
  },
  {
    code: Code.MoreErrors,
    severity: 'error',
    title: 'more errors not shown',
    explanation:
      'A file yields at most 100 diagnostics, the first in source order; this last one counts the rest. Fix the ones shown and check again.',
  },
];

const SEMANTIC_CODES: readonly DiagnosticCodeInfo[] = [
  {
    code: Code.DuplicateName,
    severity: 'error',
    title: 'duplicate name',
    explanation: 'Layer and head names become tfjs layer names and must be unique across the model, including the default names (`lstm_1`, …).',
    example: 'head y { units 1 }\nhead y { units 2 }',
  },
  {
    code: Code.SiteNotInCell,
    severity: 'error',
    title: 'not available in this cell',
    explanation: 'GRU, simple RNN and IndRNN cells have no cell state: `norm … at cell`, `zoneout cell` and `initial_noise cell` need an LSTM.',
    example: 'gru 32 { norm layer at cell }',
  },
  {
    code: Code.GruGatesGroupedAll,
    severity: 'error',
    title: 'GRU joint gates cannot be normalized together',
    explanation:
      "A GRU's candidate pre-activation depends on the reset gate, so `W·x + U·h` cannot be formed for all three gates at once; " +
      'use `groups per_gate` or `gates_and_candidate` at `gates`, or normalize `input` and `recurrent` instead.',
    example: 'gru 32 { norm layer at gates { groups all } }',
  },
  {
    code: Code.PresetNotForCell,
    severity: 'error',
    title: 'preset not defined for this cell',
    explanation: 'Each preset reproduces a published cell; the hint lists the cells it exists for.',
    example: 'gru 32 { norm tf1_contrib }',
  },
  {
    code: Code.MaxStepsRequired,
    severity: 'error',
    title: '`max_steps` required',
    explanation: 'Per-step batch statistics keep one set of statistics per time step; with `steps variable` their number must be given.',
    example: 'input { steps variable; features 1 }\nlstm 8 { norm batch at input }',
  },
  {
    code: Code.SharedStatisticsSite,
    severity: 'error',
    title: 'shared statistics need the `input` site',
    explanation: 'Statistics over batch and time need every step at once; only `W·x_t` is known before the recurrence runs.',
    example: 'lstm 8 { norm batch at recurrent { statistics shared } }',
  },
  {
    code: Code.SequenceRequired,
    severity: 'error',
    title: 'a sequence is needed here',
    explanation:
      'The layer returns only its last output (`sequences false`), but a later recurrent layer, or a head reading `each_step`, `mean` or `max`, needs every step.',
    example: 'lstm 8 { sequences false }\nhead y { units 1; at each_step }',
  },
  {
    code: Code.ResidualWidths,
    severity: 'error',
    title: 'residual connection between different shapes',
    explanation:
      "`residual` adds a layer's input to its output, so both must have the same width, and the layer must return its whole sequence (not `sequences false`, which the last recurrent layer gets by default when every head reads one step). In a stack (`x N`) the first layer is exempt when its input width differs; the connection then starts at the second layer.",
    example: 'input { steps 5; features 3 }\nlstm 8 { residual }',
  },
  {
    code: Code.DataMismatch,
    severity: 'error',
    title: 'data does not match the input',
    explanation: 'The data source produces a different number of features or steps than `input` declares.',
    example: 'input { steps 10; features 3 }\ndata { source synthetic adding }',
  },
  {
    code: Code.SplitSum,
    severity: 'error',
    title: 'split fractions do not sum to 1',
    explanation: '`split TRAIN VALIDATION TEST` divides the data; the three fractions must add up to 1.',
    example: 'split 0.8 0.1 0.2',
  },
  {
    code: Code.NoRecurrentLayer,
    severity: 'error',
    title: 'no recurrent layer',
    explanation: `The body needs at least one recurrent layer: ${CELL_KINDS.map((cell) => `\`${cell}\``).join(', ')}.`,
    example: 'dense 8',
  },
  {
    code: Code.IncompleteNorm,
    severity: 'error',
    title: 'incomplete normalization',
    explanation: 'A normalization inside a cell names either a preset, or a kind with its sites (`norm layer at input`), not both and not neither.',
    example: '{ "kind": "layer" }',
  },
  {
    code: Code.DataStepsRequired,
    severity: 'error',
    title: 'data window length required',
    explanation: 'With `steps variable` the data source must say how long its sequences are (`steps` for synthetic data, `window` for CSV and text).',
    example: 'input { steps variable; features 1 }\ndata { source synthetic sine_cosine }',
  },
  {
    code: Code.InvalidName,
    severity: 'error',
    title: 'name not usable by tfjs',
    explanation:
      'Layer and head names become tfjs layer and weight names, which must start with a letter or a digit (`_x` cannot name a layer). ' +
      'Nor may a layer or head be called `constructor`, `toString`, `valueOf`, `hasOwnProperty`, `isPrototypeOf`, `propertyIsEnumerable` ' +
      'or `toLocaleString`: tfjs looks layer names up in plain objects and could not load the saved model. Names seqnet generates itself ' +
      '(`input`, `y_mean`, `lstm_1_residual`, …) are free to use: the generated layer takes another name.',
    example: 'lstm 8 { name _encoder }',
  },
  {
    code: Code.ModelTooLarge,
    severity: 'error',
    title: 'model too large',
    explanation:
      'Each size is bounded (units, features, steps, … see the limits in docs/language.md), and so is the whole model: at most ' +
      '50 million parameters. The error points at the layer or head where the running total crosses the limit.',
    example: 'lstm 20000 x 10',
  },
  {
    code: Code.InitializerNotForCell,
    severity: 'error',
    title: 'initializer does not fit this recurrent weight',
    explanation:
      "An LSTM's, GRU's or simple RNN's recurrent weight is a matrix `U`; an IndRNN's is a vector `u`, one weight per unit. " +
      '`orthogonal` exists only for a matrix; `indrnn`, `indrnn_long` and `haste` only for a vector. The hint names what the cell takes.',
    example: 'indrnn 32 { initializer recurrent orthogonal }',
  },
  {
    code: Code.InitializerStepsRequired,
    severity: 'error',
    title: 'initializer needs a fixed number of steps',
    explanation:
      "`indrnn` and `indrnn_long` draw the IndRNN's recurrent weights from ranges bounded by 2^(±1/T), T the sequence length " +
      "(Li et al. 2018); with `steps variable` there is no T. Without an `initializer recurrent` statement an IndRNN then starts at the T → ∞ limit, uniform in [0, 1].",
    example: 'input { steps variable; features 1 }\nindrnn 8 { initializer recurrent indrnn }',
  },
  {
    code: Code.NoEffect,
    severity: 'warning',
    title: 'option has no effect',
    explanation: 'The option is valid but changes nothing here (for example `forget_bias` on a GRU, `momentum` on a layer norm, a rate of 0, or an `initial_noise` of 0).',
    example: 'gru 32 { forget_bias 1 }',
  },
  {
    code: Code.LossActivation,
    severity: 'warning',
    title: 'loss and output activation do not match',
    explanation:
      'Cross-entropy losses expect probabilities: `categorical_crossentropy` after `softmax`, `binary_crossentropy` after `sigmoid`.',
    example: 'head y { units 10; loss categorical_crossentropy }',
  },
  {
    code: Code.MoreWarnings,
    severity: 'warning',
    title: 'more warnings not shown',
    explanation: 'A file yields at most 100 diagnostics, the first in source order; this last one counts the warnings left out.',
  },
];

/** Every code, syntax codes first, in code order. */
export const DIAGNOSTIC_CODES: readonly DiagnosticCodeInfo[] = [
  ...SYNTAX_CODES.map((info): DiagnosticCodeInfo => ({ ...info, severity: 'error' })),
  ...FRONT_END_CODES,
  ...SEMANTIC_CODES,
];

const BY_CODE = new Map(DIAGNOSTIC_CODES.map((info) => [info.code, info]));

export function codeInfo(code: string): DiagnosticCodeInfo | undefined {
  return BY_CODE.get(code);
}
