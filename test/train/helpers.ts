/** Running small trainings into temporary run folders. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelIR } from '../../src/ir/types.js';
import { trainIr, type TrainOptions, type TrainResult } from '../../src/train/index.js';
import { captureStreams, standInModel } from './fixtures.js';

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'seqnet-train-'));
}

export interface Trained {
  result: TrainResult;
  out: string;
  err: string;
}

/** Trains `ir` with the stand-in model (unless `options.buildModel` says otherwise) into `root/runs`. */
export async function train(ir: ModelIR, root: string, options: TrainOptions = {}): Promise<Trained> {
  const capture = captureStreams();
  const result = await trainIr(ir, { source: '# spec text\n', path: join(root, 'model.seqnet') }, {
    runsDir: join(root, 'runs'),
    streams: capture.streams,
    buildModel: standInModel,
    ...options,
  });
  return { result, out: capture.out(), err: capture.err() };
}

/** An AbortSignal that reads as aborted from its `after`-th check on (the loop checks once per batch). */
export function abortAfterChecks(after: number): AbortSignal {
  let checks = 0;
  return {
    get aborted() {
      checks += 1;
      return checks >= after;
    },
  } as AbortSignal;
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}
