/**
 * Upper bounds on every size a spec can state. Each is far above any model that trains on one machine yet low
 * enough that a typo (`lstm 1e12`) is a located error from `check` instead of an allocation failure in `train`.
 * docs/language.md lists them ("Limits"); a test keeps that table in step with this file.
 */
export const LIMITS = {
  /** Units of a recurrent layer, a dense layer or a head. */
  units: 65_536,
  /** Features per step (for text data: the vocabulary capacity). */
  features: 65_536,
  /** Steps per sequence, `max_steps`, and data windows, horizons and strides. */
  steps: 100_000,
  /** `x N` stacks. */
  repeat: 100,
  /** Examples per batch. */
  batchSize: 65_536,
  /** Epochs, and the epoch counts of early stopping and schedules. */
  epochs: 100_000,
  /** Synthetic samples. */
  samples: 1_000_000,
  /** Seeds are 32-bit. */
  seed: 4_294_967_295,
  /** Layers after `x N` stacks are expanded, plus heads. */
  layers: 1_000,
  /** Parameters (trainable and not) of the whole model. */
  parameters: 50_000_000,
  /** Numbers in one batch of a layer's output (batch size × steps × width), the memory one step of training needs per layer. */
  batchValues: 200_000_000,
  /** Numbers in a synthetic data set (samples × steps × features), all generated in memory. */
  dataValues: 200_000_000,
  /** Magnitude of initial values (γ, β, forget-gate bias) and of a head's loss weight: beyond it the first loss overflows. */
  magnitude: 1_000_000,
  /** Normalization and optimizer ε. */
  epsilon: 1,
  /** Learning rates. */
  learningRate: 10,
} as const;
