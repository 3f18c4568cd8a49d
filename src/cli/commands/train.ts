/**
 * `seqnet train SPEC` (or `--resume RUN_DIR`), `seqnet evaluate RUN` and `seqnet predict RUN`.
 *
 * Ctrl-C (or SIGTERM) during training finishes the current batch, writes a checkpoint and exits with 130
 * (143); further ones are acknowledged and ignored while it saves (src/cli/interrupts.ts). A run that
 * diverges (a non-finite loss, too many updates in a row skipped for non-finite gradients, or a finite loss
 * that grew far past the untrained model's) exits with 1 after its message says what to change.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { BACKEND_NAMES, type BackendName } from '../../backend/names.js';
import { renderDiagnostics } from '../../diagnostics/render.js';
import { writeFileAtomic } from '../../io/atomic.js';
import type { TrainResult } from '../../train/index.js';
import { formatEvaluation } from '../../train/progress.js';
import { CliError, ExitCode } from '../errors.js';
import { handleInterrupts } from '../interrupts.js';
import { MAX_THREADS } from '../../train/parallel/limits.js';

interface TrainFlags {
  backend?: string;
  epochs?: string;
  batchSize?: string;
  seed?: string;
  runsDir?: string;
  json?: boolean;
  resume?: string;
  data?: string;
  threads?: string;
}

interface ExportFlags {
  out: string;
  epochs?: string;
  batchSize?: string;
  seed?: string;
  data?: string;
  backend?: string;
}

interface EvaluateFlags {
  data?: string;
  backend?: string;
  json?: boolean;
}

interface PredictFlags {
  input?: string;
  output?: string;
  generate?: string;
  prime?: string;
  temperature?: string;
  seed?: string;
  backend?: string;
}

export function registerTrainCommands(program: Command): void {
  program
    .command('train')
    .description('compile a spec and train it on its data; files go to RUNS_DIR/NAME/N')
    .argument('[spec]', 'spec file (.seqnet or .seqnet.json)')
    .option('--backend <name>', `tfjs backend: ${BACKEND_NAMES.join(', ')} (default: the best available)`)
    .option('--epochs <n>', "override the spec's epochs")
    .option('--batch-size <n>', "override the spec's batch size")
    .option('--seed <n>', "override the spec's seed")
    .option('--data <file>', "train on this file instead of the data source's path")
    .option('--runs-dir <dir>', 'parent folder of the run directories', 'runs')
    .option('--json', 'print one JSON object per epoch')
    .option('--resume <run_dir>', 'continue an interrupted run from its last checkpoint')
    .option('--threads <n>', 'train on N threads, data parallel (1: one thread; default: chosen from the model size)')
    .action(async (spec: string | undefined, flags: TrainFlags) => {
      await trainCommand(spec, flags);
    });
  program
    .command('export-data')
    .description("write the spec's prepared train/validation/test tensors as .npy files, for the PyTorch back end")
    .argument('<spec>', 'spec file (.seqnet or .seqnet.json)')
    .requiredOption('--out <dir>', 'folder to write (a new or empty folder, or an earlier export, which is replaced)')
    .option('--epochs <n>', "override the spec's epochs")
    .option('--batch-size <n>', "override the spec's batch size")
    .option('--seed <n>', "override the spec's seed")
    .option('--data <file>', "read this file instead of the data source's path")
    .option('--backend <name>', 'tfjs backend that builds the untrained model')
    .action(async (spec: string, flags: ExportFlags) => {
      await exportDataCommand(spec, flags);
    });
  program
    .command('evaluate')
    .description("a trained run's loss and metrics on its test split, or on --data")
    .argument('<run>', 'run directory (runs/NAME/N)')
    .option('--data <file>', 'evaluate on this whole file instead (read with the saved preprocessing)')
    .option('--backend <name>', 'tfjs backend')
    .option('--json', 'print the metrics as JSON')
    .action(async (run: string, flags: EvaluateFlags) => {
      await evaluateCommand(run, flags);
    });
  program
    .command('predict')
    .description('run a trained model on a CSV or JSON Lines file, or generate text from a text model')
    .argument('<run>', 'run directory (runs/NAME/N)')
    .option('--input <file>', 'a .csv or .jsonl file of inputs')
    .option('--output <file>', 'write predictions here instead of stdout')
    .option('--generate <n>', 'text models: sample N characters')
    .option('--prime <text>', 'text models: start from this text', '')
    .option('--temperature <t>', 'text models: sampling temperature (below 1 sharper, above 1 more random, 0 greedy: always the most likely character)', '1')
    .option('--seed <n>', 'text models: sampling seed')
    .option('--backend <name>', 'tfjs backend')
    .action(async (run: string, flags: PredictFlags) => {
      await predictCommand(run, flags);
    });
}

/**
 * The training API, loaded when a command runs rather than when the CLI starts: it brings tfjs and its
 * backends, which `--help`, a bad flag or another command need not wait for.
 */
