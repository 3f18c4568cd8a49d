/**
 * seqnet's compiled cell kernels for the wasm backend: the inference loop (`../run.ts`) and training
 * (`../training.ts`). Compiled by `npm run kernels` (AssemblyScript, SIMD) into `../compiled.ts`,
 * instantiated against the wasm backend's own memory, so they work on tfjs tensors in place. Nothing here
 * allocates: every address comes from the caller.
 */
export { gruCandidate, gruGates, lstmStep, rnnStep } from './cells';
export { normalizeRows } from './norm';
export { addRecurrentGradient, maskState, transposeRows } from './train';
export { lstmBackward, lstmForward } from './train-lstm';
export { gruGatesForward, gruResetBackward, gruStateBackward, gruStateForward } from './train-gru';
export { rnnBackward, rnnForward } from './train-rnn';
export {
  lstmNormsActivate,
  lstmNormsActivateBackward,
  lstmNormsBackward,
  lstmNormsCell,
  lstmNormsCellBackward,
  lstmNormsForward,
  lstmNormsState,
  lstmNormsStateBackward,
  lstmNormsSum,
  lstmNormsSumBackward,
} from './train-lstm-norms';
export { batchNormApply, batchNormDeviations, batchNormGradient, batchNormGradientSums, batchNormSums } from './train-batch-norm';
export {
  gruNormsCandidateBackward,
  gruNormsCandidateProductBackward,
  gruNormsCandidateState,
  gruNormsCandidateSum,
  gruNormsGatesActivate,
  gruNormsGatesBackward,
  gruNormsGatesForward,
  gruNormsGatesSum,
  gruNormsRecurrentBackward,
  gruNormsResetAfterBackward,
  gruNormsResetBackward,
  gruNormsResetFirstBackward,
  gruNormsStateBackward,
  gruNormsStateEnd,
  gruNormsStateEndBackward,
  gruNormsStateForward,
} from './train-gru-norms';
export {
  rnnNormsActivate,
  rnnNormsActivateBackward,
  rnnNormsBackward,
  rnnNormsForward,
  rnnNormsStateEnd,
  rnnNormsStateEndBackward,
  rnnNormsSum,
  rnnNormsSumBackward,
} from './train-rnn-norms';
