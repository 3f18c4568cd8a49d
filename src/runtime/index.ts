/**
 * `seqnet/runtime`: the tfjs layers a compiled seqnet model is made of, usable on their own.
 *
 * Importing this module registers every seqnet layer class with tfjs's serialization registry (package
 * `seqnet`), so `tf.loadLayersModel` can restore saved models. It must not import the compiler (chevrotain,
 * ajv, ts-morph): generated code and browser apps depend on it alone.
 */
export * from './recurrent/index.js';
export * from './sequence/index.js';
export * from './training/index.js';
export * from './random.js';
