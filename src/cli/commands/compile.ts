/**
 * `seqnet summary`, `seqnet explain` and `seqnet generate`: the commands that read a spec and show or write
 * what it compiles to.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { CodegenError } from '../../codegen/errors.js';
import { generatePyTorch } from '../../codegen/pytorch/generate.js';
import { RUNS_FILE, runsSource } from '../../codegen/pytorch/runs-source.js';
import { RUNTIME_FILE, runtimeSource } from '../../codegen/pytorch/runtime-source.js';
import { TRAINER_FILE, trainerSource } from '../../codegen/pytorch/trainer-source.js';
import { CompileError } from '../../compile/errors.js';
import { Code } from '../../diagnostics/codes.js';
import { renderDiagnostics } from '../../diagnostics/render.js';
import { explainModel, renderSummary, summarizeModel } from '../../explain/index.js';
import { temporaryPath } from '../../io/atomic.js';
import type { ModelIR } from '../../ir/types.js';
import { loadSpecFile } from '../../validate/index.js';
import { CliError, ExitCode } from '../errors.js';
import { watchAndGenerate, watchPlan } from './watch.js';

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

/** The back ends `generate` writes code for. */
const TARGETS = ['typescript', 'pytorch'] as const;
type Target = (typeof TARGETS)[number];

/** Where each target writes when `--out` is not given. */
const DEFAULT_OUT: Record<Target, string> = { typescript: 'generated', pytorch: path.join('generated', 'pytorch') };
const EXTENSION: Record<Target, string> = { typescript: '.ts', pytorch: '.py' };

/** The file name a spec generates: `specs/sine.seqnet` → `sine.ts` or `sine.py` (also for `.seqnet.json`). */
function generatedName(file: string, target: Target): string {
  return `${path.basename(file).replace(/\.seqnet(\.json)?$/, '')}${EXTENSION[target]}`;
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

/** One spec's generated module, before anything is written. */
interface Generated {
  spec: string;
  target: string;
  /** The module's text, or null when the spec is invalid (its diagnostics are already printed). */
  text: string | null;
}

type Outcome = 'written' | 'unchanged' | 'stale' | 'missing';

/** The files written once beside the PyTorch modules: the layers, run-directory I/O, the torchrun trainer. */
const PYTORCH_SHARED: readonly { file: string; role: string; text: () => string }[] = [
  { file: RUNTIME_FILE, role: '(the seqnet_torch runtime)', text: runtimeSource },
  { file: RUNS_FILE, role: '(the seqnet_runs run-directory helper)', text: runsSource },
  { file: TRAINER_FILE, role: '(the seqnet_train trainer)', text: trainerSource },
];

/**
 * Two different specs with the same base name (`a/x.seqnet`, `b/x.seqnet`) would write the same module, the
 * second silently replacing the first; refuse before generating anything. A spec named twice is one spec.
 */
function assignTargets(specs: readonly string[], outDir: string, kind: Target): { spec: string; target: string }[] {
  const byTarget = new Map<string, string>();
  // The PyTorch modules share files beside them (runtime, run I/O, trainer), which no spec's module may replace.
  if (kind === 'pytorch') for (const { file, role } of PYTORCH_SHARED) byTarget.set(path.join(outDir, file), role);
  const assigned: { spec: string; target: string }[] = [];
  for (const spec of specs) {
    const target = path.join(outDir, generatedName(spec, kind));
    const earlier = byTarget.get(target);
    if (earlier !== undefined && path.resolve(earlier) === path.resolve(spec)) continue;
    if (earlier !== undefined) throw new CliError(`${earlier} and ${spec} would both generate ${target}; generate them into different --out folders`, ExitCode.Usage);
    byTarget.set(target, spec);
    assigned.push({ spec, target });
  }
  return assigned;
}

/** `--out` must be a folder, or a path where one can be made. */
async function checkOutDir(outDir: string): Promise<void> {
  let info;
  try {
    info = await stat(outDir);
  } catch {
    return; // not there yet: created before writing
  }
  if (!info.isDirectory()) throw new CliError(`--out ${outDir} is not a folder`, ExitCode.Usage);
}

async function generateOne(spec: string, target: string, kind: Target): Promise<Generated> {
  const ir = await loadIr(spec);
  if (ir === null) return { spec, target, text: null };
  const sourcePath = path.relative(process.cwd(), path.resolve(spec)).split(path.sep).join('/');
  if (kind === 'pytorch') return { spec, target, text: backEnd(spec, () => generatePyTorch(ir, { sourcePath })) };
  // The generator brings in the TypeScript compiler (ts-morph); only this command pays for loading it.
  const { generateTypeScript } = await import('../../codegen/generate.js');
  return { spec, target, text: backEnd(spec, () => generateTypeScript(ir, { sourcePath })) };
}

/**
 * Writes every changed module: all temporary files first, then the renames. A failure while writing (a full
 * disk, a read-only folder) happens before any rename, so it leaves the folder as it was, not a mix of old
 * and new modules; each rename is atomic, so no module is ever half-written.
 */
async function writeAll(changes: readonly { target: string; text: string }[], outDir: string): Promise<void> {
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    throw new CliError(`cannot create ${outDir}: ${(error as Error).message}`, ExitCode.Usage);
  }
  const staged: { temporary: string; target: string }[] = [];
  try {
    for (const { target, text } of changes) {
      const temporary = temporaryPath(target);
      staged.push({ temporary, target });
      await writeFile(temporary, text, 'utf8');
    }
  } catch (error) {
    await Promise.all(staged.map(({ temporary }) => rm(temporary, { force: true })));
    throw new CliError(`cannot write into ${outDir}: ${(error as Error).message}`, ExitCode.Usage);
  }
  for (const { temporary, target } of staged) {
    try {
      await rename(temporary, target);
    } catch (error) {
      await Promise.all(staged.map((entry) => rm(entry.temporary, { force: true })));
      throw new CliError(`cannot write ${target}: ${(error as Error).message}`, ExitCode.Usage);
    }
  }
}

