/** The generator's refusal: an IR value that cannot be written as safe TypeScript. */

export class CodegenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodegenError';
  }
}
