/**
 * The training API's user errors, in a module of their own: the command line tells them apart from bugs
 * without loading tfjs.
 */
import type { Diagnostic } from '../diagnostics/types.js';

/** A problem with the request (no data block, no checkpoint); shown to the user without a stack trace. */
export class TrainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainError';
  }
}

/** The spec has errors; `diagnostics` (with `source`) are what to show. */
export class InvalidSpecError extends Error {
  constructor(
    readonly path: string,
    readonly source: string,
    readonly diagnostics: Diagnostic[],
  ) {
    super(`${path}: the spec has errors`);
    this.name = 'InvalidSpecError';
  }
}
