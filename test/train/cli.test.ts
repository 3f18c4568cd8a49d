import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { tempDir } from './helpers.js';

const TINY = `seqnet 1
model tiny
input {
  steps 10
  features 1
}
lstm 4
head y {
  units 1
  at each_step
  loss mse
}
train {
  epochs EPOCHS
  batch_size 8
  seed 1
}
data {
  source synthetic sine_cosine { samples 40; steps 10 }
}
`;

/** Runs the CLI in-process, capturing what it writes; `onOut` sees stdout as it arrives. */
async function run(argv: string[], onOut: (text: string) => void = () => {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    onOut(out);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  process.exitCode = undefined;
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}

async function writeSpec(dir: string, epochs: number): Promise<string> {
  const path = join(dir, 'tiny.seqnet');
  await writeFile(path, TINY.replace('EPOCHS', String(epochs)));
  return path;
}

describe('seqnet train', () => {
  afterEach(() => vi.restoreAllMocks());

  it('renders the diagnostics of an invalid spec, exits 1 and creates no run', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bad.seqnet'), 'seqnet 1\nmodel bad\ninput { steps 10 }\n');
    const { code, err } = await run(['train', join(dir, 'bad.seqnet'), '--runs-dir', join(dir, 'runs')]);
    expect(code).toBe(1);
    expect(err).toMatch(/bad\.seqnet:3:1: error\[SN\d{4}\]: missing required statement 'features' in 'input'/);
    expect(err).toMatch(/not trained \(the spec has errors\)/);
    await expect(access(join(dir, 'runs'))).rejects.toThrow();
  });

  it('asks for a spec or --resume, and rejects bad flag values, with exit code 2', async () => {
    expect((await run(['train'])).code).toBe(2);
    const dir = await tempDir();
    const spec = await writeSpec(dir, 1);
    const bad = await run(['train', spec, '--epochs', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--epochs needs a whole number of at least 1 (got 'many')");
    expect((await run(['train', spec, '--backend', 'gpu'])).err).toContain("unknown backend 'gpu'");
  });

  it('on SIGINT finishes the batch, checkpoints, exits 130 and resumes from there with --resume', async () => {
    const dir = await tempDir();
    const spec = await writeSpec(dir, 1000);
    let signalled = false;
    const interrupted = await run(['train', spec, '--runs-dir', join(dir, 'runs'), '--backend', 'cpu'], (out) => {
      // Interrupt once the first epoch has been reported: a real signal, delivered to this process.
      if (!signalled && /^epoch 1\/1000/m.test(out)) {
        signalled = true;
        process.kill(process.pid, 'SIGINT');
      }
    });
    expect(interrupted.code).toBe(130);
    expect(interrupted.err).toContain('stopping after this batch');
    const runDir = join(dir, 'runs', 'tiny', '1');
    expect(interrupted.out).toContain(`Resume with: seqnet train --resume ${runDir}`);
    expect(await readdir(join(runDir, 'checkpoint'))).toContain('state.json');
    const resumed = await run(['train', '--resume', runDir, '--epochs', '3', '--json']);
    expect(resumed.code).toBe(0);
    const lines = resumed.out.trim().split('\n').map((line) => JSON.parse(line) as { type: string; epoch: number; status: string });
    expect(lines[lines.length - 2]).toMatchObject({ type: 'epoch', epoch: 3 });
    expect(lines[lines.length - 1]).toMatchObject({ type: 'result', status: 'completed', epochs: 3 });
    expect(resumed.err).toMatch(/resuming .* at epoch \d/);
  });

  it('refuses a damaged run file in evaluate and --resume with one line and exit code 2', async () => {
    const dir = await tempDir();
    const spec = await writeSpec(dir, 1);
    expect((await run(['train', spec, '--runs-dir', join(dir, 'runs'), '--backend', 'cpu'])).code).toBe(0);
    const runDir = join(dir, 'runs', 'tiny', '1');
    const weights = await readFile(join(runDir, 'weights.bin'));
    weights[0] ^= 1;
    await writeFile(join(runDir, 'weights.bin'), weights);
    const evaluated = await run(['evaluate', runDir, '--backend', 'cpu']);
    expect(evaluated.code).toBe(2);
    expect(evaluated.err.trim().split('\n')).toEqual([expect.stringContaining(`${join(runDir, 'weights.bin')}: does not match manifest.json`)]);
    await writeFile(join(runDir, 'checkpoint', 'state.json'), '{}');
    const resumed = await run(['train', '--resume', runDir, '--epochs', '2', '--backend', 'cpu']);
    expect(resumed.code).toBe(2);
    expect(resumed.err.trim().split('\n')).toEqual([expect.stringContaining(`${join(runDir, 'checkpoint', 'state.json')}: does not match manifest.json`)]);
  });
});
