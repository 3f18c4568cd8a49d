/** `trainSpec`: a spec file checked, compiled and trained in one call. */
import type { Diagnostic } from '../diagnostics/types.js';
import { InvalidSpecError } from '../validate/errors.js';
import { loadSpecFile } from '../validate/index.js';
import { trainIr, type TrainOptions, type TrainResult } from './session.js';

export interface TrainSpecOptions extends TrainOptions {
  /** Called with the spec's warnings (if any) before training starts. */
  onWarnings?: (diagnostics: Diagnostic[], source: string) => void;
}

/** Checks `path`, then trains it; an invalid spec throws InvalidSpecError and nothing is written. */
export async function trainSpec(path: string, options: TrainSpecOptions = {}): Promise<TrainResult> {
  const { source, diagnostics, ir } = await loadSpecFile(path);
  if (ir === null) throw new InvalidSpecError(path, source, diagnostics);
  if (diagnostics.length > 0) options.onWarnings?.(diagnostics, source);
  return trainIr(ir, { source, path }, options);
}
