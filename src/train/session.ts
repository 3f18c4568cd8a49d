/**
 * Starting and resuming a training run: backend, data, model, run directory, loop, and the files written
 * when the loop stops, whatever the reason.
 */
import { rm } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { DataIR, ModelIR, TrainIR } from '../ir/types.js';
import { compileModel } from '../compile/index.js';
import { getRandomState, seedRandom } from '../runtime/random.js';
import { selectBackend, type BackendName } from '../backend/index.js';
import { loadData, modelShape, Prng, type PreparedData, type Preprocessing } from '../data/index.js';
import { faultPoint, fileHandler, readManifest, removeStaleTemporaries, RunFileError, settleManifest } from '../io/index.js';
import { findCheckpoint, loadLatestCheckpoint, type Checkpoint } from './checkpoint.js';
import { divergedMessage, totalSkippedUpdates } from './divergence.js';
import { setMetrics } from './evaluation.js';
import { runLoop, type LoopOutcome } from './loop.js';
import { initialMonitor } from './monitor.js';
import { createReporter, formatEvaluation, type Streams } from './progress.js';
import { createRunDir, isFinished, readRunInfo, readRunIr, readRunJson, RUN_FILES, unfinishedState, writeRunHistory, writeRunInfo, writeRunIr, writeRunStart, type RunInfo } from './run-dir.js';
import type { EpochLog, LoopState, ProgressReporter } from './types.js';
import { TrainError } from './errors.js';
import { loadSpecData } from './spec-data.js';
import { startThreads, type ParallelTrainer, type TrainingThreads } from './parallel/index.js';
import { openMatMulHelper, type CommandHelper } from './matmul-helper.js';

export interface TrainOptions {
  backend?: BackendName;
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** Another data file for the spec's data source (csv, jsonl or text), relative to the working directory. */
  data?: string;
  /** Parent of the run directories (default `runs`). */
  runsDir?: string;
  json?: boolean;
  streams?: Streams;
  /** Aborting finishes the current batch, writes a checkpoint and returns status `interrupted`. */
  signal?: AbortSignal;
  /** Builds the compiled model (default `compileModel`); an embedding application may supply its own. */
  buildModel?: ModelBuilder;
  /**
   * Threads to train on (data parallel, docs/training.md "Threads"); 1 is the one-thread loop. Undefined:
   * chosen from the model's size, and 1 for a custom `buildModel`.
   */
  threads?: number;
}

export type ModelBuilder = (ir: ModelIR, seed: number) => tf.LayersModel;

export const defaultBuilder: ModelBuilder = (ir, seed) => compileModel(ir, { seed });

export interface TrainResult {
  runDir: string;
  status: RunInfo['status'];
  history: EpochLog[];
  bestEpoch: number | null;
  /** Test-split metrics (`loss`, the heads' metrics, `naive_mse` for forecasts), or null without a test split. */
  test: Record<string, number> | null;
  /** Updates skipped over the whole run because a gradient was not finite (see docs/training.md). */
  skippedUpdates: number;
  /** What happened, for the console. */
  message: string;
}


const defaultStreams = (): Streams => ({ out: process.stdout, err: process.stderr });

/** The IR with command-line overrides applied and the data path made absolute (so a resume finds it). */
export function resolveIr(ir: ModelIR, specDir: string, options: Pick<TrainOptions, 'epochs' | 'batchSize' | 'seed' | 'data'>): ModelIR & { data: DataIR } {
  const resolved = structuredClone(ir);
  if (resolved.data === null) throw new TrainError(`model '${ir.name}' has no data block; add one (see docs/training.md) to train it`);
  if (options.epochs !== undefined) resolved.train.epochs = options.epochs;
  if (options.batchSize !== undefined) resolved.train.batchSize = options.batchSize;
  if (options.seed !== undefined) resolved.train.seed = options.seed;
  const source = resolved.data.source;
  if ('path' in source) {
    source.path = options.data !== undefined ? resolve(options.data) : isAbsolute(source.path) ? source.path : resolve(specDir, source.path);
  } else if (options.data !== undefined) {
    throw new TrainError(`--data replaces a data file, but this spec uses a ${source.type} source`);
  }
  return resolved as ModelIR & { data: DataIR };
}

