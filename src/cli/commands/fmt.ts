/**
 * `seqnet fmt FILES… [--check]`: rewrites `.seqnet` files in their canonical layout (only those that change), or
 * with `--check` lists the ones that are not formatted. A file with syntax errors is reported and left alone.
 * `seqnet fmt -` is the filter form for editors and pipes: standard input formatted to standard output.
 */
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { renderDiagnostics } from '../../diagnostics/render.js';
import { formatSpec, type FormatResult } from '../../format/index.js';
import { CliError, ExitCode, type ExitCodeValue } from '../errors.js';

/** The file name that means standard input, and how diagnostics and messages name it. */
const STDIN_ARGUMENT = '-';
const STDIN_NAME = '<stdin>';

interface FormatOptions {
  check?: boolean;
}

export function registerFormatCommand(program: Command): void {
  program
    .command('fmt')
    .description('format .seqnet files in place: two-space indentation, one statement per line, comments kept')
    .argument('<files...>', '.seqnet files to format, or - to format standard input to standard output')
    .option('--check', 'write nothing; list the files that are not formatted and exit with 1 if there are any')
    .action(async (files: string[], options: FormatOptions) => {
      const check = options.check === true;
      if (!files.includes(STDIN_ARGUMENT)) {
        process.exitCode = await formatFiles(files, check);
        return;
      }
      // Formatted text on stdout would mix with the "formatted FILE" lines of the other files.
      if (files.length > 1) throw new CliError(`'${STDIN_ARGUMENT}' (standard input) cannot be combined with file names`, ExitCode.Usage);
      process.exitCode = await formatStdin(check);
    });
}

/** Formats standard input onto standard output; with `check`, prints nothing unless it is unformatted. */
export async function formatStdin(check: boolean): Promise<ExitCodeValue> {
  let source: string;
  try {
    source = await readStdin();
  } catch (error) {
    throw new CliError(`cannot read standard input: ${describeIoError(error)}`, ExitCode.Usage);
  }
  const result = formatSpec(source, STDIN_NAME);
  if (result.text === null) {
    reportSyntaxErrors(result.diagnostics, STDIN_NAME, source);
    return ExitCode.Invalid;
  }
  if (!check) {
    process.stdout.write(result.text);
    return ExitCode.Ok;
  }
  if (result.text === source) return ExitCode.Ok;
  process.stdout.write(`${STDIN_NAME} is not formatted\n`);
  return ExitCode.Invalid;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function reportSyntaxErrors(diagnostics: FormatResult['diagnostics'], name: string, source: string): void {
  const color = process.stderr.isTTY === true && process.env.NO_COLOR === undefined;
  process.stderr.write(renderDiagnostics(diagnostics, new Map([[name, source]]), { format: 'text', color }));
}

type FileOutcome = 'unchanged' | 'formatted' | 'unformatted' | 'invalid' | 'io-error';

/** Formats (or checks) every file, even after one fails, and returns the exit code for the worst outcome. */
export async function formatFiles(files: readonly string[], check: boolean): Promise<ExitCodeValue> {
  const outcomes: FileOutcome[] = [];
  for (const file of files) outcomes.push(await formatFile(file, check));
  const unformatted = files.filter((_, index) => outcomes[index] === 'unformatted');
  if (unformatted.length > 0) {
    const names = unformatted.map(quoteArgument).join(' ');
    process.stdout.write(`run \`seqnet fmt ${names}\` to fix\n`);
  }
  if (outcomes.includes('io-error')) return ExitCode.Usage;
  if (outcomes.includes('invalid') || unformatted.length > 0) return ExitCode.Invalid;
  return ExitCode.Ok;
}

async function formatFile(file: string, check: boolean): Promise<FileOutcome> {
  if (file.endsWith('.json')) {
    process.stderr.write(`seqnet: ${file}: fmt formats .seqnet files; JSON specs are left as they are\n`);
    return 'io-error';
  }
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    process.stderr.write(`seqnet: cannot read ${file}: ${describeIoError(error)}\n`);
    return 'io-error';
  }
  const result = formatSpec(source, file);
  if (result.text === null) {
    reportSyntaxErrors(result.diagnostics, file, source);
    return 'invalid';
  }
  if (result.text === source) return 'unchanged';
  if (check) {
    process.stdout.write(`${file} is not formatted\n`);
    return 'unformatted';
  }
  try {
    await replaceFile(file, result.text);
  } catch (error) {
    process.stderr.write(`seqnet: cannot write ${file}: ${describeIoError(error)}\n`);
    return 'io-error';
  }
  process.stdout.write(`formatted ${file}\n`);
  return 'formatted';
}

/** Writes a temporary file beside `file` and renames it over `file`, so no reader ever sees half a file. */
async function replaceFile(file: string, text: string): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.fmt.tmp`);
  const { mode } = await stat(file);
  try {
    await writeFile(temporary, text, { mode });
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

function describeIoError(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/** A file name as it would be typed in a shell: quoted only when it needs to be. */
function quoteArgument(file: string): string {
  return /^[\w./-]+$/.test(file) ? file : `'${file.replaceAll("'", "'\\''")}'`;
}
