/**
 * The one place that decides whether an error that reached the command line is the user's — shown as one line
 * without a stack trace, exit 1 for an invalid spec and 2 for everything else — or seqnet's own (a bug).
 *
 * Each stage throws its own error class for problems the user must fix (a data file, a backend, a run file…);
 * they are listed here instead of being caught one by one in every command. They are imported from modules
 * that load nothing heavy (no tfjs, no TypeScript compiler), so that deciding costs nothing.
 */
import { BackendError } from '../backend/names.js';
import { CodegenError } from '../codegen/errors.js';
import { CompileError } from '../compile/errors.js';
import { Code } from '../diagnostics/codes.js';
import { renderDiagnostics } from '../diagnostics/render.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { DataError } from '../data/types.js';
import { RunFileError } from '../io/errors.js';
import { TrainError } from '../train/errors.js';
import { InvalidSpecError } from '../validate/errors.js';
import { CliError, ExitCode, systemUserError, type ExitCodeValue } from './errors.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/** Error classes whose message is written for the user, with the exit code each stands for. */
const USER_ERRORS: readonly (readonly [ErrorClass, ExitCodeValue])[] = [
  [DataError, ExitCode.Usage],
  [TrainError, ExitCode.Usage],
  [BackendError, ExitCode.Usage],
  // A run directory's file is missing, damaged or not the run's own.
  [RunFileError, ExitCode.Usage],
  // The front end accepted the spec but a back end refuses it: the spec must change.
  [CompileError, ExitCode.Invalid],
  [CodegenError, ExitCode.Invalid],
];

/** The one-line user error an error stands for (after printing a spec's diagnostics), or null for a bug. */
export function asUserError(error: unknown): CliError | null {
  if (error instanceof CliError) return error;
  // Of the commands, only `train` lets an invalid spec throw (trainSpec); the others print its diagnostics themselves.
  if (error instanceof InvalidSpecError) return invalidSpec(error.fileName, error.source, error.diagnostics, `${error.refused} (the spec has errors)`);
  const known = USER_ERRORS.find(([type]) => error instanceof type);
  if (known !== undefined) return new CliError((error as Error).message, known[1]);
  return systemUserError(error);
}

/**
 * Prints the diagnostics of a spec that could not be used and returns the closing line. A spec that could not
 * be read at all is an I/O problem (exit 2), not an invalid spec: its diagnostic already says why, once.
 */
function invalidSpec(path: string, source: string, diagnostics: Diagnostic[], what: string): CliError {
  const unreadable = diagnostics.find((diagnostic) => diagnostic.code === Code.ReadError);
  if (unreadable !== undefined) return new CliError(unreadable.message, ExitCode.Usage);
  const color = process.stderr.isTTY === true && process.env.NO_COLOR === undefined;
  process.stderr.write(renderDiagnostics(diagnostics, new Map([[path, source]]), { format: 'text', color }));
  return new CliError(`${path}: ${what}`, ExitCode.Invalid);
}