/** Trains a validated model IR; `spec` is its source text and path (copied into the run directory). */
export async function trainIr(ir: ModelIR, spec: { source: string; path: string }, options: TrainOptions = {}): Promise<TrainResult> {
  const streams = options.streams ?? defaultStreams();
  const reporter = createReporter(streams, options.json === true);
  const resolved = resolveIr(ir, dirname(resolve(spec.path)), options);
  const backend = await selectBackend(options.backend);
  const threads = trainingThreads(resolved, backend.name, backend.notes, options);
  const helper = await matMulHelper(resolved, backend.name, threads);
  helper.notes.forEach((line) => reporter.note(line));
  try {
    return await trainOnThreads(resolved, spec, options, { backend: backend.name, reporter, threads, helper });
  } finally {
    await threads.close();
    await helper.close();
  }
}

/** The matmul helper thread where it can pay (docs/training.md, "The matmul helper thread"), registered. */
function matMulHelper(ir: ModelIR, backend: BackendName, threads: TrainingThreads): Promise<CommandHelper> {
  return openMatMulHelper({ ir, backend, threads: threads.choice.threads, rows: ir.train.batchSize, notes: threads.notes });
}

/** The thread count for this run, its workers started (they load tfjs while the data is read). */
function trainingThreads(ir: ModelIR, backend: BackendName, backendNotes: string[], options: Pick<TrainOptions, 'threads' | 'buildModel'>): TrainingThreads {
  const customBuilder = options.buildModel !== undefined && options.buildModel !== defaultBuilder;
  return startThreads({ ir, backend, backendNotes, requested: options.threads, customBuilder });
}

/** The model, or the model and its replicas on the worker threads; the model is disposed when they fail. */
async function modelOnThreads(model: tf.LayersModel, ir: ModelIR, threads: TrainingThreads): Promise<ParallelTrainer | null> {
  try {
    return await threads.ready(ir, ir.train.seed, model);
  } catch (error) {
    model.dispose();
    throw error;
  }
}

async function trainOnThreads(
  resolved: ModelIR & { data: DataIR },
  spec: { source: string; path: string },
  options: TrainOptions,
  { backend, reporter, threads, helper }: { backend: BackendName; reporter: ProgressReporter; threads: TrainingThreads; helper: CommandHelper },
): Promise<TrainResult> {
  // Data problems surface here, before a run directory exists: nothing is trained on bad data.
  const data = await loadSpecData(resolved, spec, options.data !== undefined);
  reporter.note(data.summary);
  if (data.train.count === 0) throw new TrainError('the training split has no samples; use more data or a larger train fraction');
  // The model is built before the run directory exists, so a model that cannot be built leaves nothing behind.
  seedRandom(resolved.train.seed);
  const model = (options.buildModel ?? defaultBuilder)(resolved, resolved.train.seed);
  const parallel = await modelOnThreads(model, resolved, threads);
  const specCopy = `spec${spec.path.endsWith('.json') ? '.json' : '.seqnet'}`;
  const info: RunInfo = {
    model: resolved.name,
    specPath: spec.path,
    specCopy,
    backend,
    data: data.summary,
    startedAt: new Date().toISOString(),
    status: 'running',
    bestEpoch: null,
    test: null,
    skippedUpdates: 0,
    pid: process.pid,
  };
  const runDir = await startRun(options.runsDir ?? 'runs', { source: spec.source, specCopy, ir: resolved, preprocessing: data.preprocessing, info }, model);
  reporter.note(`run directory: ${runDir}`);
  const state = initialState(resolved.train);
  const outcome = await runLoop({ model, train: resolved.train, data, state, best: null, runDir, reporter, signal: options.signal, parallel, units: helper });
  return finish({ model, ir: resolved, data, runDir, info, outcome, reporter, helper });
}

/**
 * Claims a new run directory and writes the run's first files. When that fails (a full disk, a file system
 * that refuses), the directory is removed again: a run that never started leaves no half-written folder.
 */
async function startRun(runsDir: string, files: Parameters<typeof writeRunStart>[1], model: tf.LayersModel): Promise<string> {
  let runDir: string | null = null;
  try {
    runDir = await createRunDir(runsDir, files.info.model);
    await writeRunStart(runDir, files);
    return runDir;
  } catch (error) {
    model.dispose();
    if (runDir !== null) await rm(runDir, { recursive: true, force: true });
    throw error;
  }
}

