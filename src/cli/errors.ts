/**
 * Exit codes, the error type a command throws for a user error, file-system errors as user errors, and the
 * report of an internal error. Which error types are the user's is decided in user-errors.ts.
 */
import { describeSystemError, isSystemError } from '../io/system-errors.js';

export const ExitCode = {
  Ok: 0,
  /** The spec is invalid, a check (`fmt --check`, `generate --check`) found something to fix, or a run diverged. */
  Invalid: 1,
  /** Bad usage, a missing, unreadable or corrupt file, a full disk, or another I/O error. */
  Usage: 2,
  /** An internal error: a bug in seqnet (EX_SOFTWARE in BSD's sysexits.h). */
  Internal: 70,
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

/** A user error for a Node file-system error (one line), or null for any other error. */
export function systemUserError(error: unknown): CliError | null {
  return isSystemError(error) ? new CliError(describeSystemError(error), ExitCode.Usage) : null;
}

/** The report of an internal error: what happened, that it is a bug, and the stack trace to include. */
export function describeInternalError(error: unknown): string {
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return `seqnet: internal error — this is a bug in seqnet; please report it with the command you ran and this trace:\n${detail}\n`;
}
