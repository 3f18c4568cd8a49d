/** Layers that act on whole sequences between and after seqnet's recurrent layers. */
export { SequencePooling, type PoolingMode, type SequencePoolingConfig } from './pooling.js';
export { LastStep, type LastStepConfig } from './last-step.js';
export { RmsNormalization, type RmsNormalizationConfig } from './rms-norm.js';
export { SequenceDropout, type SequenceDropoutConfig } from './dropout.js';
export { ResidualAdd, type ResidualAddConfig } from './residual.js';
