/** `compileSpec`: spec source text checked by the front end, then compiled; invalid specs throw a SpecError. */
import type * as tf from '@tensorflow/tfjs';
import type { Diagnostic } from '../diagnostics/types.js';
import { checkSpec } from '../validate/index.js';
import { compileModel, type CompileOptions } from './model.js';

/** A spec that does not validate; carries the diagnostics (and the source, to render them). */
export class SpecError extends Error {
  constructor(
    readonly diagnostics: Diagnostic[],
    readonly source: string,
    readonly fileName: string,
  ) {
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
    super(`${fileName}: ${errors} error${errors === 1 ? '' : 's'} in the spec`);
    this.name = 'SpecError';
  }
}

export function compileSpec(source: string, fileName = 'model.seqnet', options: CompileOptions = {}): tf.LayersModel {
  const { diagnostics, ir } = checkSpec(source, fileName);
  if (ir === null || diagnostics.some((diagnostic) => diagnostic.severity === 'error')) {
    throw new SpecError(diagnostics, source, fileName);
  }
  return compileModel(ir, options);
}
