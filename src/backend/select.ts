/**
 * Chooses the fastest tfjs backend that loads here: tfjs-node-gpu, tfjs-node (both optional, imported only if
 * installed), wasm (the default dependency), then cpu. A backend that fails says why in one line and the
 * next is tried.
 *
 * The wasm threaded build is not attempted: its pthreads need a browser Worker, and in Node tfjs reports no
 * multithread support (forcing it leaves the backend uninitialized; measured with tfjs 4.22 / Node 20).
 */
import * as tf from '@tensorflow/tfjs';

import { BackendError, type BackendName } from './names.js';

interface Candidate {
  name: BackendName;
  /** What the user would install or see. */
  label: string;
  /** Registers the backend with tfjs; returns the name tfjs knows it by. */
  register: () => Promise<string>;
}

/** Imports an optional package whose name TypeScript must not resolve (it is not a dependency). */
async function importOptional(specifier: string): Promise<void> {
  await import(specifier);
}

const CANDIDATES: Candidate[] = [
  {
    name: 'tensorflow-gpu',
    label: '@tensorflow/tfjs-node-gpu',
    register: async () => {
      await importOptional('@tensorflow/tfjs-node-gpu');
      return 'tensorflow';
    },
  },
  {
    name: 'tensorflow',
    label: '@tensorflow/tfjs-node',
    register: async () => {
      await importOptional('@tensorflow/tfjs-node');
      return 'tensorflow';
    },
  },
  {
    name: 'wasm',
    label: 'wasm (@tensorflow/tfjs-backend-wasm)',
    register: async () => {
      await import('@tensorflow/tfjs-backend-wasm');
      return 'wasm';
    },
  },
  { name: 'cpu', label: 'cpu (plain JavaScript)', register: async () => 'cpu' },
];

/**
 * tfjs's cpu backend writes a banner to stderr at its first tensor in Node, asking to install tfjs-node. The
 * backend line seqnet prints already says which packages are missing; the banner would only interleave with
 * the command's own output (and break a one-line error). Its trigger is the backend's `firstUse` field.
 */
function silenceInstallBanner(): void {
  const backend = tf.backend() as { firstUse?: boolean };
  if (backend.firstUse === true) backend.firstUse = false;
}

export interface SelectedBackend {
  name: BackendName;
  /** Lines for the console: a failed backend's reason each, then which backend runs. */
  notes: string[];
}

/** Why a backend failed, in one line (module-not-found errors are shortened to "not installed"). */
function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return 'not installed';
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

/**
 * Activates `requested`, or the first candidate that works when it is undefined. An explicitly requested
 * backend that fails is an error, since the user asked for it by name.
 */
export async function selectBackend(requested?: BackendName): Promise<SelectedBackend> {
  const notes: string[] = [];
  const notInstalled: string[] = [];
  const candidates = requested === undefined ? CANDIDATES : CANDIDATES.filter((candidate) => candidate.name === requested);
  for (const candidate of candidates) {
    try {
      const tfName = await candidate.register();
      if (!(await tf.setBackend(tfName))) throw new Error('it did not initialize');
      await tf.ready();
      silenceInstallBanner();
      const skipped = notInstalled.length > 0 ? ` (${notInstalled.join(', ')} not installed)` : '';
      notes.push(`backend: ${candidate.label}${skipped}`);
      return { name: candidate.name, notes };
    } catch (error) {
      const why = reason(error);
      const line = `backend ${candidate.label} unavailable: ${why}`;
      if (requested !== undefined) throw new BackendError(line);
      // Optional packages that are simply absent are the normal case: mention them, don't warn.
      if (why === 'not installed') notInstalled.push(candidate.label);
      else notes.push(`${line}; trying the next`);
    }
  }
  throw new BackendError('no tfjs backend could be initialized');
}
