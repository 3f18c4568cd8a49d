/**
 * The facts of every normalization kind that the stages must agree on: its name, its symbol in equations,
 * its default ε and centering. How a kind computes lives with each engine (`src/runtime/recurrent/norms/`).
 */
export const NORM_KINDS = ['layer', 'batch', 'rms'] as const;
export type NormKind = (typeof NORM_KINDS)[number];

export interface NormKindFacts {
  /** In equations: `LN_x`, `BN_h`, `RMS_c`. */
  symbol: string;
  /** In words: "layer norm". */
  title: string;
  epsilon: number;
  /** Whether it has a β (centering) unless the spec says otherwise. */
  center: boolean;
  /** Statistics over the batch (and a population kept for inference), rather than within each example. */
  batchStatistics: boolean;
}

export const NORM_FACTS = {
  layer: { symbol: 'LN', title: 'layer norm', epsilon: 1e-5, center: true, batchStatistics: false },
  batch: { symbol: 'BN', title: 'batch norm', epsilon: 1e-5, center: true, batchStatistics: true },
  // RMSNorm has no centering unless a β is asked for.
  rms: { symbol: 'RMS', title: 'RMS norm', epsilon: 1e-6, center: false, batchStatistics: false },
} as const satisfies Record<NormKind, NormKindFacts>;
