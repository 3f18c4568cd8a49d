/**
 * The PyTorch side of `npm run bench -- peers` as a child process: one Python interpreter for the whole run,
 * asked one line at a time (bench/peers-protocol.ts), so that interleaving its rounds with seqnet's costs no
 * interpreter start per round.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseGreeting } from './peers-protocol.js';
import type { PeerGreeting } from './peers-protocol.js';

/** The interpreter: Debian's, whose `python3-torch` the bench is written against, unless the variable names another. */
export function peerPython(): string {
  return process.env.SEQNET_PEERS_PYTHON ?? '/usr/bin/python3';
}

/**
 * The environment of PyTorch processes: two intra-op threads (main() in peers.py), as the figures;
 * OpenMP threads that sleep instead of spinning while they wait, and a single-threaded OpenBLAS under them.
 * On this shared 2-core machine under load that was PyTorch's fastest setting, and the only one whose idle
 * threads took next to no CPU from seqnet's turn of the interleaved rounds: spinning OpenMP threads made an S1
 * LSTM step 20 to 100 times slower and spun on into seqnet's call (up to 84 ms of it with OpenBLAS's threads),
 * and OpenBLAS's own second thread slowed it and ran up to 23 ms into seqnet's call (bench/peers-config.ts,
 * docs/performance.md "The PyTorch configuration"). A value the user set wins.
 */
export function peerEnvironment(): NodeJS.ProcessEnv {
  return { OMP_WAIT_POLICY: 'PASSIVE', OPENBLAS_NUM_THREADS: '1', ...process.env };
}

export type PeerStart = { kind: 'started'; peer: PythonPeer; greeting: Extract<PeerGreeting, { kind: 'ready' }> } | { kind: 'skipped'; reason: string };

export class PythonPeer {
  private readonly waiting: ((line: string | null) => void)[] = [];
  private readonly lines: (string | null)[] = [];
  private stderrTail = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => this.deliver(line));
    child.stdout.on('end', () => this.deliver(null));
    child.stderr.on('data', (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000)));
  }

  /**
   * Starts `python script` and reads its greeting; a missing interpreter or PyTorch is a skip, not a failure.
   * `env` replaces the environment (bench/peers-config.ts compares settings).
   */
  static async start(python: string, script: string, env: NodeJS.ProcessEnv = peerEnvironment()): Promise<PeerStart> {
    const child = spawn(python, [script], { env });
    // Either event ends a start that failed: 'error' when the interpreter cannot be run, 'close' when it exits.
    const ended = new Promise<{ reason: string }>((resolve) => {
      child.on('error', (error) => resolve({ reason: `${python} could not be started (${error.message})` }));
      child.on('close', (code) => resolve({ reason: `${python} ${script} exited (${code}) before it was ready` }));
    });
    const peer = new PythonPeer(child);
    const greeting = await Promise.race([peer.nextLine(), ended]);
    if (greeting === null || typeof greeting === 'object') {
      const { reason } = greeting ?? (await ended);
      const detail = peer.stderrTail.trim().split('\n').pop() ?? '';
      return { kind: 'skipped', reason: detail === '' ? reason : `${reason}: ${detail}` };
    }
    const parsed = parseGreeting(greeting);
    if (parsed.kind === 'unavailable') return { kind: 'skipped', reason: `${python} cannot import PyTorch (${parsed.reason})` };
    return { kind: 'started', peer, greeting: parsed };
  }

  /** Writes one request and waits for its one-line reply. */
  async request(line: string): Promise<string> {
    this.child.stdin.write(`${line}\n`);
    const reply = await this.nextLine();
    if (reply === null) throw new Error(`the PyTorch side exited during "${line}": ${this.stderrTail.trim().split('\n').pop() ?? ''}`);
    return reply;
  }

  /** The process id of the Python side, whose CPU time bench/peers-config.ts reads. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  close(): void {
    if (this.child.exitCode === null && this.child.stdin.writable) this.child.stdin.end('quit\n');
  }

  private nextLine(): Promise<string | null> {
    if (this.lines.length > 0) return Promise.resolve(this.lines.shift() ?? null);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private deliver(line: string | null): void {
    const reader = this.waiting.shift();
    if (reader) reader(line);
    else this.lines.push(line);
  }
}
