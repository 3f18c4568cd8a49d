/** Cross-entropy losses expect probabilities: warn when the head's activation does not produce them. */
import { Code } from '../../diagnostics/codes.js';
import type { Activation, LossName } from '../../ir/types.js';
import type { Check } from './context.js';

const EXPECTED: Partial<Record<LossName, Activation>> = {
  categorical_crossentropy: 'softmax',
  sparse_categorical_crossentropy: 'softmax',
  binary_crossentropy: 'sigmoid',
};

export const checkLossActivation: Check = (context) => {
  context.ir.heads.forEach((head, index) => {
    const expected = EXPECTED[head.loss];
    if (expected === undefined || head.activation === expected) return;
    const pointer = context.origins.heads[index];
    const explicitLoss = context.spec.heads[index].loss !== undefined;
    context.report(
      Code.LossActivation,
      `head '${head.name}' uses ${head.loss} with a ${head.activation} output`,
      explicitLoss ? `${pointer}/loss` : pointer,
      explicitLoss ? 'value' : 'header',
      `${head.loss} expects probabilities: add \`activation ${expected}\``,
    );
  });
};
