/**
 * Reading a run directory never trusts its files: everything is checked against manifest.json, and what
 * does not match, is missing, points outside the folder or holds non-finite weights is refused with a
 * RunFileError naming the file.
 */
import { spawnSync } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commitFiles } from '../../src/io/index.js';
import { evaluateRun, RunFileError, type RunInfo } from '../../src/train/index.js';
import { sineIr } from './fixtures.js';
import { readJson, tempDir, train } from './helpers.js';

/** A finished run, copied afresh for each test so that each damages its own. */
let finished: string;
beforeAll(async () => {
  finished = (await train(sineIr({ train: { epochs: 1 } }), await tempDir())).result.runDir;
});

async function copyOfRun(): Promise<string> {
  const dir = join(await tempDir(), 'run');
  spawnSync('cp', ['-r', finished, dir]);
  return dir;
}

async function refusal(runDir: string): Promise<RunFileError> {
  const error = await evaluateRun(runDir).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RunFileError);
  expect((error as Error).message).not.toContain('\n');
  return error as RunFileError;
}

const modelJson = async (runDir: string): Promise<Record<string, unknown>> => readJson(join(runDir, 'model.json'));

describe('verified run files', () => {
  it('evaluates the intact run (the copies below differ from it in one file only)', async () => {
    const evaluation = await evaluateRun(await copyOfRun());
    expect(Number.isFinite(evaluation.metrics.loss)).toBe(true);
  });

  it('refuses a weights file with one flipped byte, and a truncated one', async () => {
    const runDir = await copyOfRun();
    const weights = await readFile(join(runDir, 'weights.bin'));
    weights[10] ^= 0x40;
    await writeFile(join(runDir, 'weights.bin'), weights);
    expect((await refusal(runDir)).message).toMatch(/weights\.bin: does not match manifest\.json \(\d+ bytes, sha256 [0-9a-f]{12}…; expected \d+ bytes/);
    await writeFile(join(runDir, 'weights.bin'), weights.subarray(0, 40));
    expect((await refusal(runDir)).message).toMatch(/weights\.bin: does not match manifest\.json \(40 bytes/);
  });

  it('refuses weights that are NaN, and weights shorter than model.json describes, even when the manifest agrees', async () => {
    const runDir = await copyOfRun();
    const size = (await readFile(join(runDir, 'weights.bin'))).byteLength;
    await commitFiles(runDir, { 'weights.bin': new Uint8Array(new Float32Array(size / 4).fill(Number.NaN).buffer) });
    expect((await refusal(runDir)).message).toMatch(/weights\.bin: weight '[^']+' holds NaN or infinite values/);
    await commitFiles(runDir, { 'weights.bin': new Uint8Array(size - 4) });
    expect((await refusal(runDir)).message).toContain(`holds ${size - 4} bytes but ${join(runDir, 'model.json')} describes ${size}`);
  });

  it('refuses a weightsManifest path outside the run directory, and a model.json without weightsManifest', async () => {
    const runDir = await copyOfRun();
    const model = await modelJson(runDir);
    const manifest = model.weightsManifest as { paths: string[] }[];
    await commitFiles(runDir, { 'model.json': JSON.stringify({ ...model, weightsManifest: [{ ...manifest[0], paths: ['../../../etc/passwd'] }] }) });
    expect((await refusal(runDir)).message).toContain("names '../../../etc/passwd', which is not a file name inside the folder");
    const { weightsManifest: _dropped, ...withoutWeights } = model;
    await commitFiles(runDir, { 'model.json': JSON.stringify(withoutWeights) });
    expect((await refusal(runDir)).message).toContain('model.json: has no weightsManifest, so it names no weights; refusing to use a model with initial (random) weights');
  });

  it('refuses a changed preprocessing.json, an ir.json that is not JSON, a missing file and a missing manifest', async () => {
    const runDir = await copyOfRun();
    await writeFile(join(runDir, 'preprocessing.json'), '{"kind":"standardize","features":[],"targets":[]}\n');
    expect((await refusal(runDir)).message).toMatch(/preprocessing\.json: does not match manifest\.json/);
    await commitFiles(runDir, { 'preprocessing.json': await readFile(join(finished, 'preprocessing.json')), 'ir.json': '{"name": ' });
    expect((await refusal(runDir)).message).toMatch(/ir\.json: is not valid JSON/);
    const other = await copyOfRun();
    await writeFile(join(other, 'model.json'), 'not json');
    await commitFiles(other, { 'model.json': 'not json' });
    expect((await refusal(other)).message).toMatch(/model\.json: is not valid JSON/);
    const missing = await copyOfRun();
    await rm(join(missing, 'weights.bin'));
    expect((await refusal(missing)).message).toMatch(/weights\.bin: missing \(it is listed in manifest\.json\)/);
    await rm(join(missing, 'manifest.json'));
    expect((await refusal(missing)).message).toMatch(/manifest\.json: missing; this is not a seqnet run directory/);
  });

  it('reports a run whose process was killed as killed, says to resume it, and removes its stale temporary files', async () => {
    const runDir = await copyOfRun();
    const info = await readJson<RunInfo>(join(runDir, 'run.json'));
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    await commitFiles(runDir, { 'run.json': JSON.stringify({ ...info, status: 'running', pid: dead }) });
    await writeFile(join(runDir, `history.json.tmp-${dead}-0123abcd`), 'half');
    await writeFile(join(runDir, `history.json.tmp-${process.pid}-0123abcd`), 'in use');
    await expect(evaluateRun(runDir)).rejects.toThrow(`was killed before training finished (run.json still says running, and its process is gone); finish it with: seqnet train --resume ${runDir}`);
    const left = await readdir(runDir);
    expect(left).not.toContain(`history.json.tmp-${dead}-0123abcd`);
    expect(left).toContain(`history.json.tmp-${process.pid}-0123abcd`);
  });
});
