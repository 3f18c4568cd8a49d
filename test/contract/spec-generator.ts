/**
 * A seeded generator of valid `.seqnet` texts for the "check is the contract" property test: cells, stacks,
 * bidirectional merges, presets and explicit norm sites, in-cell dropout and zoneout, layers between, heads of
 * every reading and loss, and names drawn from identifiers that are also keywords, values, JavaScript builtins
 * or names seqnet generates itself. Each spec comes with what is needed to feed it one batch.
 */
import { seeded } from '../codegen/random-ir.js';

type Random = () => number;

export type HeadLoss = 'mse' | 'mae' | 'huber' | 'binary_crossentropy' | 'categorical_crossentropy' | 'sparse_categorical_crossentropy';

export interface GeneratedHead {
  units: number;
  /** Whether the head predicts every step (targets `[batch, steps, units]`) or once per sequence. */
  eachStep: boolean;
  loss: HeadLoss;
}

export interface GeneratedSpec {
  seed: number;
  text: string;
  steps: number;
  features: number;
  heads: GeneratedHead[];
}

/**
 * Identifiers that are keywords, values and builtins, or that seqnet's own generated names use. None ends in
 * `_<digits>` (stack members and default names do); none starts with `_` or is an Object.prototype member such as
 * `constructor` (tfjs cannot take those: SN2014).
 */
const TRICKY_NAMES = [
  'input', 'input_masking', 'output', 'model', 'seqnet', 'head', 'lstm', 'gru', 'rnn', 'norm', 'dense', 'dropout',
  'x', 'at', 'each_step', 'last_step', 'mean', 'max', 'variable', 'none', 'per_step', 'tanh', 'relu', 'sigmoid',
  'layer', 'batch', 'rms', 'cell', 'hidden', 'gates', 'sequences', 'residual', 'bias', 'kernel', 'loss', 'val_loss',
  'metrics', 'accuracy', 'mse', 'prototype', 'hasOwn', 'NaN', 'Infinity', 'undefined',
  'null', 'then', 'length', 'A', 'Z9', 'a__b', 'enc', 'enc_residual', 'out', 'out_mean', 'out_max', 'out_last_step',
  'y', 'y_mean', 'ba2016', 'tfa', 'concat',
];

/** Default-name prefixes: a stack named one of these would expand to `lstm_1`, `lstm_2`, … and meet the defaults. */
const DEFAULT_PREFIXES = new Set(['lstm', 'gru', 'rnn', 'norm', 'dense', 'dropout']);

const CELL_PRESETS: Record<'lstm' | 'gru' | 'rnn', string[]> = {
  lstm: ['ba2016', 'tf1_contrib', 'tfa', 'cooijmans2016', 'laurent2016', 'rms2019'],
  gru: ['ba2016', 'cooijmans2016', 'laurent2016', 'rms2019'],
  rnn: ['ba2016', 'tfa', 'cooijmans2016', 'laurent2016', 'rms2019'],
};

const ACTIVATIONS = ['tanh', 'relu', 'sigmoid', 'softsign', 'linear', 'elu', 'swish'];

class Generator {
  private readonly unused: string[];
  private width: number;
  private lines: string[] = [];

