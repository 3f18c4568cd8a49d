/**
 * `seqnet check FILES…` (every diagnostic of every file at once), `seqnet ir FILE` (the resolved IR as JSON on
 * stdout) and `seqnet schema` (the JSON Schema of the spec's JSON form).
 */
import type { Command } from 'commander';
import { Code } from '../../diagnostics/codes.js';
import { renderDiagnostics } from '../../diagnostics/render.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { escapeJsonControl } from '../../diagnostics/escape.js';
import { loadSpecFile } from '../../validate/index.js';
import { SPEC_SCHEMA } from '../../validate/schema.js';
import { CliError, ExitCode, type ExitCodeValue } from '../errors.js';

interface CheckOptions {
  format: string;
}

export function registerCheckCommands(program: Command): void {
  program
    .command('check')
    .description('check .seqnet (or .seqnet.json) files and report every error and warning')
    .argument('<files...>', 'spec files')
    .option('--format <format>', 'text or json', 'text')
    .action(async (files: string[], options: CheckOptions) => {
      process.exitCode = await checkFiles(files, parseFormat(options.format));
    });
  program
    .command('ir')
    .description('print the resolved model IR (every default filled in) as JSON')
    .argument('<file>', 'spec file')
    .action(async (file: string) => {
      process.exitCode = await printIr(file);
    });
  program
    .command('schema')
    .description('print the JSON Schema of the .seqnet.json form (for editors)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(SPEC_SCHEMA, null, 2)}\n`);
    });
}

function parseFormat(format: string): 'text' | 'json' {
  if (format === 'text' || format === 'json') return format;
  throw new CliError(`unknown format '${format}' (use text or json)`, ExitCode.Usage);
}

function useColor(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && process.env.NO_COLOR === undefined;
}

/** Checks every file, prints all diagnostics together, and returns the exit code of the worst outcome. */
export async function checkFiles(files: readonly string[], format: 'text' | 'json'): Promise<ExitCodeValue> {
  const sources = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    const result = await loadSpecFile(file);
    sources.set(file, result.source);
    diagnostics.push(...result.diagnostics);
  }
  const rendered = renderDiagnostics(diagnostics, sources, { format, color: useColor(process.stdout) });
  if (format === 'json') process.stdout.write(rendered);
  else process.stdout.write(rendered === '' ? `${files.length} file${files.length === 1 ? '' : 's'} checked: no problems\n` : rendered);
  return exitCodeFor(diagnostics);
}

function exitCodeFor(diagnostics: readonly Diagnostic[]): ExitCodeValue {
  if (diagnostics.some((diagnostic) => diagnostic.code === Code.ReadError)) return ExitCode.Usage;
  if (diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return ExitCode.Invalid;
  return ExitCode.Ok;
}

async function printIr(file: string): Promise<ExitCodeValue> {
  const result = await loadSpecFile(file);
  if (result.diagnostics.length > 0) {
    process.stderr.write(renderDiagnostics(result.diagnostics, new Map([[file, result.source]]), { format: 'text', color: useColor(process.stderr) }));
  }
  if (result.ir === null) return exitCodeFor(result.diagnostics);
  process.stdout.write(`${escapeJsonControl(JSON.stringify(result.ir, null, 2))}\n`);
  return ExitCode.Ok;
}
