/** Exit codes and the error type a command throws for a user error (printed without a stack trace). */

export const ExitCode = {
  Ok: 0,
  /** The spec is invalid, or a check (`fmt --check`, `generate --check`) found something to fix. */
  Invalid: 1,
  /** Bad usage, a missing file, or another I/O error. */
  Usage: 2,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.Usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
