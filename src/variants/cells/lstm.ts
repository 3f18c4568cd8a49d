/** The LSTM: its facts and its equations (what `src/runtime/recurrent/cells/lstm.ts` computes). */
import type { EquationContext } from '../equations.js';
import { inputProjection, normalized, outputLines, preActivation, slices } from '../equations.js';
import type { CellFacts } from './types.js';
import { whole } from './types.js';

const GATES = ['i', 'f', 'g', 'o'] as const;

function equations(context: EquationContext): string[] {
  const { gateActivation: gate, activation: act } = context;
  const cell = context.norms.cell;
  const lines = [
    ...context.dropoutLines,
    inputProjection(context, GATES),
    `${slices('v', GATES)} = ${normalized(context, 'recurrent', `U·${context.recurrent}`)}`,
    `i_t = ${gate}(${preActivation(context, 'i')})`,
    `f_t = ${gate}(${preActivation(context, 'f', { forget: true })})`,
    `g_t = ${act}(${preActivation(context, 'g')})`,
    `o_t = ${gate}(${preActivation(context, 'o')})`,
    ...context.candidateDropout('g_t'),
    'c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t',
  ];
  if (cell === null) lines.push(`h_t = o_t ⊙ ${act}(c_t)`);
  else if (context.carryCell) lines.push(`c_t ← ${cell}(c_t)    (carried)`, `h_t = o_t ⊙ ${act}(c_t)`);
  else lines.push(`h_t = o_t ⊙ ${act}(${cell}(c_t))    (c_t carried unnormalized)`);
  return [...lines, ...outputLines(context)];
}

export const lstm = {
  recurrentWeight: 'matrix',
  gates: GATES,
  candidate: 2,
  states: ['h', 'c'],
  sites: ['input', 'recurrent', 'gates', 'cell', 'hidden'],
  forgetGate: 1,
  resetChoice: false,
  defaultGroups: {},
  spans: () => whole(4),
  title: 'LSTM',
  source: 'Hochreiter & Schmidhuber 1997; forget gate Gers et al. 2000; Keras/tfjs layout',
  notes:
    'With `carry` on the cell norm (TF1 contrib, TF Addons) the normalized `c_t` is carried; without it (Ba et ' +
    'al., Cooijmans et al.) it feeds only the output. `forgetBias.constant` is TF1\'s `forget_bias` (added ' +
    'every step, written `c_f` above); `forgetBias.init` is Keras\'s `unit_forget_bias` (added to the bias ' +
    'once, at initialization). Norm placements: Ba et al. 2016 (LN), Cooijmans et al. 2016 (BN), TF1 contrib ' +
    '`LayerNormBasicLSTMCell` (the gates site, the forget constant, the carried `c`).',
  equations,
} as const satisfies CellFacts;
