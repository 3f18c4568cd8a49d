/**
 * The `seqnet` command line: one commander program, one module per group of commands.
 *
 * Exit codes are the same for every command: 0 success, 1 an invalid spec (or a failed check such as
 * `fmt --check`, or a diverged run), 2 a usage, I/O or corrupt-file error, 70 an internal error. A user error
 * is one line and never a stack trace (user-errors.ts decides which errors are the user's); an internal error
 * prints its stack trace and says it is a bug, because that is what to report.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { escapeControl } from '../diagnostics/escape.js';
import { describeInternalError, ExitCode } from './errors.js';
import { asUserError } from './user-errors.js';
import { registerCheckCommands } from './commands/check.js';
import { registerFormatCommand } from './commands/fmt.js';
import { registerInitCommand } from './commands/init.js';
import { registerCompileCommands } from './commands/compile.js';
import { registerTrainCommands } from './commands/train.js';
import { registerLspCommand } from './commands/lsp.js';

export function buildProgram(): Command {
  const program = new Command('seqnet')
    .description('Declare recurrent sequence models and compile them to TensorFlow.js')
    .version(packageVersion(), '-V, --version', 'print the seqnet version')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      writeOut: (s) => process.stdout.write(s),
      outputError: (message, write) => write(usageErrorLine(message)),
    });
  registerCheckCommands(program);
  registerFormatCommand(program);
  registerCompileCommands(program);
  registerTrainCommands(program);
  registerInitCommand(program);
  registerLspCommand(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/**
 * Commander's usage errors ("error: unknown option '--epoch'\n(Did you mean --epochs?)\n") as one line in
 * seqnet's own form, like every other user error.
 */
export function usageErrorLine(message: string): string {
  const lines = message.trim().replace(/^error: /, '').split('\n');
  const suggestion = lines.slice(1).map((line) => line.replace(/^\((.*)\)$/, '$1').replace(/^Did you mean/, 'did you mean'));
  return `seqnet: ${[lines[0], ...suggestion].join('; ')} (see seqnet --help)\n`;
}

/**
 * The `version` of seqnet's package.json. This module runs from src/cli (tests) or dist/src/cli (the built
 * CLI, also inside node_modules), so the file is found by walking up rather than at a fixed depth.
 */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = readManifest(join(dir, 'package.json'));
    if (manifest?.name === 'seqnet' && typeof manifest.version === 'string') return manifest.version;
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

function readManifest(path: string): { name?: unknown; version?: unknown } | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return null;
  }
}

/** Runs the CLI with `argv` (without `node` and the script) and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; they are successes to the user.
      if (error.exitCode === 0) return ExitCode.Ok;
      return ExitCode.Usage;
    }
    const userError = asUserError(error);
    if (userError !== null) {
      // Messages quote what the user gave (file names, CSV headers, flag values): shown escaped, on one line.
      process.stderr.write(`seqnet: ${escapeControl(userError.message)}\n`);
      return userError.exitCode;
    }
    process.stderr.write(describeInternalError(error));
    return ExitCode.Internal;
  }
}
