/**
 * The statement vocabulary: for every block context, which keywords exist, how their positional arguments are
 * named in the JSON form, and how they are stored. to-json.ts interprets these tables; adding a statement to
 * the language means adding a row here and a property to the schema.
 */
import type { ArgumentNode } from '../ast/types.js';
import { CELL_KINDS, DROPOUT_FORMS, NORM_KINDS, takesMask } from '../variants/index.js';

/** A positional argument (`name`), the rest of the arguments as a list, or an optional `WORD value` pair. */
export type ArgSpec =
  | { name: string; optional?: boolean }
  | { name: string; rest: true }
  | { literal: string; name: string; rest?: boolean; required?: boolean };

export type ContextName =
  | 'top'
  | 'input'
  | 'recurrent'
  | 'cellNorm'
  | 'normLayer'
  | 'dropoutLayer'
  | 'dense'
  | 'head'
  | 'train'
  | 'optimizer'
  | 'earlyStopping'
  | 'schedule'
  | 'data'
  | 'source';

/**
 * How a statement is stored in its parent object:
 * - `value`: `parent[property] = argument` (a list for a `rest` argument; `implicit` when there is none);
 * - `object`: `parent[property] = { named arguments…, block statements… }`;
 * - `append`: the same object, pushed onto the array `parent[property]` (tagged with the keyword when `tag`);
 * - `keyed`: `parent[property][first argument] = rest` (an object, or the bare value for one `value` argument).
 */
export interface StatementRule {
  store: 'value' | 'object' | 'append' | 'keyed';
  property?: string;
  args: ArgSpec[] | ((args: readonly ArgumentNode[]) => ArgSpec[]);
  /** The arguments as written in the language, for messages: `UNITS [x COUNT]`. */
  usage: string;
  implicit?: boolean;
  tag?: boolean;
  block?: ContextName;
  blockRequired?: boolean;
  /** `keyed` only: the key's argument name in messages, and whether the rest is a single bare value. */
  keyedValue?: boolean;
}

const one = (name: string): ArgSpec[] => [{ name }];
const value = (usage: string, name = 'value'): StatementRule => ({ store: 'value', args: one(name), usage });
const flag = (usage: string): StatementRule => ({ store: 'value', args: [{ name: 'value', optional: true }], implicit: true, usage });
const list = (usage: string): StatementRule => ({ store: 'value', args: [{ name: 'values', rest: true }], usage });
const section = (block: ContextName): StatementRule => ({ store: 'object', args: [], usage: '{ … }', block, blockRequired: true });

const recurrent: StatementRule = {
  store: 'append',
  property: 'body',
  tag: true,
  args: [{ name: 'units' }, { literal: 'x', name: 'repeat' }],
  usage: 'UNITS [x COUNT] [{ … }]',
  block: 'recurrent',
};

/** `norm PRESET` has one argument; `norm KIND at SITE…` more. */
const cellNormArgs = (args: readonly ArgumentNode[]): ArgSpec[] =>
  args.length <= 1 ? [{ name: 'preset' }] : [{ name: 'kind' }, { literal: 'at', name: 'sites', rest: true, required: true }];

/** Synthetic sources name a task, `mnist` nothing more (its digits come from a package); the others a file. */
function sourceArgs(args: readonly ArgumentNode[]): ArgSpec[] {
  if (args[0]?.value === 'synthetic') return [{ name: 'type' }, { name: 'task' }];
  if (args[0]?.value === 'mnist') return [{ name: 'type' }];
  return [{ name: 'type' }, { name: 'path' }];
}

