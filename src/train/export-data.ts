/**
 * `seqnet export-data SPEC --out DIR`: the spec's prepared data as `.npy` files for another training engine
 * (the PyTorch back end, docs/scale.md), so that nothing outside seqnet reimplements its data sources.
 *
 * The tensors are exactly those `seqnet train` trains on: the same loader, windows, split, validation split
 * and standardization (`resolveIr` and `loadData`, shared with training). Beside them, `initial/` holds the
 * untrained model as a run directory's files (model.json, weights.bin, ir.json, preprocessing.json, the spec;
 * the weights are the ones `seqnet train` starts from, same seed), which is what a Python trainer copies to
 * write a run that `seqnet evaluate` and `predict` read.
 *
 * The whole folder is written into a staging folder next to DIR and renamed into place at the end, so a failure
 * leaves either the previous export or nothing, never half of one. Every file is listed with its SHA-256 in
 * the folder's `manifest.json`, as in a run directory.
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { HeadIR, TrainIR } from '../ir/types.js';
import { seedRandom } from '../runtime/random.js';
import { selectBackend, type BackendName } from '../backend/index.js';
import { loadData, modelShape, type Preprocessing, type SampleSet } from '../data/index.js';
import { commitFiles, fileHandler, makeFolders, temporaryPath } from '../io/index.js';
import { encodeNpyFloat32 } from '../io/npy.js';
import { InvalidSpecError } from '../validate/errors.js';
import { loadSpecFile } from '../validate/index.js';
import { RUN_FILES } from './run-dir.js';
import { defaultBuilder, resolveIr } from './session.js';
import { TrainError } from './errors.js';

export const EXPORT_FORMAT = 'seqnet-data';
export const EXPORT_INDEX = 'index.json';
/** The untrained model's run files, inside the export folder. */
export const INITIAL_RUN = 'initial';

export interface ExportDataOptions {
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** Another data file for the spec's data source, as `seqnet train --data`. */
  data?: string;
  backend?: BackendName;
}

/** One array in the folder: its file name and shape (`[count, …]`). */
export interface ExportedArray {
  file: string;
  shape: number[];
}

export interface ExportedSplit {
  count: number;
  inputs: ExportedArray;
  /** Head name → targets. */
  targets: Record<string, ExportedArray>;
  /** Head name → the naive "last value" forecast of forecasting data (absent otherwise). */
  naive: Record<string, ExportedArray>;
}

/** `index.json`: what the folder holds and how the data was prepared. */
export interface ExportIndex {
  format: typeof EXPORT_FORMAT;
  version: 1;
  model: string;
  /** The data as `seqnet train` describes it ("synthetic sine_cosine: 768 train / …"). */
  summary: string;
  input: { steps: number; features: number };
  heads: HeadIR[];
  splits: Record<'train' | 'validation' | 'test', ExportedSplit>;
  preprocessing: Preprocessing;
  /** The train block after command-line overrides: batch size, epochs, seed, shuffle, optimizer… */
  train: TrainIR;
  /** What a run directory's run.json records about its spec and data. */
  run: { specPath: string; specCopy: string; data: string };
  initialRun: typeof INITIAL_RUN;
}