/** The loop state before the first batch; the dropout stream must already be seeded. */
function initialState(train: TrainIR): LoopState {
  return {
    epoch: 0,
    batch: 0,
    epochShuffleState: 0,
    shuffleState: new Prng(train.seed).getState(),
    randomState: getRandomState(),
    partial: { seen: 0, sums: [], seconds: 0, skipped: 0 },
    skippedInARow: 0,
    monitor: initialMonitor(train),
    history: [],
    stopped: 'running',
  };
}

/**
 * Continues the run in `runDir` from its last checkpoint; `epochs` may raise the epoch count. A run killed
 * before its first checkpoint starts over from its first batch (same seed, same numbers), and one whose
 * training ended but whose final files were not all written gets them written.
 */
export async function resumeRun(runDir: string, options: Pick<TrainOptions, 'backend' | 'epochs' | 'json' | 'streams' | 'signal' | 'buildModel' | 'threads'> = {}): Promise<TrainResult> {
  const streams = options.streams ?? defaultStreams();
  const reporter = createReporter(streams, options.json === true);
  await openForResume(runDir);
  const ir = await readRunIr(runDir);
  const info = await readRunInfo(runDir);
  const saved = await readRunJson<Preprocessing>(runDir, RUN_FILES.preprocessing);
  const running = unfinishedState(runDir, info);
  if (running.training) throw new TrainError(`${runDir} ${running.description}`);
  // The backend first: tensors made before it is chosen would live on tfjs's default one.
  const backend = await selectBackend(options.backend);
  const latest = await loadLatestCheckpoint(runDir);
  const checkpoint = latest?.checkpoint ?? null;
  const extended = options.epochs !== undefined && options.epochs !== ir.train.epochs;
  if (options.epochs !== undefined && extended) {
    ir.train.epochs = options.epochs;
    if (checkpoint?.state.stopped === 'completed' && checkpoint.state.epoch < options.epochs) checkpoint.state.stopped = 'running';
  }
  if (checkpoint !== null && checkpoint.state.stopped !== 'running' && isFinished(info)) {
    disposeCheckpoint(checkpoint);
    const { stopped, epoch } = checkpoint.state;
    const further = stopped === 'completed' ? '; pass --epochs N (more than that) to train further' : '';
    throw new TrainError(`${runDir} already finished (${stopped.replace('_', ' ')} after ${epoch} epochs)${further}`);
  }
  const threads = trainingThreads(ir, backend.name, backend.notes, options);
  const helper = await matMulHelper(ir, backend.name, threads);
  helper.notes.forEach((line) => reporter.note(line));
  try {
    const data = await loadData(ir.data, { baseDir: runDir, validationSplit: ir.train.validationSplit, shape: modelShape(ir), saved });
    const { model, state } = await restoreModel(ir, checkpoint, latest?.dir ?? null, options.buildModel ?? defaultBuilder);
    const parallel = await modelOnThreads(model, ir, threads);
    reporter.note(resumeNote(runDir, checkpoint));
    // A later resume must see the new epoch count too.
    if (extended) await writeRunIr(runDir, ir);
    await writeRunInfo(runDir, { ...info, backend: backend.name, status: 'running' });
    const outcome = await runLoop({ model, train: ir.train, data, state, best: checkpoint?.best ?? null, runDir, reporter, signal: options.signal, parallel, units: helper });
    return await finish({ model, ir, data, runDir, info, outcome, reporter, helper });
  } finally {
    await threads.close();
    await helper.close();
  }
}

/**
 * Makes a run directory writable again after a kill: refuses a folder that is not a run directory (no
 * manifest), removes the temporary files and staging folders of dead processes, and settles a commit the
 * kill interrupted.
 */
async function openForResume(runDir: string): Promise<void> {
  try {
    await readManifest(runDir);
  } catch (error) {
    if (error instanceof RunFileError && (await findCheckpoint(runDir)) === null) throw new TrainError(`${runDir} is not a run directory (no ${RUN_FILES.manifest}), so there is nothing to resume`);
    throw error;
  }
  await removeStaleTemporaries(runDir);
  await settleManifest(runDir);
}

