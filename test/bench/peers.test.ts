import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PythonPeer } from '../../bench/peer-process.js';
import { INSTALL_HINT, againstLnLstmPeer, epochSeconds, formatTable, parseOptions, replaceBlock, run, target } from '../../bench/peers.js';
import { matmulRequest, parseGreeting, parseTimes, runRequest } from '../../bench/peers-protocol.js';
import type { PeerCase } from '../../bench/peers-protocol.js';

describe('the peer protocol', () => {
  it('reads a ready greeting, in any field order, and an unavailable one', () => {
    expect(parseGreeting('ready threads=2 torch=1.13.0a0 blas=openblas script=torchscript')).toEqual({
      kind: 'ready',
      torch: '1.13.0a0',
      threads: 2,
      script: 'torchscript',
      blas: 'openblas',
    });
    expect(parseGreeting("unavailable ModuleNotFoundError: No module named 'torch'")).toEqual({
      kind: 'unavailable',
      reason: "ModuleNotFoundError: No module named 'torch'",
    });
  });

  it('refuses a greeting that is not one, or lacks a field', () => {
    expect(() => parseGreeting('Traceback (most recent call last):')).toThrow(/did not start/);
    expect(() => parseGreeting('ready torch=1.13 threads=2 script=eager')).toThrow(/lacks blas=/);
    expect(() => parseGreeting('ready torch=1.13 threads=two script=eager blas=openblas')).toThrow(/threads/);
  });

  it('reads exactly the expected number of times, and turns an error reply into an error', () => {
    expect(parseTimes('times 12.5 0.25 3', 3)).toEqual([12.5, 0.25, 3]);
    expect(() => parseTimes('times 12.5 0.25', 3)).toThrow(/expected 3 times/);
    expect(() => parseTimes('times 12.5 -1 3', 3)).toThrow(/expected 3 times/);
    expect(() => parseTimes('times 12.5 nan 3', 3)).toThrow(/expected 3 times/);
    expect(() => parseTimes('error ValueError: unknown case s3:lstm:train', 1)).toThrow(/PyTorch side: ValueError: unknown case s3/);
    expect(() => parseTimes('ready torch=1', 1)).toThrow(/expected "times/);
  });

  it('writes requests only for known cases and positive counts', () => {
    expect(runRequest({ size: 's2', cell: 'ln-gru', mode: 'forward' }, 3)).toBe('run s2:ln-gru:forward 3');
    expect(matmulRequest(32, 128, 512, 5)).toBe('matmul 32 128 512 5');
    expect(() => runRequest({ size: 's3', cell: 'lstm', mode: 'train' } as unknown as PeerCase, 1)).toThrow(/unknown peer case s3:lstm:train/);
    expect(() => runRequest({ size: 's1', cell: 'lstm', mode: 'train' }, 0)).toThrow(/positive integer/);
    expect(() => matmulRequest(32, 1.5, 512, 5)).toThrow(/positive integer/);
  });
});

describe('the peers area', () => {
  let folder: string;
  let written: string;
  const saved = process.env.SEQNET_PEERS_PYTHON;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'seqnet-peers-test-'));
    written = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += chunk.toString();
      return true;
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(folder, { recursive: true, force: true });
    if (saved === undefined) delete process.env.SEQNET_PEERS_PYTHON;
    else process.env.SEQNET_PEERS_PYTHON = saved;
  });

  function script(name: string, body: string): string {
    const path = join(folder, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it('skips itself with the install hint when the interpreter cannot import torch', async () => {
    // Python without its site-packages (-S) has no torch, wherever torch is installed; a machine without
    // python3 at all fails to start the interpreter, which must skip the area the same way.
    process.env.SEQNET_PEERS_PYTHON = script('python', 'exec python3 -S "$@"');
    await run([]);
    expect(written).toContain(INSTALL_HINT);
    expect(written).toMatch(/cannot import PyTorch|exited \(127\)/);
  });

  it('skips itself when the interpreter does not exist', async () => {
    process.env.SEQNET_PEERS_PYTHON = join(folder, 'no-such-python');
    await run([]);
    expect(written).toContain(INSTALL_HINT);
    expect(written).toContain('could not be started');
  });

  it('talks to a peer one line at a time', async () => {
    const fake = script('peer', 'echo "ready torch=0 threads=2 script=eager blas=other"\nwhile read request; do case "$request" in quit) exit 0;; run*) echo "times 4.5";; *) echo "error unknown $request";; esac; done');
    const start = await PythonPeer.start(fake, 'ignored.py');
    expect(start.kind).toBe('started');
    if (start.kind !== 'started') return;
    expect(start.greeting.blas).toBe('other');
    expect(parseTimes(await start.peer.request('run s1:lstm:train 1'), 1)).toEqual([4.5]);
    await expect(start.peer.request('matmul 1 1 1 1')).resolves.toBe('error unknown matmul 1 1 1 1');
    start.peer.close();
  });

  it('reports a peer that dies before it is ready, with its last line of stderr', async () => {
    const dying = script('dying', 'echo "Segmentation fault" >&2\nexit 3');
    const start = await PythonPeer.start(dying, 'ignored.py');
    expect(start).toEqual({ kind: 'skipped', reason: `${dying} ignored.py exited (3) before it was ready: Segmentation fault` });
  });
});