  constructor(
    private readonly random: Random,
    features: number,
    private readonly steps: number,
    private readonly variable: boolean,
  ) {
    this.unused = [...TRICKY_NAMES];
    this.width = features;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  /** A name not used yet (every user name is unique), or null to keep the default. */
  name(options: { allowDefaultPrefix: boolean }): string | null {
    if (this.chance(0.3)) return null;
    const candidates = this.unused.filter((name) => options.allowDefaultPrefix || !DEFAULT_PREFIXES.has(name));
    const name = this.pick(candidates);
    this.unused.splice(this.unused.indexOf(name), 1);
    return name;
  }

  body(): string[] {
    const recurrentCount = 1 + Math.floor(this.random() * 2);
    for (let index = 0; index < recurrentCount; index++) {
      this.recurrent();
      if (this.chance(0.6)) this.between();
    }
    return this.lines;
  }

  private recurrent(): void {
    const cell = this.pick(['lstm', 'gru', 'rnn'] as const);
    const units = 1 + Math.floor(this.random() * 3);
    const repeat = this.chance(0.25) ? 2 : 1;
    const merge = this.chance(0.3) ? this.pick(['concat', 'sum', 'mul', 'ave']) : null;
    const output = merge === 'concat' ? 2 * units : units;
    const statements: string[] = [];
    const name = this.name({ allowDefaultPrefix: repeat === 1 });
    if (name !== null) statements.push(`name ${name}`);
    if (merge !== null) statements.push(merge === 'concat' && this.chance(0.5) ? 'bidirectional' : `bidirectional ${merge}`);
    // In a stack the first layer is exempt when its input width differs, so only the later widths must match.
    if (output === (repeat > 1 ? output : this.width) && this.chance(0.5)) statements.push('residual');
    statements.push(...this.cellNorms(cell), ...this.cellOptions(cell));
    const stack = repeat > 1 ? ` x ${repeat}` : '';
    this.lines.push(`${cell} ${units}${stack} {`, ...statements.map((statement) => `  ${statement}`), '}');
    this.width = output;
  }

  private cellNorms(cell: 'lstm' | 'gru' | 'rnn'): string[] {
    const maxSteps = this.variable ? ` { max_steps ${this.steps} }` : '';
    if (this.chance(0.35)) {
      const preset = this.pick(CELL_PRESETS[cell]);
      return [`norm ${preset}${preset === 'cooijmans2016' ? maxSteps : ''}`];
    }
    if (this.chance(0.5)) return [];
    const sites = ['input', 'recurrent', 'gates', 'hidden', ...(cell === 'lstm' ? ['cell'] : [])].filter(() => this.chance(0.4));
    if (sites.length === 0) sites.push('hidden');
    const kind = this.pick(['layer', 'batch', 'rms']);
    const block = kind === 'batch' ? maxSteps : cell === 'lstm' && sites.includes('cell') && this.chance(0.5) ? ' { carry true }' : '';
    return [`norm ${kind} at ${sites.join(' ')}${block}`];
  }

  private cellOptions(cell: 'lstm' | 'gru' | 'rnn'): string[] {
    const options: string[] = [];
    if (this.chance(0.3)) options.push(`activation ${this.pick(['tanh', 'relu', 'softsign'])}`);
    if (this.chance(0.3)) options.push(`dropout input 0.1${this.chance(0.5) ? ' per_step' : ''}`);
    if (this.chance(0.3)) options.push('dropout recurrent 0.2');
    if (this.chance(0.2)) options.push('dropout candidate 0.1');
    if (this.chance(0.2)) options.push('zoneout hidden 0.1');
    if (cell === 'lstm' && this.chance(0.2)) options.push('zoneout cell 0.1');
    if (cell === 'lstm' && this.chance(0.2)) options.push(this.chance(0.5) ? 'forget_bias 1 constant' : 'forget_bias 2');
    if (cell === 'gru' && this.chance(0.3)) options.push(`reset ${this.pick(['before', 'after'])}`);
    if (cell !== 'rnn' && this.chance(0.2)) options.push('recurrent_activation hard_sigmoid');
    if (this.chance(0.15)) options.push('bias false');
    return options;
  }

  private between(): void {
    const name = this.name({ allowDefaultPrefix: true });
    const named = name === null ? '' : `name ${name}`;
    switch (this.pick(['norm', 'dropout', 'dense'] as const)) {
      case 'norm':
        this.lines.push(`norm ${this.pick(['batch', 'layer', 'rms'])}${named === '' ? '' : ` { ${named} }`}`);
        return;
      case 'dropout':
        this.lines.push(`dropout 0.1${this.chance(0.5) ? ' per_sequence' : ''}${named === '' ? '' : ` { ${named} }`}`);
        return;
      case 'dense': {
        const units = 1 + Math.floor(this.random() * 4);
        const parts = [named, this.chance(0.5) ? `activation ${this.pick(ACTIVATIONS)}` : ''].filter((part) => part !== '');
        this.lines.push(`dense ${units}${parts.length === 0 ? '' : ` { ${parts.join('; ')} }`}`);
        this.width = units;
      }
    }
  }

  head(index: number): { lines: string[]; head: GeneratedHead } {
    const named = this.unused.filter((name) => !/^_/.test(name));
    const name = this.chance(0.7) ? this.pick(named) : `head${index}`;
    this.unused.splice(this.unused.indexOf(name), 1);
    const at = this.pick(['each_step', 'last_step', 'mean', 'max']);
    const loss = this.pick(['mse', 'mae', 'huber', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy'] as const);
    const units = loss === 'binary_crossentropy' || loss.startsWith('mse') ? 1 + Math.floor(this.random() * 2) : 2 + Math.floor(this.random() * 2);
    const activation = loss === 'binary_crossentropy' ? 'sigmoid' : loss.includes('categorical') ? 'softmax' : this.pick(['linear', 'tanh']);
    const metric = loss === 'binary_crossentropy' ? 'binary_accuracy' : loss === 'categorical_crossentropy' ? 'accuracy' : loss === 'sparse_categorical_crossentropy' ? 'sparse_categorical_accuracy' : 'mae';
    const lines = [`head ${name} {`, `  units ${units}`, `  activation ${activation}`, `  at ${at}`, `  loss ${loss}`, `  metrics ${metric}`];
    if (this.chance(0.3)) lines.push('  weight 0.5');
    lines.push('}');
    return { lines, head: { units, eachStep: at === 'each_step', loss } };
  }
}

export function generateSpec(seed: number): GeneratedSpec {
  const random = seeded(seed);
  const variable = random() < 0.2;
  const steps = 2 + Math.floor(random() * 3);
  const features = 1 + Math.floor(random() * 3);
  const generator = new Generator(random, features, steps, variable);
  const model = generator.name({ allowDefaultPrefix: true }) ?? 'm';
  const inputLines = [`  steps ${variable ? 'variable' : steps}`, `  features ${features}`];
  if (generator.chance(0.2)) inputLines.push('  padding -9');
  const body = generator.body();
  const headCount = generator.chance(0.3) ? 2 : 1;
  const heads = Array.from({ length: headCount }, (_, index) => generator.head(index));
  const optimizer = generator.pick(['adam { learning_rate 0.01 }', 'sgd { momentum 0.5 }', 'rmsprop']);
  const train = ['train {', `  optimizer ${optimizer}`, '  clip norm 1', '  batch_size 2', '  epochs 1', `  seed ${seed}`, '}'];
  const text = ['seqnet 1', `model ${model}`, 'input {', ...inputLines, '}', ...body, ...heads.flatMap(({ lines }) => lines), ...train, ''].join('\n');
  return { seed, text, steps, features, heads: heads.map(({ head }) => head) };
}
