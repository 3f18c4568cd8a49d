/** `compileSpec`: spec source text checked by the front end, then compiled; invalid specs throw an InvalidSpecError. */
import type * as tf from '@tensorflow/tfjs';
import { InvalidSpecError } from '../validate/errors.js';
import { checkSpec } from '../validate/check.js';
import { compileModel, type CompileOptions } from './model.js';

export function compileSpec(source: string, fileName = 'model.seqnet', options: CompileOptions = {}): tf.LayersModel {
  const { diagnostics, ir } = checkSpec(source, fileName);
  if (ir === null || diagnostics.some((diagnostic) => diagnostic.severity === 'error')) {
    throw new InvalidSpecError(fileName, source, diagnostics);
  }
  return compileModel(ir, options);
}
