/** IndRNN: its facts and its equations (what `src/runtime/recurrent/cells/indrnn.ts` computes). */
import type { EquationContext } from '../equations.js';
import { inputProjection, normalized, outputLines, preActivation, slices } from '../equations.js';
import type { CellFacts } from './types.js';
import { whole } from './types.js';

const GATES = ['h'] as const;

function equations(context: EquationContext): string[] {
  const recurrent = normalized(context, 'recurrent', `U ⊙ ${context.recurrent}`);
  return [
    ...context.dropoutLines,
    inputProjection(context, GATES),
    `${slices('v', GATES)} = ${recurrent}    (U a vector: one recurrent weight per unit)`,
    `h_t = ${context.activation}(${preActivation(context, 'h')})`,
    ...context.candidateDropout('h_t'),
    ...outputLines(context),
  ];
}

// IndRNN (Li et al. 2018): h_t = act(W·x_t + u ⊙ h_{t−1} + b); each unit sees only its own past state.
export const indrnn = {
  recurrentWeight: 'vector',
  defaultActivation: 'relu',
  // Li et al.'s U(0, 2^(1/T)); with variable steps its T → ∞ limit U(0, 1) (src/variants/initializers.ts).
  defaultRecurrentInitializer: 'indrnn',
  gates: GATES,
  candidate: 0,
  states: ['h'],
  sites: ['input', 'recurrent', 'gates', 'hidden'],
  forgetGate: null,
  resetChoice: false,
  defaultGroups: {},
  spans: () => whole(1),
  title: 'IndRNN',
  source: 'Li et al. 2018, "Independently Recurrent Neural Network"; haste has it, also with layer norm',
  notes:
    '`activation` is relu by default. `U` is the vector `u` `[u]`: it scales each unit\'s own previous state, ' +
    'so no unit sees another\'s, which is what lets a relu IndRNN keep a state over long sequences. The norm ' +
    'sites and dropout forms are the simple RNN\'s.',
  equations,
} as const satisfies CellFacts;
