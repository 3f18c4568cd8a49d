/** What a normalization preset is: a published cell, expanded to explicit normalization sites and layer settings. */
import type { CellKind, NormIR } from '../types.js';

/** What the preset needs to know about the layer it expands into. */
export interface PresetInput {
  /** `input.steps`, or null for variable-length sequences (per-step batch statistics then need `max_steps`). */
  steps: number | null;
}

/** Layer settings a preset changes, besides its normalization sites. */
export interface PresetOverrides {
  useBias?: boolean;
  forgetBias?: { init: number; constant: number };
  resetAfter?: boolean;
}

export interface PresetExpansion {
  norms: NormIR[];
  overrides: PresetOverrides;
}

export interface NormPreset {
  name: string;
  cells: readonly CellKind[];
  /** What it reproduces and where the convention comes from. */
  doc: string;
  expand(cell: CellKind, input: PresetInput): PresetExpansion;
}
