/** The simple (Elman) RNN: its facts and its equations (what `src/runtime/recurrent/cells/rnn.ts` computes). */
import type { EquationContext } from '../equations.js';
import { inputProjection, normalized, outputLines, preActivation, slices } from '../equations.js';
import type { CellFacts } from './types.js';
import { whole } from './types.js';

const GATES = ['h'] as const;

function equations(context: EquationContext): string[] {
  return [
    ...context.dropoutLines,
    inputProjection(context, GATES),
    `${slices('v', GATES)} = ${normalized(context, 'recurrent', `U·${context.recurrent}`)}`,
    `h_t = ${context.activation}(${preActivation(context, 'h')})`,
    ...context.candidateDropout('h_t'),
    ...outputLines(context),
  ];
}

export const rnn = {
  recurrentWeight: 'matrix',
  gates: GATES,
  candidate: 0,
  states: ['h'],
  sites: ['input', 'recurrent', 'gates', 'hidden'],
  forgetGate: null,
  resetChoice: false,
  defaultGroups: {},
  spans: () => whole(1),
  title: 'Simple RNN',
  source: 'Elman 1990, as tfjs `simpleRNN`',
  notes:
    'Batch norm on the input projection only, `act(BN(W·x_t) + U·h_{t−1})`, is Laurent et al. 2016; layer ' +
    'norm on both projections is TF Addons `LayerNormSimpleRNNCell`\'s placement.',
  equations,
} as const satisfies CellFacts;