function resumeNote(runDir: string, checkpoint: Checkpoint | null): string {
  if (checkpoint === null) return `resuming ${runDir} from its start (it was stopped before its first checkpoint)`;
  const { state } = checkpoint;
  if (state.stopped !== 'running') return `resuming ${runDir}: training had finished; writing the final files`;
  return `resuming ${runDir} at epoch ${state.epoch + 1}${state.batch > 0 ? `, batch ${state.batch + 1}` : ''}`;
}

function disposeCheckpoint(checkpoint: Checkpoint): void {
  tf.dispose([...checkpoint.weights, ...checkpoint.optimizer.map((entry) => entry.tensor), ...(checkpoint.best ?? [])]);
}

/**
 * The model with the checkpoint's weights and exact optimizer state, or, without a checkpoint, built from
 * the seed exactly as `trainIr` built it.
 */
async function restoreModel(ir: ModelIR & { data: DataIR }, checkpoint: Checkpoint | null, dir: string | null, build: ModelBuilder): Promise<{ model: tf.LayersModel; state: LoopState }> {
  if (checkpoint === null) {
    seedRandom(ir.train.seed);
    const model = build(ir, ir.train.seed);
    return { model, state: initialState(ir.train) };
  }
  const model = build(ir, ir.train.seed);
  try {
    model.setWeights(checkpoint.weights);
    await (model.optimizer as tf.Optimizer).setWeights(checkpoint.optimizer);
  } catch (error) {
    model.dispose();
    disposeCheckpoint(checkpoint);
    throw new RunFileError(dir ?? '', `does not fit the model in ir.json (${(error as Error).message}); the checkpoint cannot be used`);
  }
  tf.dispose([...checkpoint.weights, ...checkpoint.optimizer.map((entry) => entry.tensor)]);
  return { model, state: checkpoint.state };
}

interface Finish {
  model: tf.LayersModel;
  ir: ModelIR;
  data: PreparedData;
  runDir: string;
  info: RunInfo;
  outcome: LoopOutcome;
  reporter: ProgressReporter;
  helper: CommandHelper;
}

/**
 * Writes the final files and says what happened. A finished run's files go in this order: the model, then
 * history and curves, then `run.json` with the final status, which marks the run finished: a kill before it
 * leaves a run that `--resume` finishes from its last checkpoint.
 */
async function finish({ model, ir, data, runDir, info, outcome, reporter, helper }: Finish): Promise<TrainResult> {
  const { state } = outcome;
  const bestEpoch = state.monitor.bestEpoch > 0 ? state.monitor.bestEpoch : null;
  const skippedUpdates = totalSkippedUpdates(state);
  let test: Record<string, number> | null = null;
  let message: string;
  if (outcome.status === 'interrupted') {
    message = `interrupted after epoch ${state.epoch}${state.batch > 0 ? `, batch ${state.batch}` : ''}; checkpoint saved. Resume with: seqnet train --resume ${runDir}`;
  } else if (outcome.status === 'diverged') {
    message = divergedMessage(outcome.divergence, outcome, state, runDir);
  } else {
    await model.save(fileHandler(runDir));
    await faultPoint('final-save:after-weights');
    if (data.test.count > 0) test = await setMetrics(model, data.test, ir.train.batchSize, data.preprocessing, helper.infer);
    const restored = ir.train.earlyStopping?.restoreBest === true && bestEpoch !== null ? ` (weights of the best epoch, ${bestEpoch})` : '';
    const how = outcome.status === 'early_stopping' ? `stopped early after epoch ${state.epoch}` : `trained ${state.epoch} epochs`;
    message = `${how}; model saved in ${runDir}${restored}`;
    if (test !== null) message += `\n${formatEvaluation(test, 'test: ')}`;
    if (skippedUpdates > 0) message += `\n${skippedUpdates} update${skippedUpdates === 1 ? ' was' : 's were'} skipped for non-finite gradients (see docs/training.md)`;
  }
  await writeRunHistory(runDir, state.history, `${ir.name}: training curves`, bestEpoch);
  await faultPoint('final-save:before-run-json');
  await writeRunInfo(runDir, { ...info, status: outcome.status, bestEpoch, test, skippedUpdates });
  reporter.note(message);
  reporter.outcome({ status: outcome.status, runDir, epochs: state.epoch, bestEpoch, test, skippedUpdates });
  model.dispose();
  return { runDir, status: outcome.status, history: state.history, bestEpoch, test, skippedUpdates, message };
}
