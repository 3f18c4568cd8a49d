/**
 * The registry of semantic checks, in the order they run (as Langium's ValidationChecks: one function per
 * concern). A new check is one file plus one line here.
 */
import { checkBatchStatistics } from './batch-statistics.js';
import { checkCellNorms } from './cell-norms.js';
import type { Check } from './context.js';
import { checkData } from './data.js';
import { checkLossActivation } from './loss.js';
import { checkUniqueNames } from './names.js';
import { checkNoEffect } from './no-effect.js';
import { checkResidualWidths } from './residual.js';
import { checkSequences } from './sequences.js';
import { checkModelSize } from './size.js';
import { checkVersion } from './version.js';

export { createContext, type Check, type CheckContext } from './context.js';

export const SEMANTIC_CHECKS: readonly { name: string; check: Check }[] = [
  { name: 'version', check: checkVersion },
  { name: 'unique names', check: checkUniqueNames },
  { name: 'cell normalization', check: checkCellNorms },
  { name: 'batch statistics', check: checkBatchStatistics },
  { name: 'sequences', check: checkSequences },
  { name: 'residual widths', check: checkResidualWidths },
  { name: 'model size', check: checkModelSize },
  { name: 'data', check: checkData },
  { name: 'loss and activation', check: checkLossActivation },
  { name: 'options without effect', check: checkNoEffect },
];
