/**
 * Which configs the fused op accelerates, and how: the recurrence of every cell whose descriptor has fused
 * loops, with or without norms inside the loop, for norm kinds whose descriptor has a fused form. It declines
 * everything else (null), which then runs on the step loop. Anything vectorizable over all steps (input
 * dropout, an input norm whose statistics do not depend on the step) stays outside the op, in tfjs ops.
 */
import type { NormIR } from '../../../ir/types.js';
import { hasGates, NORM_FACTS } from '../../../variants/index.js';
import { cellDescriptor } from '../cells/registry.js';
import type { CellDescriptor } from '../cells/registry.js';
import type { SeqnetRecurrentConfig } from '../config.js';
import { normDescriptor } from '../norms/registry.js';
import type { FusedNormForm, NormDescriptor } from '../norms/types.js';
import type { HeapTrainingCell } from '../heap/training.js';
import type { FusedCell } from './types.js';

export interface FusedPlan {
  cell: FusedCell;
  /** Norms computed inside the loop, each with its kind's fused form; the bias is then added inside too. */
  loopNorms: NormIR[];
  forms: FusedNormForm[];
  /** The cell's heap training loop for `cell` (its descriptor's `heapTraining`), or null: the JS loop runs. */
  heapTraining: HeapTrainingCell | null;
}

/** An input norm computed on all steps at once: its statistics are per example, or shared over time. */
export function isVectorizedInputNorm(norm: NormIR): boolean {
  return norm.site === 'input' && (!NORM_FACTS[norm.kind].batchStatistics || norm.batch?.statistics === 'shared');
}

/**
 * The fused plan for this config, or null when the step loop must run it: a cell or a norm kind inside the
 * loop without a fused form, or activations the fused loops do not implement. Every dropout form runs with
 * the op: recurrent, candidate and zoneout inside the loops (`FusedArgs`); input dropout, and weight drop as
 * the masked `U` handed to the op (tfjs carries the op's `dU` back through the mask), before it. The
 * descriptors are parameters so that a test can show what is declined.
 */
export function fusedPlanFor(
  config: SeqnetRecurrentConfig,
  cell: CellDescriptor = cellDescriptor(config.cell),
  norms: (norm: NormIR) => NormDescriptor = (norm) => normDescriptor(norm.kind),
): FusedPlan | null {
  if (cell.fused === undefined) return null;
  if (config.activation !== 'tanh') return null;
  // A cell without gates besides the candidate (the simple RNN) never uses its recurrentActivation.
  const gatesOk = !hasGates(config.cell) || config.recurrentActivation === 'sigmoid' || config.recurrentActivation === 'hard_sigmoid';
  if (!gatesOk) return null;
  const loopNorms = config.norms.filter((norm) => !isVectorizedInputNorm(norm));
  const forms = loopNorms.flatMap((norm) => norms(norm).fused ?? []);
  if (forms.length < loopNorms.length) return null;
  const loop = loopNorms.length === 0 ? 'plain' : 'normalized';
  return { cell: cell.fused[loop], loopNorms, forms, heapTraining: cell.heapTraining?.[loop] ?? null };
}
