/** The GRU: its facts and its equations (what `src/runtime/recurrent/cells/gru.ts` computes). */
import type { EquationContext } from '../equations.js';
import { H_PREV, inputProjection, normalized, outputLines, preActivation, slices } from '../equations.js';
import type { ProjectionSite } from '../sites.js';
import type { CellFacts, GateSpan } from './types.js';
import { whole } from './types.js';

const GATES = ['z', 'r', 'h'] as const;

/** [z, r] and h apart at `gates`, and at `recurrent` unless r multiplies `U_h·h` after the product. */
const APART: readonly GateSpan[] = [
  { first: 0, count: 2 },
  { first: 2, count: 1 },
];

function spans(site: ProjectionSite, resetAfter: boolean): readonly GateSpan[] {
  return site === 'gates' || (site === 'recurrent' && !resetAfter) ? APART : whole(3);
}

/** `v = U·h`; with the reset gate first, the candidate's slice `U_h·(r_t ⊙ h)` waits for r_t. */
function recurrentProjection(context: EquationContext): string[] {
  const h = context.recurrent;
  if (context.resetAfter) return [`${slices('v', GATES)} = ${normalized(context, 'recurrent', `U·${h}`)}`];
  return [
    `[v_z, v_r] = ${normalized(context, 'recurrent', `U_{z,r}·${h}`)}`,
    `v_h = ${normalized(context, 'recurrent', `U_h·(r_t ⊙ ${h})`)}    (reset before the recurrent product, once r_t is known)`,
  ];
}

function equations(context: EquationContext): string[] {
  const { gateActivation: gate, activation: act, resetAfter } = context;
  // The candidate is its own span of the joint site (it depends on r_t), so its norm is written out.
  const candidate = preActivation(context, 'h', { resetScaled: resetAfter, apart: spans('gates', resetAfter).length > 1 });
  return [
    ...context.dropoutLines,
    inputProjection(context, GATES),
    ...recurrentProjection(context),
    `z_t = ${gate}(${preActivation(context, 'z')})`,
    `r_t = ${gate}(${preActivation(context, 'r')})`,
    `ĥ_t = ${act}(${candidate})${resetAfter ? '    (reset after the recurrent product)' : ''}`,
    ...context.candidateDropout('ĥ_t'),
    `h_t = z_t ⊙ ${H_PREV} + (1 − z_t) ⊙ ĥ_t`,
    ...outputLines(context),
  ];
}

export const gru = {
  recurrentWeight: 'matrix',
  gates: GATES,
  candidate: 2,
  states: ['h'],
  sites: ['input', 'recurrent', 'gates', 'hidden'],
  forgetGate: null,
  resetChoice: true,
  // The candidate depends on r, so the joint `gates` pre-activation cannot be normalized as one group.
  defaultGroups: { gates: 'per_gate' },
  spans,
  title: 'GRU',
  source: 'Cho et al. 2014; tfjs layout; reset after the product as in cuDNN and Ba et al. 2016\'s LN-GRU',
  notes:
    'Reset before is tfjs\'s and Keras\'s `reset_after=False`. The interpolation uses the undropped ' +
    '`h_{t−1}` (Keras 3; tfjs uses the dropped one). With the reset gate before the product the candidate\'s ' +
    'recurrent term depends on `r_t`, so the `recurrent` and `gates` norms are applied to `[z, r]` and to `h` ' +
    'separately: their statistics never span both parts, and `all` groups act as `gates_and_candidate` there. ' +
    'Ba et al.\'s authors\' LN-GRU code normalizes with the reset gate after the product and separate norms.',
  equations,
} as const satisfies CellFacts;