interface GenerateOptions {
  out?: string;
  check?: boolean;
  watch?: boolean;
  target: string;
}

async function generateCommand(files: string[], options: GenerateOptions): Promise<void> {
  parseTarget(options.target);
  if (options.watch !== true) return generateAction(files, options);
  if (options.check === true) throw new CliError('--watch and --check cannot be combined: --check writes nothing', ExitCode.Usage);
  process.exitCode = await watchAndGenerate(watchPlan(files, SPEC_FOLDER, SPEC_EXTENSION), () => generateAction(files, options));
}

function parseTarget(target: string): Target {
  if ((TARGETS as readonly string[]).includes(target)) return target as Target;
  throw new CliError(`--target must be ${TARGETS.join(' or ')}, not '${target}'`, ExitCode.Usage);
}

async function generateAction(files: string[], options: GenerateOptions): Promise<void> {
  const kind = parseTarget(options.target);
  const outDir = options.out ?? DEFAULT_OUT[kind];
  const specs = files.length > 0 ? files : await defaultSpecFiles();
  const check = options.check === true;
  const assigned = assignTargets(specs, outDir, kind);
  await checkOutDir(outDir);
  const generated: Generated[] = [];
  for (const { spec, target } of assigned) generated.push(await generateOne(spec, target, kind));
  if (kind === 'pytorch') for (const { file, text } of PYTORCH_SHARED) generated.push({ spec: file, target: path.join(outDir, file), text: text() });
  const invalid = generated.filter((entry) => entry.text === null).length;
  // Nothing is written unless every spec generated: a partial update would mix old and new modules.
  if (invalid > 0) throw new CliError(`${invalid} spec${invalid === 1 ? ' is' : 's are'} invalid; nothing written`, ExitCode.Invalid);
  const outcomes: [string, Outcome][] = [];
  const changes: { target: string; text: string }[] = [];
  for (const { target, text } of generated as { target: string; text: string }[]) {
    const existing = await readIfExists(target);
    if (existing === text) outcomes.push([target, 'unchanged']);
    else if (check) outcomes.push([target, existing === null ? 'missing' : 'stale']);
    else {
      changes.push({ target, text });
      outcomes.push([target, 'written']);
    }
  }
  if (changes.length > 0) await writeAll(changes, outDir);
  for (const [target, outcome] of outcomes) {
    if (outcome !== 'unchanged') process.stdout.write(`${outcome}: ${target}\n`);
  }
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
    .description('write TypeScript (or PyTorch) code that builds each spec’s model (default: every specs/*.seqnet into generated/)')
    .argument('[files...]', 'specs to generate (default: specs/*.seqnet)')
    .option('--target <target>', 'typescript, or pytorch (Python modules and their seqnet_torch.py)', 'typescript')
    .option('--out <dir>', 'output folder (default: generated/, for pytorch generated/pytorch/)')
    .option('--check', 'write nothing; list stale or missing files and exit 1 if there are any')
    .option('--watch', 'generate, then again whenever a spec changes (errors are printed, not fatal) until Ctrl-C')
    .action(generateCommand);
}
