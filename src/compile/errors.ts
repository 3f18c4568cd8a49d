/** Errors of the back ends: a model the IR describes but that cannot be built as described. */

export class CompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompileError';
  }
}
