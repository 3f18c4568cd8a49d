/**
 * `seqnet export-data`: the arrays are the ones `seqnet train` trains on (same loader, split and
 * standardization), numpy reads them, the untrained model is the one training starts from, and the folder is
 * written whole or not at all.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/backend/index.js';
import { loadData, modelShape, type SampleSet } from '../../src/data/index.js';
import { loadArtifacts } from '../../src/io/index.js';
import { seedRandom } from '../../src/runtime/random.js';
import type { ExportIndex } from '../../src/train/export-data.js';
import { defaultBuilder, resolveIr } from '../../src/train/session.js';
import { loadSpecFile } from '../../src/validate/index.js';
import { runCli } from '../cli/subprocess.js';
import { tempDir } from '../train/helpers.js';
import { pythonHas, runPython } from './python.js';

const VALUES = Array.from({ length: 90 }, (_, i) => 300 + 0.5 * i + 3 * Math.sin(i / 2));

const SPEC = `seqnet 1
model level
input { steps 12; features 1 }
lstm 8
head next { units 1; at last_step; loss mse }
train { optimizer adam { learning_rate 0.01 }; batch_size 4; epochs 2; seed 3 }
data {
  source csv "series.csv" { features level; targets level; window 12; horizon 1; standardize true }
  split 0.6 0.2 0.2
}
`;

async function csvSpec(): Promise<{ root: string; spec: string }> {
  const root = await tempDir();
  await writeFile(join(root, 'series.csv'), `month,level\n${VALUES.map((v, i) => `${i},${v}`).join('\n')}\n`);
  await writeFile(join(root, 'level.seqnet'), SPEC);
  return { root, spec: join(root, 'level.seqnet') };
}

const sha256 = (values: Float32Array): string => createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');

/** For every array in the index: its shape, dtype and the SHA-256 of its bytes, as numpy reads them. */
const NUMPY_DIGESTS = `
import hashlib, json, sys
import numpy as np
folder = sys.argv[1]
index = json.load(open(folder + '/index.json'))
out = {}
for split in index['splits'].values():
    arrays = [split['inputs']] + list(split['targets'].values()) + list(split['naive'].values())
    for entry in arrays:
        a = np.load(folder + '/' + entry['file'], allow_pickle=False)
        out[entry['file']] = [list(a.shape), str(a.dtype), hashlib.sha256(np.ascontiguousarray(a, '<f4').tobytes()).hexdigest()]
print(json.dumps(out))
`;

describe('seqnet export-data', () => {
  let root: string;
  let spec: string;
  let index: ExportIndex;
  let prepared: Record<string, SampleSet>;

  beforeAll(async () => {
    ({ root, spec } = await csvSpec());
    const run = await runCli(['export-data', spec, '--out', 'exported'], { cwd: root });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    index = JSON.parse(await readFile(join(root, 'exported', 'index.json'), 'utf8')) as ExportIndex;
    // What seqnet train loads for this spec, through the same functions training calls.
    const { ir } = await loadSpecFile(spec);
    const resolved = resolveIr(ir!, root, {});
    const data = await loadData(resolved.data, { baseDir: root, validationSplit: resolved.train.validationSplit, shape: modelShape(resolved), saved: null });
    prepared = { train: data.train, validation: data.validation, test: data.test };
  }, 60_000);

  it('describes the splits, head, preprocessing and train settings in index.json', () => {
    expect(index.format).toBe('seqnet-data');
    expect(index.model).toBe('level');
    expect(index.heads.map((head) => head.name)).toEqual(['next']);
    expect(index.train).toMatchObject({ batchSize: 4, epochs: 2, seed: 3, shuffle: true });
    expect(index.preprocessing.kind).toBe('standardize');
    for (const [name, set] of Object.entries(prepared)) {
      expect(set.count).toBeGreaterThan(0);
      expect(index.splits[name as keyof ExportIndex['splits']]).toMatchObject({ count: set.count, inputs: { shape: [set.count, 12, 1] }, targets: { next: { shape: [set.count, 1] } }, naive: { next: { shape: [set.count, 1] } } });
    }
  });

  it.runIf(pythonHas(['numpy']))('holds exactly the arrays seqnet train trains on, as numpy reads them', () => {
    const found = JSON.parse(runPython(NUMPY_DIGESTS, [join(root, 'exported')])) as Record<string, [number[], string, string]>;
    for (const [name, set] of Object.entries(prepared)) {
      const entry = index.splits[name as keyof ExportIndex['splits']];
      expect(found[entry.inputs.file]).toEqual([entry.inputs.shape, 'float32', sha256(set.x)]);
      expect(found[entry.targets.next.file]).toEqual([entry.targets.next.shape, 'float32', sha256(set.y)]);
      expect(found[entry.naive.next.file]).toEqual([entry.naive.next.shape, 'float32', sha256(set.naive!)]);
    }
  });

  it('writes the untrained model that seqnet train starts from, with the run files, in initial/', async () => {
    const folder = join(root, 'exported', index.initialRun);
    expect((await readdir(folder)).sort()).toEqual(['ir.json', 'manifest.json', 'model.json', 'preprocessing.json', 'spec.seqnet', 'weights.bin']);
    expect(await readFile(join(folder, 'spec.seqnet'), 'utf8')).toBe(SPEC);
    const artifacts = await loadArtifacts(folder);
    await selectBackend('cpu');
    const { ir } = await loadSpecFile(spec);
    const resolved = resolveIr(ir!, root, {});
    seedRandom(resolved.train.seed);
    const model = defaultBuilder(resolved, resolved.train.seed);
    const built = new Uint8Array(tf.io.concatenateArrayBuffers(await Promise.all(model.getWeights().map(async (w) => (await w.data()).buffer as ArrayBuffer))));
    model.dispose();
    expect(artifacts.weightSpecs!.length).toBeGreaterThan(0);
    expect(Buffer.from(new Uint8Array(artifacts.weightData as ArrayBuffer)).equals(Buffer.from(built))).toBe(true);
  }, 60_000);

  it('replaces an earlier export, and refuses a folder with other files in it (exit 2, untouched)', async () => {
    const again = await runCli(['export-data', spec, '--out', 'exported', '--seed', '5'], { cwd: root });
    expect(again.code).toBe(0);
    expect((JSON.parse(await readFile(join(root, 'exported', 'index.json'), 'utf8')) as ExportIndex).train.seed).toBe(5);
    await mkdir(join(root, 'mine'));
    await writeFile(join(root, 'mine', 'notes.txt'), 'keep me');
    const refused = await runCli(['export-data', spec, '--out', 'mine'], { cwd: root });
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^seqnet: --out mine is a folder with other files in it.*\n$/);
    expect(await readdir(join(root, 'mine'))).toEqual(['notes.txt']);
  }, 60_000);

  it('writes nothing when the data cannot be read (exit 2, one line), and leaves no staging folder', async () => {
    const { root: other, spec: broken } = await csvSpec();
    await writeFile(join(other, 'series.csv'), 'month,other\n1,2\n');
    const run = await runCli(['export-data', broken, '--out', 'exported'], { cwd: other });
    expect(run.code).toBe(2);
    expect(run.err.split('\n')).toHaveLength(2);
    expect((await readdir(other)).sort()).toEqual(['level.seqnet', 'series.csv']);
  }, 60_000);
});
