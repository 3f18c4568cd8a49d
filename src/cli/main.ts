/**
 * The `seqnet` command line: one commander program, one module per group of commands.
 *
 * Exit codes are the same for every command: 0 success, 1 an invalid spec (or a failed check such as
 * `fmt --check`), 2 a usage or I/O error. A user error never prints a stack trace; an internal error does,
 * because that is a bug to report.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { CliError, ExitCode } from './errors.js';
import { registerCheckCommands } from './commands/check.js';
import { registerFormatCommand } from './commands/fmt.js';
import { registerCompileCommands } from './commands/compile.js';
import { registerTrainCommands } from './commands/train.js';

export function buildProgram(): Command {
  const program = new Command('seqnet')
    .description('Declare recurrent sequence models and compile them to TensorFlow.js')
    .version(packageVersion(), '-V, --version', 'print the seqnet version')
    .exitOverride()
    .showHelpAfterError('(run `seqnet --help` for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  registerCheckCommands(program);
  registerFormatCommand(program);
  registerCompileCommands(program);
  registerTrainCommands(program);
  for (const command of program.commands) command.exitOverride();
  return program;
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
    if (error instanceof CliError) {
      process.stderr.write(`seqnet: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
