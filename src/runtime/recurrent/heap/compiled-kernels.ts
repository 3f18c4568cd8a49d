/**
 * seqnet's compiled cell kernels (`assembly/`, embedded in `compiled.ts`), instantiated against the wasm
 * backend's memory so that they read and write tfjs tensors in place. Signatures mirror `assembly/`:
 * every pointer is a byte address in that memory.
 */
import { COMPILED_KERNELS_BASE64 } from './compiled.js';
import { webAssembly } from './webassembly.js';

export interface CellKernels {
  lstmStep(cell: number, step: number, input: number, recurrent: number, h: number, c: number, mask: number, out: number): void;
  gruGates(cell: number, step: number, input: number, recurrent: number, h: number, gates: number, resetState: number): void;
  gruCandidate(cell: number, step: number, input: number, recurrent: number, gates: number, h: number, mask: number, out: number): void;
  rnnStep(cell: number, step: number, input: number, recurrent: number, h: number, mask: number, out: number): void;
  normalizeRows(norm: number, values: number, rows: number, batch: number, units: number, firstStep: number): void;
}

const EXPORTS = ['lstmStep', 'gruGates', 'gruCandidate', 'rnnStep', 'normalizeRows'] as const;

/**
 * The compiled module: compiled synchronously on first use where the host allows it (Node); where it does
 * not (a browser's main thread refuses to compile more than 4 KB synchronously), compiled in the background
 * while the layers run their ordinary loop. `failed`: the host cannot compile it (no SIMD, no WebAssembly).
 */
let compiled: object | 'pending' | 'failed' | null = null;

function kernelBytes(): Uint8Array {
  return Uint8Array.from(atob(COMPILED_KERNELS_BASE64), (character) => character.charCodeAt(0));
}

function compiledModule(): object | null {
  if (compiled === null) {
    if (webAssembly === null) compiled = 'failed';
    else {
      const api = webAssembly;
      try {
        compiled = new api.Module(kernelBytes());
      } catch {
        compiled = 'pending';
        api.compile(kernelBytes()).then(
          (module) => (compiled = module),
          () => (compiled = 'failed'),
        );
      }
    }
  }
  return typeof compiled === 'object' ? compiled : null;
}

/** The kernels working in `memory` (a `WebAssembly.Memory`), or null while they are not available. */
export function instantiateCellKernels(memory: unknown): CellKernels | null {
  const module = compiledModule();
  if (module === null || webAssembly === null) return null;
  const { exports } = new webAssembly.Instance(module, { env: { memory } });
  if (!EXPORTS.every((name) => typeof exports[name] === 'function')) return null;
  return exports as unknown as CellKernels;
}
