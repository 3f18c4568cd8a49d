/**
 * The line protocol between `npm run bench -- peers` and its PyTorch side (bench/peers.py): requests it
 * writes, and the replies it accepts. Kept apart from the process handling so it can be tested alone.
 */

export const PEER_SIZES = ['s1', 's2'] as const;
export const PEER_CELLS = ['lstm', 'ln-lstm', 'bn-lstm', 'gru', 'ln-gru'] as const;
export const PEER_MODES = ['train', 'forward'] as const;

export interface PeerCase {
  size: (typeof PEER_SIZES)[number];
  cell: (typeof PEER_CELLS)[number];
  mode: (typeof PEER_MODES)[number];
}

/** What the Python side says first: it is ready (and with what), or PyTorch cannot be imported. */
export type PeerGreeting =
  | { kind: 'ready'; torch: string; threads: number; script: string; blas: string }
  | { kind: 'unavailable'; reason: string };

export class PeerProtocolError extends Error {}

export function caseKey(peerCase: PeerCase): string {
  return `${peerCase.size}:${peerCase.cell}:${peerCase.mode}`;
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new PeerProtocolError(`${what} must be a positive integer, not ${value}`);
  return value;
}

export function runRequest(peerCase: PeerCase, rounds: number): string {
  const known = PEER_SIZES.includes(peerCase.size) && PEER_CELLS.includes(peerCase.cell) && PEER_MODES.includes(peerCase.mode);
  if (!known) throw new PeerProtocolError(`unknown peer case ${caseKey(peerCase)}`);
  return `run ${caseKey(peerCase)} ${positiveInteger(rounds, 'rounds')}`;
}

export function matmulRequest(m: number, k: number, n: number, rounds: number): string {
  return `matmul ${[m, k, n, rounds].map((value) => positiveInteger(value, 'a matmul dimension or round count')).join(' ')}`;
}

/** `ready torch=1.13.0 threads=2 script=torchscript blas=openblas` (fields in any order) or `unavailable REASON`. */
export function parseGreeting(line: string): PeerGreeting {
  if (line.startsWith('unavailable ')) return { kind: 'unavailable', reason: line.slice('unavailable '.length).trim() };
  const [word, ...pairs] = line.trim().split(/\s+/);
  if (word !== 'ready') throw new PeerProtocolError(`the PyTorch side did not start: ${JSON.stringify(line)}`);
  const fields = new Map(pairs.map((pair) => pair.split('=', 2) as [string, string | undefined]));
  const field = (name: string): string => {
    const value = fields.get(name);
    if (value === undefined || value === '') throw new PeerProtocolError(`the PyTorch side's greeting lacks ${name}=: ${JSON.stringify(line)}`);
    return value;
  };
  return { kind: 'ready', torch: field('torch'), threads: positiveInteger(Number(field('threads')), 'threads'), script: field('script'), blas: field('blas') };
}

/** `times MS MS …`: exactly `expected` finite, non-negative milliseconds; `error MESSAGE` throws MESSAGE. */
export function parseTimes(line: string, expected: number): number[] {
  if (line.startsWith('error ')) throw new PeerProtocolError(`PyTorch side: ${line.slice('error '.length)}`);
  const [word, ...values] = line.trim().split(/\s+/);
  if (word !== 'times') throw new PeerProtocolError(`expected "times …" from the PyTorch side, got ${JSON.stringify(line)}`);
  const times = values.map(Number);
  if (times.length !== expected || times.some((time) => !Number.isFinite(time) || time < 0)) {
    throw new PeerProtocolError(`expected ${expected} times in milliseconds from the PyTorch side, got ${JSON.stringify(line)}`);
  }
  return times;
}
