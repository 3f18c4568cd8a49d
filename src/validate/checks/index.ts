/**
 * The registry of semantic checks, in the order they run (as Langium's ValidationChecks: one function per
 * concern). A new check is one file plus one line here.
 */
import { checkBatchStatistics } from './batch-statistics.js';
import { checkCellNorms } from './cell-norms.js';
import type { Part } from '../repair.js';
import type { Check } from './context.js';
import { checkData } from './data.js';
import { checkInitializers } from './initializers.js';
import { checkLossActivation } from './loss.js';
import { checkUniqueNames } from './names.js';
import { checkNoEffect } from './no-effect.js';
import { checkResidualWidths } from './residual.js';
import { checkSequences } from './sequences.js';
import { checkBatchSize, checkDataSize, checkModelSize } from './size.js';
import { checkVersion } from './version.js';

export { createContext, type Check, type CheckContext } from './context.js';

/**
 * `reads`: the parts of the spec a check looks at. When the schema rejected something in one of them, the check
 * does not run (see repair.ts): its findings could be consequences of the error already reported.
 */
export const SEMANTIC_CHECKS: readonly { name: string; check: Check; reads: readonly Part[] }[] = [
  { name: 'version', check: checkVersion, reads: ['seqnet'] },
  { name: 'unique names', check: checkUniqueNames, reads: ['body', 'heads'] },
  { name: 'cell normalization', check: checkCellNorms, reads: ['body'] },
  { name: 'batch statistics', check: checkBatchStatistics, reads: ['body', 'input'] },
  { name: 'recurrent initializers', check: checkInitializers, reads: ['body', 'input'] },
  { name: 'sequences', check: checkSequences, reads: ['body', 'heads'] },
  { name: 'residual widths', check: checkResidualWidths, reads: ['body', 'input'] },
  { name: 'model size', check: checkModelSize, reads: ['body', 'heads', 'input'] },
  { name: 'batch size', check: checkBatchSize, reads: ['body', 'heads', 'input', 'train'] },
  { name: 'data size', check: checkDataSize, reads: ['data', 'input'] },
  { name: 'data', check: checkData, reads: ['data', 'input', 'heads'] },
  { name: 'loss and activation', check: checkLossActivation, reads: ['heads', 'train'] },
  { name: 'options without effect', check: checkNoEffect, reads: ['body', 'heads', 'train', 'data'] },
];