export const VOCABULARY: Record<ContextName, Record<string, StatementRule>> = {
  top: {
    seqnet: value('VERSION'),
    model: value('NAME'),
    description: value('"TEXT"'),
    input: section('input'),
    // Every cell kind is a statement of the same form (`lstm 32 { … }`).
    ...Object.fromEntries(CELL_KINDS.map((cell) => [cell, recurrent])),
    norm: { store: 'append', property: 'body', tag: true, args: one('kind'), usage: `${NORM_KINDS.join('|')} [{ … }]`, block: 'normLayer' },
    dropout: {
      store: 'append',
      property: 'body',
      tag: true,
      args: [{ name: 'rate' }, { name: 'mask', optional: true }],
      usage: 'RATE [per_step|per_sequence]',
      block: 'dropoutLayer',
    },
    dense: { store: 'append', property: 'body', tag: true, args: one('units'), usage: 'UNITS [{ … }]', block: 'dense' },
    head: { store: 'append', property: 'heads', args: one('name'), usage: 'NAME { … }', block: 'head', blockRequired: true },
    train: section('train'),
    data: section('data'),
  },
  input: { steps: value('N|variable'), features: value('N'), padding: value('V') },
  recurrent: {
    name: value('NAME'),
    activation: value('ACTIVATION'),
    recurrent_activation: value('ACTIVATION'),
    sequences: value('true|false'),
    bidirectional: flag('[concat|sum|mul|ave]'),
    residual: flag('[true|false]'),
    bias: value('true|false'),
    forget_bias: { store: 'object', args: [{ name: 'value' }, { name: 'mode', optional: true }], usage: 'V [constant]' },
    reset: value('before|after'),
    initializer: { store: 'keyed', args: one('value'), keyedValue: true, usage: 'kernel|recurrent NAME' },
    norm: { store: 'append', args: cellNormArgs, usage: 'PRESET [{ … }]  or  norm KIND at SITE… [{ … }]', block: 'cellNorm' },
    dropout: {
      store: 'keyed',
      args: [{ name: 'rate' }, { name: 'mask', optional: true }],
      // The mask argument is for the forms that take one (the schema rejects it on the others).
      usage: dropoutUsage(),
    },
    zoneout: { store: 'keyed', args: one('value'), keyedValue: true, usage: 'cell|hidden RATE' },
    initial_noise: { store: 'keyed', args: one('value'), keyedValue: true, usage: 'cell|hidden STD' },
  },
  cellNorm: {
    epsilon: value('E'),
    gamma: value('V'),
    beta: value('V|none'),
    groups: value('all|per_gate|gates_and_candidate'),
    carry: value('true|false'),
    statistics: value('per_step|shared'),
    max_steps: value('N'),
    momentum: value('M'),
  },
  normLayer: { name: value('NAME'), epsilon: value('E'), momentum: value('M'), gamma: value('V'), beta: value('V|none') },
  dropoutLayer: { name: value('NAME') },
  dense: { name: value('NAME'), activation: value('ACTIVATION') },
  head: {
    units: value('N'),
    activation: value('ACTIVATION'),
    at: value('each_step|last_step|mean|max'),
    loss: value('LOSS'),
    weight: value('W'),
    metrics: list('METRIC…'),
  },
  train: {
    loss: value('LOSS'),
    metrics: list('METRIC…'),
    optimizer: { store: 'object', args: one('type'), usage: 'adam|sgd|rmsprop [{ … }]', block: 'optimizer' },
    clip: { store: 'keyed', args: one('value'), keyedValue: true, usage: 'norm|value V' },
    batch_size: value('N'),
    epochs: value('N'),
    validation_split: value('F'),
    early_stopping: {
      store: 'object',
      args: [{ name: 'patience', optional: true }],
      usage: 'PATIENCE  or  early_stopping { … }',
      block: 'earlyStopping',
    },
    schedule: { store: 'object', args: one('type'), usage: 'step|plateau { … }', block: 'schedule' },
    seed: value('N'),
    shuffle: value('true|false'),
  },
  optimizer: {
    learning_rate: value('V'),
    beta1: value('V'),
    beta2: value('V'),
    epsilon: value('V'),
    momentum: value('V'),
    nesterov: value('true|false'),
    decay: value('V'),
  },
  earlyStopping: { patience: value('N'), min_delta: value('D'), restore_best: value('true|false') },
  schedule: { every: value('N'), factor: value('F'), patience: value('N'), min_learning_rate: value('V') },
  data: {
    source: { store: 'object', args: sourceArgs, usage: 'synthetic TASK | mnist | csv|jsonl|text "PATH" [{ … }]', block: 'source' },
    split: {
      store: 'object',
      args: [{ name: 'train' }, { name: 'validation' }, { name: 'test' }],
      usage: 'TRAIN VALIDATION TEST',
    },
  },
  source: {
    samples: value('N'),
    steps: value('N'),
    seed: value('N'),
    features: list('COLUMN…'),
    targets: list('COLUMN…'),
    window: value('N'),
    horizon: value('N'),
    stride: value('N'),
    standardize: value('true|false'),
    delimiter: value('"CHAR"'),
    size: value('14|28'),
    order: value('pixels|rows'),
    permute: value('SEED'),
    format: value('plain|fortune'),
  },
};

/** `input|candidate RATE [per_step|per_sequence]  or  recurrent|recurrent_weights RATE`: the mask only where a form takes one. */
function dropoutUsage(): string {
  const masked = DROPOUT_FORMS.filter(takesMask);
  const unmasked = DROPOUT_FORMS.filter((form) => !takesMask(form));
  const withMask = `${masked.join('|')} RATE [per_step|per_sequence]`;
  return unmasked.length === 0 ? withMask : `${withMask}  or  ${unmasked.join('|')} RATE`;
}
