/** The TypeScript back end: a ModelIR written as a module that builds the model with tfjs and seqnet/runtime. */
export { generateTypeScript, type GenerateOptions } from './generate.js';
export { CodegenError } from './errors.js';
export { formatNumber, stringLiteral } from './literal.js';
