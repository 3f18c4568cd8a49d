/**
 * The package as a user gets it: `npm pack` the project, install the tarball into an empty project (its
 * dependencies from the local npm cache, filled by `npm ci`; the npm registry otherwise), then use the
 * installed CLI and import the entry points from a separate Node process. Slow by nature (a build, an
 * install, a training), so the hooks and tests allow minutes; nothing here measures time.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const MINUTES = 60_000;
const TIMEOUT = 4 * MINUTES;
const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (no shell); stdin is `input`, or closed so nothing can wait for a prompt. */
function run(command: string, args: string[], cwd: string, input: string | null = null): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      // No update checks, audits or funding requests: the only network use allowed is the npm registry.
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false', NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (child.stdin !== null) {
      // A command that exits without reading its input must fail on its exit code, not on EPIPE here.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}

/** Fails with the command's own output, which says far more than "expected 1 to be 0". */
function expectSuccess(result: Result): void {
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`);
}

const TINY_SPEC = `seqnet 1
model tiny

input { steps 6; features 1 }
lstm 4
head y { units 1; at each_step }
train { epochs 1; batch_size 16 }
data { source synthetic sine_cosine { samples 40 } }
`;

let work: string;
let app: string;
let tarball: string;
let packedFiles: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'seqnet-packed-'));
  // `npm test` builds dist/ before the suite. `npm pack` would run the `prepare` script and rebuild it while
  // other test files run the built CLI, so it is told not to: the tarball packs the build the suite tests.
  const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--json'], ROOT);
  expectSuccess(packed);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info.filename);
  packedFiles = info.files.map((file) => file.path);
}, TIMEOUT);

beforeAll(async () => {
  app = join(work, 'app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  expectSuccess(await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], app));
}, TIMEOUT);

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('ships the docs, the license and the compiled entry points, and no benchmarks, scripts or tests', () => {
    for (const file of ['LICENSE', 'README.md', 'docs/training.md', 'bin/seqnet.js', 'dist/src/index.js', 'dist/src/runtime/index.js', 'dist/src/node/index.js']) {
      expect(packedFiles).toContain(file);
    }
    expect(packedFiles.filter((file) => /^(dist\/)?(bench|scripts|test)\//.test(file) || file === 'bin/bench.js')).toEqual([]);
  });

  it('holds every file the README links to', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((match) => match[1]).filter((target) => !/^[a-z]+:/.test(target));
    expect(links).toContain('docs/training.md');
    expect(links.filter((target) => !packedFiles.includes(target))).toEqual([]);
  });
});

describe('the installed CLI', () => {
  it('npx seqnet --version prints the package version', async () => {
    const result = await run('npx', ['--no', '--', 'seqnet', '--version'], app);
    expectSuccess(result);
    expect(result.stdout).toBe(`${version}\n`);
  }, TIMEOUT);

  it('checks a spec, formats stdin, and trains it for one epoch', async () => {
    await writeFile(join(app, 'tiny.seqnet'), TINY_SPEC);
    const check = await run('npx', ['--no', '--', 'seqnet', 'check', 'tiny.seqnet'], app);
    expectSuccess(check);
    expect(check.stdout).toContain('no problems');
    const formatted = await run('npx', ['--no', '--', 'seqnet', 'fmt', '-'], app, 'seqnet   1\nmodel m\ninput{steps 5;features 1}\n');
    expectSuccess(formatted);
    expect(formatted.stdout).toBe('seqnet 1\nmodel m\ninput { steps 5; features 1 }\n');
    const trained = await run('npx', ['--no', '--', 'seqnet', 'train', 'tiny.seqnet', '--epochs', '1'], app);
    expectSuccess(trained);
    expect(trained.stdout).toContain('trained 1 epochs; model saved in runs/tiny/1');
    expect(existsSync(join(app, 'runs/tiny/1/model.json'))).toBe(true);
  }, TIMEOUT);
});

describe('the installed entry points', () => {
  it('import from an ESM script: seqnet checks, seqnet/runtime registers, seqnet/node loads and predicts like the CLI', async () => {
    // The run comes from the previous test; train it here if this test runs alone.
    if (!existsSync(join(app, 'runs/tiny/1/model.json'))) {
      await writeFile(join(app, 'tiny.seqnet'), TINY_SPEC);
      expectSuccess(await run('npx', ['--no', '--', 'seqnet', 'train', 'tiny.seqnet', '--epochs', '1'], app));
    }
    const x = Array.from({ length: 6 }, (_, t) => [Math.sin(t / 2)]);
    await writeFile(join(app, 'in.jsonl'), `${JSON.stringify({ x })}\n`);
    const predicted = await run('npx', ['--no', '--', 'seqnet', 'predict', 'runs/tiny/1', '--input', 'in.jsonl'], app);
    expectSuccess(predicted);
    const fromCli = (JSON.parse(predicted.stdout) as { y: number[][] }).y;

    await writeFile(
      join(app, 'use.mjs'),
      `import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { checkSpec } from 'seqnet';
import { SeqnetRecurrent } from 'seqnet/runtime';
import { loadRun } from 'seqnet/node';
const { ir } = checkSpec(readFileSync('tiny.seqnet', 'utf8'), 'tiny.seqnet');
const { model, preprocessor } = await loadRun('runs/tiny/1');
const y = model.predict(tf.tensor3d([preprocessor.standardizeInputs(${JSON.stringify(x)})]));
console.log(JSON.stringify({ model: ir.name, runtime: typeof SeqnetRecurrent, y: preprocessor.unstandardizeOutputs(y.arraySync()[0]) }));
`,
    );
    const used = await run('node', ['use.mjs'], app);
    expectSuccess(used);
    const result = JSON.parse(used.stdout) as { model: string; runtime: string; y: number[][] };
    expect(result.model).toBe('tiny');
    expect(result.runtime).toBe('function');
    expect(result.y).toHaveLength(6);
    // The script runs on tfjs's default (cpu) backend, the CLI on wasm: equal up to float rounding.
    result.y.forEach(([value], t) => expect(value).toBeCloseTo(fromCli[t][0], 4));
  }, TIMEOUT);

  it('require() from CommonJS does what this Node does with an ES module', async () => {
    await writeFile(
      join(app, 'use.cjs'),
      `let outcome;
try { outcome = { loaded: typeof require('seqnet').checkSpec }; } catch (error) { outcome = { error: error.code }; }
console.log(JSON.stringify(outcome));
`,
    );
    const used = await run('node', ['use.cjs'], app);
    expectSuccess(used);
    const outcome = JSON.parse(used.stdout) as { loaded?: string; error?: string };
    // Node 20.19+ loads ES modules with require() (require(esm)); older Node 20 refuses with ERR_REQUIRE_ESM.
    const requireEsm = (process.features as { require_module?: boolean }).require_module === true;
    expect(outcome).toEqual(requireEsm ? { loaded: 'function' } : { error: 'ERR_REQUIRE_ESM' });
  }, TIMEOUT);

  it('type-checks a TypeScript consumer against the installed declarations', async () => {
    await writeFile(
      join(app, 'consumer.ts'),
      `import { checkSpec, type ModelIR } from 'seqnet';
import { SeqnetRecurrent } from 'seqnet/runtime';
import { createPreprocessor, fileHandler, loadRun, type Preprocessor } from 'seqnet/node';
const ir: ModelIR | null = checkSpec('', 'x.seqnet').ir;
const preprocessor: Preprocessor = createPreprocessor({ kind: 'none' });
const scaled: number[][] = preprocessor.standardizeInputs([[1]]);
export const used = [ir, scaled, SeqnetRecurrent, fileHandler('.'), loadRun];
`,
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', 'consumer.ts'];
    expectSuccess(await run('node', [tsc, ...args], app));
  }, TIMEOUT);
});
