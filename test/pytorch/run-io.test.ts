/**
 * seqnet_runs.py, the Python side of the run-directory interchange: tfjs → Python → tfjs keeps every byte of
 * the weights and the topology, a run Python writes is one `seqnet evaluate` reads (with the weights Python
 * gave it), and damaged or mismatched weights are refused on both sides.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUNS_FILE, runsSource } from '../../src/codegen/pytorch/runs-source.js';
import { loadArtifacts } from '../../src/io/index.js';
import { runCli } from '../cli/subprocess.js';
import { tempDir } from '../train/helpers.js';
import { pythonHas, runPython, PYTHON } from './python.js';
import { spawnSync } from 'node:child_process';

const VALUES = Array.from({ length: 90 }, (_, i) => 300 + 0.5 * i + 3 * Math.sin(i / 2));

const SPEC = `seqnet 1
model level
input { steps 12; features 1 }
lstm 8
norm batch
head next { units 1; at last_step; loss mse }
train { optimizer adam { learning_rate 0.01 }; batch_size 4; epochs 1; seed 3 }
data {
  source csv "series.csv" { features level; targets level; window 12; horizon 1; standardize true }
  split 0.6 0.2 0.2
}
`;

/** Reads a run's weights and writes them, changed by `edit` (Python statements on the dict `w`), as a new run. */
const COPY_RUN = `
import json, sys
import numpy as np
import seqnet_runs as runs
source, target = sys.argv[1], sys.argv[2]
w = runs.read_weights(source)
EDIT
runs.write_run(target, source, w, test={'loss': 0.5}, history=[{'epoch': 1, 'learningRate': 0.01, 'seconds': 1.0, 'metrics': {'loss': 0.5}}])
print(json.dumps({name: [list(a.shape), str(a.dtype)] for name, a in w.items()}))
`;

const evaluateJson = async (root: string, run: string): Promise<Record<string, unknown>> => {
  const result = await runCli(['evaluate', run, '--json'], { cwd: root });
  expect(result.err).toBe('');
  const { run: _, ...metrics } = JSON.parse(result.out) as Record<string, unknown>;
  return metrics;
};

describe.runIf(pythonHas(['numpy']))('seqnet_runs.py', () => {
  let root: string;

  const python = (script: string, args: string[]) => runPython(script, args, { cwd: root, env: { PYTHONPATH: root } });

  beforeAll(async () => {
    root = await tempDir();
    await writeFile(join(root, RUNS_FILE), runsSource());
    await writeFile(join(root, 'series.csv'), `month,level\n${VALUES.map((v, i) => `${i},${v}`).join('\n')}\n`);
    await writeFile(join(root, 'level.seqnet'), SPEC);
    const trained = await runCli(['train', 'level.seqnet'], { cwd: root });
    expect(trained.code).toBe(0);
  }, 120_000);

  it('compiles', () => {
    expect(spawnSync(PYTHON, ['-m', 'py_compile', join(root, RUNS_FILE)]).status).toBe(0);
  });

  it('round-trips a tfjs run through numpy byte for byte, and seqnet evaluate reads the copy', async () => {
    const shapes = JSON.parse(python(COPY_RUN.replace('EDIT', ''), ['runs/level/1', 'copy/1'])) as Record<string, [number[], string]>;
    const model = JSON.parse(await readFile(join(root, 'runs/level/1/model.json'), 'utf8')) as { weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
    expect(Object.entries(shapes)).toEqual(model.weightsManifest[0].weights.map((spec) => [spec.name, [spec.shape, 'float32']]));
    for (const file of ['weights.bin', 'model.json', 'ir.json', 'preprocessing.json', 'spec.seqnet']) {
      expect((await readFile(join(root, 'copy/1', file))).equals(await readFile(join(root, 'runs/level/1', file)))).toBe(true);
    }
    const info = JSON.parse(await readFile(join(root, 'copy/1/run.json'), 'utf8')) as Record<string, unknown>;
    expect(info).toMatchObject({ model: 'level', status: 'completed', specCopy: 'spec.seqnet', backend: 'pytorch', test: { loss: 0.5 } });
    expect(await evaluateJson(root, 'copy/1')).toEqual(await evaluateJson(root, 'runs/level/1'));
  }, 60_000);

  it('writes the weights Python changed, which tfjs then reads exactly and evaluates differently', async () => {
    const edit = "w['next/kernel'][0, 0] = 0.125\nw['norm_1/moving_mean'][:] = 0.375";
    python(COPY_RUN.replace('EDIT', edit), ['runs/level/1', 'edited/1']);
    const artifacts = await loadArtifacts(join(root, 'edited/1'));
    const specs = artifacts.weightSpecs!;
    const data = artifacts.weightData as ArrayBuffer;
    let offset = 0;
    const read: Record<string, Float32Array> = {};
    for (const spec of specs) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      read[spec.name] = new Float32Array(data.slice(offset, offset + size * 4));
      offset += size * 4;
    }
    expect(read['next/kernel'][0]).toBe(0.125);
    expect([...read['norm_1/moving_mean']].every((value) => value === 0.375)).toBe(true);
    expect((await evaluateJson(root, 'edited/1')).loss).not.toBe((await evaluateJson(root, 'runs/level/1')).loss);
  }, 60_000);

  it('refuses damaged weights when reading, and weights that do not fit model.json when writing', async () => {
    python(COPY_RUN.replace('EDIT', ''), ['runs/level/1', 'damaged/1']);
    const weights = await readFile(join(root, 'damaged/1/weights.bin'));
    weights[0] ^= 1;
    await writeFile(join(root, 'damaged/1/weights.bin'), weights);
    const check = (edit: string) => python(`
import seqnet_runs as runs
try:
    w = runs.read_weights('runs/level/1')
${edit.split('\n').map((line) => `    ${line}`).join('\n')}
    runs.write_run('refused/1', 'runs/level/1', w)
    print('written')
except (runs.RunFileError, ValueError) as error:
    print(type(error).__name__, error)
`, []).trim();
    expect(python("import seqnet_runs as r\ntry:\n    r.read_weights('damaged/1')\nexcept r.RunFileError as e:\n    print(e)", []).trim()).toMatch(/damaged\/1\/weights.bin: does not match manifest.json/);
    expect(check("w['next/bias'] = w['next/bias'] * float('nan')")).toMatch(/^ValueError weight 'next\/bias' holds NaN/);
    expect(check("w['next/kernel'] = w['next/kernel'].T.copy()")).toMatch(/^ValueError weight 'next\/kernel' has shape \(1, 8\), model.json says \(8, 1\)/);
    expect(check("del w['next/bias']")).toMatch(/^ValueError the weights do not match model.json: missing \['next\/bias'\]/);
    const refused = await runCli(['evaluate', 'refused/1'], { cwd: root });
    expect(refused.code).toBe(2);
  }, 60_000);
});
