/**
 * Exit codes, the error type a command throws for a user error, file-system errors in words, and the report
 * of an internal error. Which error types are the user's is decided in user-errors.ts.
 */

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

/** What each file-system error means to a user; the codes are Node's (libuv's) errno names. */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENAMETOOLONG: 'the name is too long for the file system',
  EEXIST: 'it already exists',
  ENOTEMPTY: 'the folder is not empty',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'an input/output error (a failing disk or network file system)',
  EFBIG: 'the file is too large',
  EBUSY: 'the file or folder is busy',
  ELOOP: 'too many symbolic links',
  EXDEV: 'source and target are on different file systems',
};

/** What a failed system call was doing, in words. */
const SYSCALL_VERBS: Readonly<Record<string, string>> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  rename: 'rename',
  unlink: 'delete',
  rmdir: 'delete the folder',
  rm: 'delete',
  scandir: 'list the folder',
  stat: 'read',
  lstat: 'read',
  access: 'read',
  copyfile: 'copy',
  fsync: 'write',
  close: 'write',
};

interface SystemError {
  code: string;
  syscall?: string;
  path?: string;
}

function isSystemError(error: unknown): error is Error & SystemError {
  const code = (error as Partial<SystemError> | null)?.code;
  return error instanceof Error && typeof code === 'string' && Object.hasOwn(SYSTEM_ERRORS, code);
}

/** `cannot create the folder 'runs/x': no space left on the device`, from a Node file-system error. */
export function describeSystemError(error: Error & SystemError): string {
  const reason = SYSTEM_ERRORS[error.code];
  const verb = (error.syscall !== undefined && SYSCALL_VERBS[error.syscall]) || 'use';
  return error.path === undefined ? `${verb === 'use' ? 'a file operation failed' : `cannot ${verb}`}: ${reason}` : `cannot ${verb} '${error.path}': ${reason}`;
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
