/**
 * Recurrent initializers: the name fits the cell's recurrent weight (a matrix `U` or the IndRNN's vector `u`),
 * and one whose range depends on the sequence length has a fixed one to use.
 */
import { Code } from '../../diagnostics/codes.js';
import { suggest } from '../did-you-mean.js';
import {
  CELL_FACTS,
  defaultRecurrentInitializer,
  initializerFits,
  isRecurrentInitializer,
  RECURRENT_INITIALIZER_FACTS,
  recurrentInitializersFor,
  type CellKind,
} from '../../variants/index.js';
import { recurrentItems, type Check } from './context.js';

export const checkInitializers: Check = (context) => {
  const variableSteps = context.spec.input.steps === 'variable';
  for (const { item, pointer } of recurrentItems(context.spec)) {
    const name = item.initializer?.recurrent;
    if (name === undefined || !isRecurrentInitializer(name)) continue;
    const at = `${pointer}/initializer/recurrent`;
    if (!initializerFits(name, item.type)) {
      const form = CELL_FACTS[item.type].recurrentWeight;
      context.report(Code.InitializerNotForCell, `'${name}' does not fit the recurrent ${form} of this ${item.type}`, at, 'value', fittingHint(name, item.type));
    } else if (RECURRENT_INITIALIZER_FACTS[name].usesSteps && variableSteps) {
      context.report(
        Code.InitializerStepsRequired,
        `'${name}' needs the sequence length T, but steps are variable`,
        at,
        'value',
        "give `input { steps N }`, or use `haste` or `identity`; without an `initializer recurrent` statement an indrnn starts uniform in [0, 1] (the T → ∞ limit)",
      );
    }
  }
};

/** A typo's closest fitting name, else the cell's default, then every name that fits. */
function fittingHint(name: string, cell: CellKind): string {
  const fitting = recurrentInitializersFor(cell);
  const best = suggest(name, fitting) ?? defaultRecurrentInitializer(cell);
  return `did you mean '${best}'? (${cell} takes: ${fitting.join(', ')})`;
}
