/**
 * The dropout forms inside a recurrent cell (`dropout FORM RATE [MASK]`) and the facts every stage shares
 * about them: the statement's keyword, its field in the IR and the layer config, whether it takes a mask
 * lifetime (and which one by default), its description in the JSON Schema, and its words in `seqnet explain`.
 * How a form's mask is drawn and applied lives with the runtime (`src/runtime/recurrent/dropout.ts`).
 * Zoneout is not a dropout form: it has its own statement and mixes states rather than scaling them.
 */
export const DROPOUT_FORMS = ['input', 'recurrent', 'candidate', 'recurrent_weights'] as const;
export type DropoutForm = (typeof DROPOUT_FORMS)[number];

/** A mask lifetime as the language writes it. */
export type DropoutMask = 'per_sequence' | 'per_step';

interface DropoutFormCommon {
  /** The form's field in `RecurrentDropoutIR` (and so in saved layer configs and generated code). */
  field: string;
  /** The JSON Schema's description of the form and of its rate. */
  description: string;
  rateDescription: string;
}

/**
 * `defaultMask`: the lifetime used when the statement names none, or null when the form takes no mask
 * argument; such a form states its one lifetime in words for `seqnet explain`.
 */
export type DropoutFormFacts = DropoutFormCommon &
  ({ defaultMask: DropoutMask; explain: DropoutExplainFacts } | { defaultMask: null; explain: DropoutExplainFacts & { lifetime: string } });

/**
 * The form's line among a layer's facts in `seqnet explain`:
 * `TITLE: SYMBOL ~ Bernoulli(keep)SCOPE, LIFETIME; AT_INFERENCE`.
 */
export interface DropoutExplainFacts {
  title: string;
  symbol: string;
  /** What one mask draw covers, after the distribution (`' per feature'`), or `''`. */
  scope: string;
  /** The lifetime in words of a form without a mask argument (the others say the IR's). */
  lifetime?: string;
  atInference: string;
  /**
   * An equation computed once per call, before the first step, with `keep` = 1 − rate written out; it is
   * listed before the step equations. Forms applied inside the step write their lines with the cell's equations.
   */
  perCall?: (keep: string) => string;
}

export const DROPOUT_FACTS = {
  input: {
    field: 'input',
    defaultMask: 'per_sequence',
    description: 'Dropout on the input x_t.',
    rateDescription: 'Fraction of units dropped.',
    explain: { title: 'input dropout', symbol: 'm_x', scope: ' per feature', atInference: 'identity at inference' },
  },
  recurrent: {
    field: 'recurrent',
    defaultMask: null,
    description: 'Variational dropout on h_{t−1} (one mask per sequence).',
    rateDescription: 'Fraction of units dropped.',
    explain: {
      title: 'recurrent dropout (variational)',
      symbol: 'm_h',
      scope: '',
      lifetime: 'one mask per sequence',
      atInference: 'identity at inference',
    },
  },
  candidate: {
    field: 'candidate',
    defaultMask: 'per_step',
    description: 'Dropout on the candidate without memory loss (Semeniuta et al.).',
    rateDescription: 'Fraction of units dropped.',
    explain: { title: 'candidate dropout (no memory loss)', symbol: 'm_cand', scope: '', atInference: 'identity at inference' },
  },
  // DropConnect on the recurrent weight (Wan et al. 2013) as Merity et al. 2017's AWD-LSTM and haste use it.
  recurrent_weights: {
    field: 'recurrentWeights',
    defaultMask: null,
    description:
      'DropConnect on the recurrent weight U (Wan et al. 2013; AWD-LSTM’s weight drop): one mask of U’s shape per call in training, none at inference.',
    rateDescription: 'Fraction of the entries of U dropped.',
    explain: {
      title: 'weight drop (DropConnect on U)',
      symbol: 'M_U',
      scope: ' per entry of U',
      lifetime: 'one mask per call (and direction), the same at every step and for every example',
      atInference: 'U unchanged at inference',
      perCall: (keep) => `U ← U ⊙ M_U / ${keep}    (once per call, before the first step; every U below is this one)`,
    },
  },
} as const satisfies Record<DropoutForm, DropoutFormFacts>;

/** The facts of one form, typed as the interface (not as its literal entry). */
export function dropoutFacts(form: DropoutForm): DropoutFormFacts {
  return DROPOUT_FACTS[form];
}

/** The forms that take a mask argument (`per_sequence|per_step`). */
export function takesMask(form: DropoutForm): boolean {
  return DROPOUT_FACTS[form].defaultMask !== null;
}