function training(): Promise<typeof import('../../train/index.js')> {
  return import('../../train/index.js');
}

function parseBackend(name: string | undefined): BackendName | undefined {
  if (name === undefined) return undefined;
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw new CliError(`unknown backend '${name}' (use ${BACKEND_NAMES.join(', ')})`, ExitCode.Usage);
}

function parseCount(flag: string, value: string | undefined, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new CliError(`${flag} needs a whole number${allowZero ? '' : ' of at least 1'} (got '${value}')`, ExitCode.Usage);
  return n;
}

function parseThreads(value: string | undefined): number | undefined {
  const threads = parseCount('--threads', value);
  if (threads !== undefined && threads > MAX_THREADS) throw new CliError(`--threads needs a whole number from 1 to ${MAX_THREADS} (got '${value}')`, ExitCode.Usage);
  return threads;
}

async function trainCommand(spec: string | undefined, flags: TrainFlags): Promise<void> {
  if ((spec === undefined) === (flags.resume === undefined)) throw new CliError('give a spec file to train, or --resume RUN_DIR (not both)', ExitCode.Usage);
  const interrupts = handleInterrupts();
  try {
    const common = { backend: parseBackend(flags.backend), epochs: parseCount('--epochs', flags.epochs), threads: parseThreads(flags.threads), json: flags.json === true, signal: interrupts.signal };
    let result: TrainResult;
    if (flags.resume !== undefined) {
      if (flags.data !== undefined || flags.seed !== undefined || flags.batchSize !== undefined) {
        throw new CliError('--resume continues with the run’s own data, seed and batch size; only --epochs, --backend and --threads apply', ExitCode.Usage);
      }
      result = await (await training()).resumeRun(flags.resume, common);
    } else {
      result = await (await training()).trainSpec(spec as string, {
        ...common,
        batchSize: parseCount('--batch-size', flags.batchSize),
        seed: parseCount('--seed', flags.seed, true),
        data: flags.data,
        runsDir: flags.runsDir,
        onWarnings: (diagnostics, source) => process.stderr.write(renderDiagnostics(diagnostics, new Map([[spec as string, source]]), { format: 'text', color: false })),
      });
    }
    if (result.status === 'interrupted') process.exitCode = interrupts.exitCode();
    else if (result.status === 'diverged') process.exitCode = ExitCode.Invalid;
  } finally {
    interrupts.dispose();
  }
}

async function exportDataCommand(spec: string, flags: ExportFlags): Promise<void> {
  const { exportData } = await import('../../train/export-data.js');
  const { outDir, index } = await exportData(spec, flags.out, {
    epochs: parseCount('--epochs', flags.epochs),
    batchSize: parseCount('--batch-size', flags.batchSize),
    seed: parseCount('--seed', flags.seed, true),
    data: flags.data,
    backend: parseBackend(flags.backend),
  });
  process.stdout.write(`${index.summary}\nwritten: ${outDir} (${EXPORT_INDEX_NOTE})\n`);
}

/** What the folder holds, in the command's closing line. */
const EXPORT_INDEX_NOTE = 'index.json, .npy arrays, the untrained model in initial/';

async function evaluateCommand(run: string, flags: EvaluateFlags): Promise<void> {
  const evaluation = await (await training()).evaluateRun(run, { data: flags.data, backend: parseBackend(flags.backend) });
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify({ run, on: evaluation.on, samples: evaluation.samples, ...evaluation.metrics })}\n`);
    return;
  }
  evaluation.backendNotes.forEach((line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`${evaluation.samples} samples of ${evaluation.on}\n${formatEvaluation(evaluation.metrics)}\n`);
}

async function predictCommand(run: string, flags: PredictFlags): Promise<void> {
  const backend = parseBackend(flags.backend);
  let text: string;
  let backendNotes: string[] = [];
  if (flags.generate !== undefined) {
    const temperature = flags.temperature?.trim() === '' ? Number.NaN : Number(flags.temperature);
    if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new CliError(`--temperature must be a number, 0 (greedy) or more (got '${flags.temperature}')`, ExitCode.Usage);
    const length = parseCount('--generate', flags.generate) as number;
    text = `${await (await training()).generateText(run, { length, prime: flags.prime ?? '', temperature, seed: parseCount('--seed', flags.seed, true), backend })}\n`;
  } else if (flags.input !== undefined) {
    const prediction = await (await training()).predictRun(run, { input: flags.input, backend });
    backendNotes = prediction.backendNotes;
    text = prediction.text;
  } else {
    throw new CliError('predict needs --input FILE (or --generate N for a text model)', ExitCode.Usage);
  }
  if (flags.output === undefined) process.stdout.write(text);
  else await writeFileAtomic(resolve(flags.output), text);
  // On stderr, as stdout may hold the predictions; once they are written, so that a failure stays one line.
  backendNotes.forEach((line) => process.stderr.write(`${line}\n`));
}
