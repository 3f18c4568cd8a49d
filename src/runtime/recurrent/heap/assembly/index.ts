/**
 * seqnet's compiled cell kernels for the wasm backend's inference loop (`../run.ts`). Compiled by
 * `npm run kernels` (AssemblyScript, SIMD) into `../compiled.ts`, instantiated against the wasm backend's
 * own memory, so they work on tfjs tensors in place. Nothing here allocates: every address comes from
 * the caller.
 */
export { gruCandidate, gruGates, lstmStep, rnnStep } from './cells';
export { normalizeRows } from './norm';
