/**
 * `seqnet summary`, `seqnet explain` and `seqnet generate`: the commands that read a spec and show or write
 * what it compiles to.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { CodegenError, generateTypeScript } from '../../codegen/index.js';
import { CompileError } from '../../compile/index.js';
import { Code } from '../../diagnostics/codes.js';
import { renderDiagnostics } from '../../diagnostics/render.js';
import { explainModel, renderSummary, summarizeModel } from '../../explain/index.js';
import type { ModelIR } from '../../ir/types.js';
import { loadSpecFile } from '../../validate/index.js';
import { CliError, ExitCode } from '../errors.js';

const SPEC_FOLDER = 'specs';
const SPEC_EXTENSION = '.seqnet';

/**
 * Loads and validates a spec; prints its diagnostics (warnings too) and returns the IR, or null if invalid. An
 * unreadable file is a usage error (exit 2), not an invalid spec.
 */
async function loadIr(file: string): Promise<ModelIR | null> {
  const { source, diagnostics, ir } = await loadSpecFile(file);
  const unreadable = diagnostics.find((diagnostic) => diagnostic.code === Code.ReadError);
  if (unreadable !== undefined) throw new CliError(unreadable.message, ExitCode.Usage);
  if (diagnostics.length > 0) {
    const color = process.stderr.isTTY === true && process.env.NO_COLOR === undefined;
    process.stderr.write(renderDiagnostics(diagnostics, new Map([[file, source]]), { format: 'text', color }));
  }
  const failed = ir === null || diagnostics.some((diagnostic) => diagnostic.severity === 'error');
  return failed ? null : ir;
}

async function requireIr(file: string): Promise<ModelIR> {
  const ir = await loadIr(file);
  if (ir === null) throw new CliError(`${file} is not a valid spec`, ExitCode.Invalid);
  return ir;
}

/** Back-end refusals (an IR the front end let through but that cannot be built) are user errors, not crashes. */
function backEnd<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof CompileError || error instanceof CodegenError) throw new CliError(`${file}: ${error.message}`, ExitCode.Invalid);
    throw error;
  }
}

async function summaryAction(file: string): Promise<void> {
  const ir = await requireIr(file);
  process.stdout.write(backEnd(file, () => renderSummary(summarizeModel(ir))));
}

async function explainAction(file: string, options: { format: string }): Promise<void> {
  if (options.format !== 'text' && options.format !== 'markdown') {
    throw new CliError(`--format must be text or markdown, not '${options.format}'`, ExitCode.Usage);
  }
  const format = options.format;
  const ir = await requireIr(file);
  process.stdout.write(backEnd(file, () => explainModel(ir, { format })));
}

async function defaultSpecFiles(): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(SPEC_FOLDER);
  } catch {
    throw new CliError(`no files given and no ${SPEC_FOLDER}/ folder here`, ExitCode.Usage);
  }
  return names.filter((name) => name.endsWith(SPEC_EXTENSION)).sort().map((name) => path.join(SPEC_FOLDER, name));
}

/** The file name a spec generates: `specs/sine.seqnet` → `sine.ts` (also for `.seqnet.json`). */
function generatedName(file: string): string {
  return `${path.basename(file).replace(/\.seqnet(\.json)?$/, '')}.ts`;
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

/** Writes through a temporary file and a rename, so a failed run never leaves a half-written file. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new CliError(`cannot write ${file}: ${(error as Error).message}`, ExitCode.Usage);
  }
}

type Outcome = 'written' | 'unchanged' | 'stale' | 'missing' | 'invalid';

async function generateOne(file: string, outDir: string, check: boolean): Promise<[string, Outcome]> {
  const target = path.join(outDir, generatedName(file));
  const ir = await loadIr(file);
  if (ir === null) return [target, 'invalid'];
  const sourcePath = path.relative(process.cwd(), path.resolve(file)).split(path.sep).join('/');
  const text = backEnd(file, () => generateTypeScript(ir, { sourcePath }));
  const existing = await readIfExists(target);
  if (existing === text) return [target, 'unchanged'];
  if (check) return [target, existing === null ? 'missing' : 'stale'];
  await writeAtomically(target, text);
  return [target, 'written'];
}

async function generateAction(files: string[], options: { out: string; check?: boolean }): Promise<void> {
  const specs = files.length > 0 ? files : await defaultSpecFiles();
  const check = options.check === true;
  if (!check) await mkdir(options.out, { recursive: true });
  const outcomes: [string, Outcome][] = [];
  for (const spec of specs) outcomes.push(await generateOne(spec, options.out, check));
  for (const [target, outcome] of outcomes) {
    if (outcome !== 'unchanged' && outcome !== 'invalid') process.stdout.write(`${outcome}: ${target}\n`);
  }
  const invalid = outcomes.filter(([, outcome]) => outcome === 'invalid').length;
  if (invalid > 0) throw new CliError(`${invalid} spec${invalid === 1 ? ' is' : 's are'} invalid`, ExitCode.Invalid);
  const outOfDate = outcomes.filter(([, outcome]) => outcome === 'stale' || outcome === 'missing').length;
  if (outOfDate > 0) throw new CliError(`${outOfDate} generated file${outOfDate === 1 ? ' is' : 's are'} out of date; run \`seqnet generate\``, ExitCode.Invalid);
}

export function registerCompileCommands(program: Command): void {
  program
    .command('summary')
    .description('print the layer table: output shapes, parameters and multiply-adds per step')
    .argument('<file>', 'a .seqnet (or .seqnet.json) spec')
    .action(summaryAction);
  program
    .command('explain')
    .description('print the equations every layer computes with this spec’s settings')
    .argument('<file>', 'a .seqnet (or .seqnet.json) spec')
    .option('--format <format>', 'text or markdown', 'text')
    .action(explainAction);
  program
    .command('generate')
    .description('write TypeScript that builds each spec’s model (default: every specs/*.seqnet into generated/)')
    .argument('[files...]', 'specs to generate (default: specs/*.seqnet)')
    .option('--out <dir>', 'output folder', 'generated')
    .option('--check', 'write nothing; list stale or missing files and exit 1 if there are any')
    .action(generateAction);
}