describe('the report', () => {
  it("keeps the issue's targets", () => {
    expect(target({ size: 's1', cell: 'gru', mode: 'train' })).toBe(2.0);
    expect(target({ size: 's1', cell: 'bn-lstm', mode: 'train' })).toBe(2.5);
    expect(target({ size: 's2', cell: 'lstm', mode: 'train' })).toBe(2.5);
    expect(target({ size: 's1', cell: 'ln-lstm', mode: 'forward' })).toBe(1.2);
    expect(target({ size: 's2', cell: 'ln-lstm', mode: 'forward' })).toBe(2.0);
  });

  it("adds the issue's rows of BN-LSTM and LN-GRU against PyTorch's LN-LSTM, from the measured medians", () => {
    const row = (label: string, seqnetMs: number, torchMs: number) => ({ label, seqnetMs, torchMs, target: 2.5 });
    const measured = [row('S1 LN-LSTM train', 60, 30), row('S1 BN-LSTM train', 90, 45), row('S1 LN-GRU train', 50, 20), row('S2 BN-LSTM train', 900, 400)];
    expect(againstLnLstmPeer(measured)).toEqual([row('S1 BN-LSTM train (PyTorch: LN-LSTM)', 90, 30), row('S1 LN-GRU train (PyTorch: LN-LSTM)', 50, 30)]);
    expect(againstLnLstmPeer(measured.slice(1))).toEqual([]);
  });

  it('judges a layer case by its time with the matmul helper, and an epoch by its one time', () => {
    const table = formatTable([
      { label: 'S2 LSTM train', seqnetMs: 800, helperMs: 600, torchMs: 300, target: 2.5 },
      { label: 'S1 GRU forward', seqnetMs: 10, helperMs: 13, torchMs: 10, target: 1.2 },
      { label: 'epoch of char_lm', seqnetMs: 4000, torchMs: 2000, target: 2.5 },
    ]).split('\n');
    expect(table[2]).toBe('| S2 LSTM train | 800 | 600 | 300 | 2.67× | 2.00× | ≤ 2.5× | yes |');
    expect(table[3]).toBe('| S1 GRU forward | 10.0 | 13.0 | 10.0 | 1.00× | 1.30× | ≤ 1.2× | no |');
    expect(table[4]).toBe('| epoch of char_lm | 4000 | — | 2000 | 2.00× | — | ≤ 2.5× | yes |');
  });

  it("reads each epoch's seconds from both trainers' JSON lines", () => {
    const seqnet = '{"type":"epoch","epoch":1,"seconds":3.5,"loss":1}\n{"type":"epoch","epoch":2,"seconds":2.25,"loss":0.5}\n{"type":"result","status":"completed"}\n';
    const pytorch = 'text …\n{"epoch": 1, "seconds": 1.5, "metrics": {}}\n{"epoch": 2, "seconds": 1.25, "metrics": {}}\n{"status": "completed"}\n';
    expect(epochSeconds(seqnet)).toEqual([3.5, 2.25]);
    expect(epochSeconds(pytorch)).toEqual([1.5, 1.25]);
  });

  it('replaces only the marked block of the document, and refuses one without it', () => {
    const document = 'intro\n<!-- BEGIN peers-table -->\nold\n<!-- END peers-table -->\nafter\n';
    expect(replaceBlock(document, 'peers-table', 'new')).toBe('intro\n<!-- BEGIN peers-table -->\nnew\n<!-- END peers-table -->\nafter\n');
    expect(() => replaceBlock('intro\n', 'peers-table', 'new')).toThrow(/no <!-- BEGIN peers-table -->/);
  });

  it('reads its options and refuses unknown ones', () => {
    expect(parseOptions(['--write-docs', '--epoch-rounds', '3'])).toEqual({ writeDocs: true, epochs: true, epochRounds: 3 });
    expect(parseOptions(['--no-epochs'])).toEqual({ writeDocs: false, epochs: false, epochRounds: 1 });
    expect(() => parseOptions(['--epoch-rounds', '0'])).toThrow(/unknown option --epoch-rounds/);
    expect(() => parseOptions(['--fast'])).toThrow(/unknown option --fast/);
  });
});
