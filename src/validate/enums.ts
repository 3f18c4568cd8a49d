/** The closed word lists of the language (activations, losses, sites, …), shared by the schema and the checks. */
export const ACTIVATIONS = ['tanh', 'sigmoid', 'hard_sigmoid', 'relu', 'elu', 'selu', 'gelu', 'softsign', 'softplus', 'swish', 'linear', 'softmax'] as const;
// Cell kinds, norm kinds, sites, groupings and recurrent initializers are the variants' own lists (src/variants), not copies.
export { CELL_KINDS, NORM_GROUPS, NORM_KINDS, NORM_SITES, RECURRENT_INITIALIZERS } from '../variants/index.js';
export const MASKS = ['per_sequence', 'per_step'] as const;
export const MERGES = ['concat', 'sum', 'mul', 'ave'] as const;
export const LOSSES = ['mse', 'mae', 'huber', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy'] as const;
export const METRICS = ['mse', 'mae', 'accuracy', 'binary_accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy'] as const;
export const HEAD_POSITIONS = ['each_step', 'last_step', 'mean', 'max'] as const;
export const KERNEL_INITIALIZERS = ['glorot_uniform', 'glorot_normal', 'he_normal', 'he_uniform', 'orthogonal', 'zeros'] as const;
export const SYNTHETIC_TASKS = ['sine_cosine', 'adding', 'copy'] as const;
/** Language versions this seqnet understands. */
export const SUPPORTED_VERSIONS = [1] as const;
