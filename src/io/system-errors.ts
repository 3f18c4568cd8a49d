/**
 * Node's file-system errors in words for a user: `cannot create the folder 'runs/x': no space left on the
 * device` instead of `ENOSPC: no space left on device, mkdir 'runs/x'`. Shared by the CLI (any system error
 * that reaches it) and the data readers (a data file that cannot be read).
 */

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

export interface SystemError {
  code: string;
  syscall?: string;
  path?: string;
}

export function isSystemError(error: unknown): error is Error & SystemError {
  const code = (error as Partial<SystemError> | null)?.code;
  return error instanceof Error && typeof code === 'string' && Object.hasOwn(SYSTEM_ERRORS, code);
}

/** `cannot create the folder 'runs/x': no space left on the device`, from a Node file-system error. */
export function describeSystemError(error: Error & SystemError): string {
  const reason = SYSTEM_ERRORS[error.code];
  const verb = (error.syscall !== undefined && SYSCALL_VERBS[error.syscall]) || 'use';
  return error.path === undefined ? `${verb === 'use' ? 'a file operation failed' : `cannot ${verb}`}: ${reason}` : `cannot ${verb} '${error.path}': ${reason}`;
}

/** Why a file could not be read, in words: the system error's meaning, or the error's own message. */
export function readFailureReason(error: unknown): string {
  return isSystemError(error) ? SYSTEM_ERRORS[error.code] : error instanceof Error ? error.message : String(error);
}
