/**
 * The error thrown by the library calls that take a spec and cannot go on because it is invalid
 * (`compileSpec`, `trainSpec`). It imports only types, so the command line can recognize it without loading
 * the validator, tfjs or the TypeScript compiler (src/cli/user-errors.ts).
 */
import type { Diagnostic } from '../diagnostics/types.js';

/** The spec has errors; `diagnostics` (rendered against `source`) say what they are. */
export class InvalidSpecError extends Error {
  constructor(
    /** The name the diagnostics carry: the path for a file, the name given to `compileSpec` for text. */
    readonly fileName: string,
    readonly source: string,
    readonly diagnostics: Diagnostic[],
    /** What the command did not do, for its closing line ("not trained", "not exported"). */
    readonly refused: string = 'not trained',
  ) {
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
    super(`${fileName}: ${errors} error${errors === 1 ? '' : 's'} in the spec`);
    this.name = 'InvalidSpecError';
  }
}

/** @deprecated `compileSpec`'s name for the same class; catch InvalidSpecError. */
export const SpecError = InvalidSpecError;
/** @deprecated `compileSpec`'s name for the same class; catch InvalidSpecError. */
export type SpecError = InvalidSpecError;
