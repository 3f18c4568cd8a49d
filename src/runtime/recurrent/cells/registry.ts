/**
 * Every cell kind's engines. The step loop (`step`, tfjs ops, differentiated by tfjs) is the reference and
 * runs every cell, norm kind and dropout form. The fused training op and the wasm heap inference loop are
 * accelerators a cell may have: a cell without one is declined by that engine (`fusedPlanFor`,
 * `heapLoopSupports`) and runs on the step loop, so no engine ever computes a different variant. The fused
 * op's own accelerator, its loops on the wasm heap in training, is declared here too (`heapTraining`).
 */
import type { CellKind } from '../../../variants/index.js';
import { fusedGru } from '../fused/gru.js';
import { fusedNormalizedGru } from '../fused/gru-norms.js';
import { fusedLstm } from '../fused/lstm.js';
import { fusedNormalizedLstm } from '../fused/lstm-norms.js';
import { fusedRnn } from '../fused/rnn.js';
import { fusedNormalizedRnn } from '../fused/rnn-norms.js';
import type { FusedCell } from '../fused/types.js';
import { heapGru, heapLstm, heapRnn } from '../heap/cells.js';
import type { HeapCell } from '../heap/cells.js';
import { heapTrainingLstm, heapTrainingNormalizedLstm, heapTrainingNormalizedRnn, heapTrainingRnn } from '../heap/training.js';
import type { HeapTrainingCell } from '../heap/training.js';
import { heapTrainingGru, heapTrainingNormalizedGru } from '../heap/training-gru.js';
import { gruCell } from './gru.js';
import { indrnnCell } from './indrnn.js';
import { lstmCell } from './lstm.js';
import { rnnCell } from './rnn.js';
import type { CellDefinition } from './types.js';

export interface CellDescriptor {
  /** The reference step, which every variant has. */
  step: CellDefinition;
  /** The fused training op's loops: without norms inside, and with them (which also adds the bias inside). */
  fused?: { plain: FusedCell; normalized: FusedCell };
  /** The wasm inference loop's step. */
  heap?: HeapCell;
  /**
   * The fused loops on the wasm heap in training (`heap/training.ts`), each for its fused loop above
   * (absent: that loop runs in JavaScript). Which norm forms a normalized one covers each loop declares
   * (`HeapTrainingCell.normStatistics`: per example, and batch norm per step, for each normalized loop), read by
   * `heapTrainingSupports`.
   */
  heapTraining?: { plain?: HeapTrainingCell; normalized?: HeapTrainingCell };
}

export const CELL_DESCRIPTORS = {
  lstm: {
    step: lstmCell,
    fused: { plain: fusedLstm, normalized: fusedNormalizedLstm },
    heap: heapLstm,
    heapTraining: { plain: heapTrainingLstm, normalized: heapTrainingNormalizedLstm },
  },
  gru: {
    step: gruCell,
    fused: { plain: fusedGru, normalized: fusedNormalizedGru },
    heap: heapGru,
    heapTraining: { plain: heapTrainingGru, normalized: heapTrainingNormalizedGru },
  },
  rnn: {
    step: rnnCell,
    fused: { plain: fusedRnn, normalized: fusedNormalizedRnn },
    heap: heapRnn,
    heapTraining: { plain: heapTrainingRnn, normalized: heapTrainingNormalizedRnn },
  },
  indrnn: { step: indrnnCell },
} as const satisfies Record<CellKind, CellDescriptor>;

export function cellDescriptor(cell: CellKind): CellDescriptor {
  return CELL_DESCRIPTORS[cell];
}
