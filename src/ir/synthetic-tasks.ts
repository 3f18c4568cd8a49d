/**
 * What each synthetic task (`data { source synthetic TASK }`, docs/training.md) supplies: a fact of the
 * language that the data check (src/validate/checks/data.ts) holds specs to and the generator
 * (src/data/synthetic.ts) produces. It sits here, before both, so that neither imports the other.
 */
import type { SyntheticTask } from './types.js';

export interface SyntheticShape {
  /** Input features per step. */
  features: number;
  /** Target values per step (per-step tasks) or per sequence. */
  targetUnits: number;
  /** Whether there is a target at every step (else one per sequence). */
  perStep: boolean;
  /** The fewest steps the task can be posed in. */
  minSteps: number;
}

export const SYNTHETIC_SHAPES: Readonly<Record<SyntheticTask, SyntheticShape>> = {
  sine_cosine: { features: 1, targetUnits: 1, perStep: true, minSteps: 1 },
  adding: { features: 2, targetUnits: 1, perStep: false, minSteps: 2 },
  copy: { features: 10, targetUnits: 10, perStep: true, minSteps: 3 },
};
