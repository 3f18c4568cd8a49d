/**
 * `seqnet/node`: what a Node program needs to use models that `seqnet train` saved on disk. tfjs has no
 * `file://` loader without tfjs-node, so this entry brings seqnet's disk IOHandler; it also opens whole run
 * directories and applies their saved preprocessing. Importing it registers seqnet's layer classes with tfjs
 * (it imports `seqnet/runtime`). Browser code uses `seqnet/runtime` and a URL instead.
 */
export { fileHandler, MODEL_FILE, WEIGHTS_FILE } from '../io/index.js';
export { loadRun, type LoadedRun } from './load-run.js';
export { createPreprocessor, readPreprocessing, type NestedNumbers, type Preprocessor } from './preprocess.js';
export type { ColumnStatistics, Preprocessing } from '../data/types.js';
