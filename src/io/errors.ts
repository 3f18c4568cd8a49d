/** The error every reader of a run directory throws for a file that is missing, damaged or not what it claims. */

/**
 * A run file (model, weights, checkpoint, IR, preprocessing, manifest) that cannot be trusted. The message is
 * one line for the user: which file, what is wrong with it, and what to do.
 */
export class RunFileError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'RunFileError';
  }
}