export interface ExportResult {
  outDir: string;
  index: ExportIndex;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Writes the prepared data of the spec at `specPath` into `outDir` (replacing an earlier export there). */
export async function exportData(specPath: string, outDir: string, options: ExportDataOptions = {}): Promise<ExportResult> {
  const { source, ir } = await loadSpecFile(specPath).then((loaded) => {
    if (loaded.ir === null) throw new InvalidSpecError(specPath, loaded.source, loaded.diagnostics, 'not exported');
    return { source: loaded.source, ir: loaded.ir };
  });
  const specDir = dirname(resolve(specPath));
  const resolved = resolveIr(ir, specDir, options);
  const data = await loadData(resolved.data, { baseDir: specDir, validationSplit: resolved.train.validationSplit, shape: modelShape(resolved), saved: null });
  if (data.train.count === 0) throw new TrainError('the training split has no samples; use more data or a larger train fraction');
  if (resolved.input.steps === null) throw new TrainError(`model '${resolved.name}' reads variable-length sequences; export-data writes fixed-size arrays, so give the input a fixed \`steps\``);
  await checkOutDir(outDir);
  const specCopy = `spec${specPath.endsWith('.json') ? '.json' : '.seqnet'}`;
  const head = resolved.heads[0];
  const splits = { train: data.train, validation: data.validation, test: data.test };
  const index: ExportIndex = {
    format: EXPORT_FORMAT,
    version: 1,
    model: resolved.name,
    summary: data.summary,
    input: { steps: resolved.input.steps, features: resolved.input.features },
    heads: resolved.heads,
    splits: {
      train: describeSplit('train', data.train, head.name),
      validation: describeSplit('validation', data.validation, head.name),
      test: describeSplit('test', data.test, head.name),
    },
    preprocessing: data.preprocessing,
    train: resolved.train,
    run: { specPath, specCopy, data: data.summary },
    initialRun: INITIAL_RUN,
  };
  const staging = temporaryPath(resolve(outDir));
  await makeFolders(dirname(staging));
  await mkdir(staging);
  try {
    await writeInitialRun(join(staging, INITIAL_RUN), { source, specCopy, ir: resolved, preprocessing: data.preprocessing }, options.backend);
    const files: Record<string, Uint8Array | string> = {};
    for (const [name, set] of Object.entries(splits)) Object.assign(files, splitFiles(set, index.splits[name as keyof typeof splits], head.name));
    files[EXPORT_INDEX] = json(index);
    await commitFiles(staging, files);
    await swapInto(staging, outDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { outDir, index };
}

function describeSplit(split: string, set: SampleSet, head: string): ExportedSplit {
  const shapeOf = (file: string, perSample: number[]): ExportedArray => ({ file, shape: [set.count, ...perSample] });
  return {
    count: set.count,
    inputs: shapeOf(`${split}_inputs.npy`, [set.steps, set.features]),
    targets: { [head]: shapeOf(`${split}_targets_${head}.npy`, set.targetShape) },
    naive: set.naive === null ? {} : { [head]: shapeOf(`${split}_naive_${head}.npy`, set.targetShape) },
  };
}

function splitFiles(set: SampleSet, described: ExportedSplit, head: string): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {
    [described.inputs.file]: encodeNpyFloat32(set.x, described.inputs.shape),
    [described.targets[head].file]: encodeNpyFloat32(set.y, described.targets[head].shape),
  };
  const naive = described.naive[head];
  if (set.naive !== null && naive !== undefined) files[naive.file] = encodeNpyFloat32(set.naive, naive.shape);
  return files;
}

/**
 * The untrained model as `seqnet train` builds it (same seed, so the same initial weights) and the run files
 * that describe it; everything a run directory holds except `run.json` and the history, which only a
 * finished training run can write.
 */
async function writeInitialRun(dir: string, run: { source: string; specCopy: string; ir: ReturnType<typeof resolveIr>; preprocessing: Preprocessing }, backend: BackendName | undefined): Promise<void> {
  await mkdir(dir);
  await selectBackend(backend);
  seedRandom(run.ir.train.seed);
  const model = defaultBuilder(run.ir, run.ir.train.seed);
  try {
    await model.save(fileHandler(dir));
  } finally {
    model.dispose();
  }
  await commitFiles(dir, { [run.specCopy]: run.source, [RUN_FILES.ir]: json(run.ir), [RUN_FILES.preprocessing]: json(run.preprocessing) });
}

/**
 * `--out` may be missing, an empty folder, or an earlier export (recognized by its index); anything else is
 * someone's files, which an export must not replace.
 */
async function checkOutDir(outDir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(outDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new TrainError(`--out ${outDir} is a file, not a folder`);
    throw error;
  }
  if (entries.length === 0 || (await isExport(outDir))) return;
  throw new TrainError(`--out ${outDir} is a folder with other files in it (not an earlier export-data); choose an empty or new folder`);
}

async function isExport(dir: string): Promise<boolean> {
  try {
    return (JSON.parse(await readFile(join(dir, EXPORT_INDEX), 'utf8')) as { format?: unknown }).format === EXPORT_FORMAT;
  } catch {
    return false;
  }
}

/** Puts the finished staging folder at `outDir`; an earlier export there is moved aside first, then removed. */
async function swapInto(staging: string, outDir: string): Promise<void> {
  const previous = temporaryPath(resolve(outDir));
  let moved = false;
  try {
    await rename(outDir, previous);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await rename(staging, outDir);
  } catch (error) {
    if (moved) await rename(previous, outDir);
    throw error;
  }
  if (moved) await rm(previous, { recursive: true, force: true });
}
