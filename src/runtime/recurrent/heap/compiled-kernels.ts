/**
 * seqnet's compiled cell kernels (`assembly/`, embedded in `compiled.ts`), instantiated against the wasm
 * backend's memory so that they read and write tfjs tensors in place. Signatures mirror `assembly/`:
 * every pointer is a byte address in that memory.
 */
import { COMPILED_KERNELS_BASE64 } from './compiled.js';
import { webAssembly } from './webassembly.js';
import type { WebAssemblyApi } from './webassembly.js';

export interface CellKernels {
  lstmStep(cell: number, step: number, input: number, recurrent: number, h: number, c: number, mask: number, out: number): void;
  gruGates(cell: number, step: number, input: number, recurrent: number, h: number, gates: number, resetState: number): void;
  gruCandidate(cell: number, step: number, input: number, recurrent: number, gates: number, h: number, mask: number, out: number): void;
  rnnStep(cell: number, step: number, input: number, recurrent: number, h: number, mask: number, out: number): void;
  normalizeRows(norm: number, values: number, rows: number, batch: number, units: number, firstStep: number): void;
  transposeRows(train: number, out: number, from: number, rows: number, columns: number, masked: number): void;
  maskState(train: number, out: number, h: number): void;
  addRecurrentGradient(train: number, dh: number, recurrent: number): void;
  lstmForward(train: number, step: number, input: number, recurrent: number, h: number, c: number, hNext: number, cNext: number, gates: number, cellTanh: number, out: number, hMaskedNext: number): void;
  lstmBackward(train: number, step: number, gates: number, cellTanh: number, c: number, outputGradient: number, recurrent: number, dh: number, dc: number, dz: number): void;
  rnnForward(train: number, step: number, input: number, recurrent: number, h: number, hNext: number, activated: number, out: number, hMaskedNext: number): void;
  rnnBackward(train: number, step: number, activated: number, outputGradient: number, recurrent: number, dh: number, dz: number): void;
  gruGatesForward(train: number, step: number, input: number, recurrent: number, resetAfter: number, hMasked: number, gates: number, resetTerm: number): void;
  gruStateForward(train: number, step: number, input: number, candidateRecurrent: number, gates: number, resetTerm: number, h: number, hNext: number, out: number, hMaskedNext: number): void;
  gruStateBackward(
    ...args: [train: number, step: number, gates: number, resetTerm: number, h: number, outputGradient: number, recurrent: number, resetAfter: number, dh: number, dInput: number, dRecurrent: number, dCandidate: number]
  ): void;
  gruResetBackward(train: number, gates: number, h: number, dResetProduct: number, dh: number, dInput: number, dRecurrent: number): void;
  lstmNormsForward(
    ...args: [train: number, norms: number, step: number, input: number, recurrent: number, h: number, c: number, hNext: number, cNext: number, gates: number, cellTanh: number, out: number, hMaskedNext: number]
  ): void;
  lstmNormsBackward(
    ...args: [train: number, norms: number, step: number, gates: number, cellTanh: number, c: number, outputGradient: number, recurrent: number, dh: number, dc: number, dInput: number, dRecurrent: number]
  ): void;
  lstmNormsSum(train: number, norms: number, step: number, input: number, recurrent: number): void;
  lstmNormsActivate(train: number, norms: number, step: number, recurrent: number, c: number, gates: number): void;
  lstmNormsCell(train: number, norms: number, step: number, gates: number, cellTanh: number): void;
  lstmNormsState(train: number, norms: number, step: number, h: number, c: number, hNext: number, cNext: number, out: number, hMaskedNext: number): void;
  lstmNormsStateBackward(train: number, norms: number, step: number, outputGradient: number, recurrent: number, dh: number, dc: number): void;
  lstmNormsCellBackward(train: number, norms: number, step: number, gates: number, cellTanh: number, dz: number): void;
  lstmNormsActivateBackward(train: number, norms: number, step: number, gates: number, c: number, dc: number, dz: number): void;
  lstmNormsSumBackward(train: number, norms: number, step: number, dz: number, dInput: number): void;
  batchNormSums(train: number, site: number, step: number, values: number, stride: number): void;
  batchNormDeviations(train: number, site: number, step: number, values: number, stride: number): void;
  batchNormApply(train: number, site: number, step: number, values: number, out: number, stride: number): void;
  batchNormGradientSums(train: number, site: number, step: number, dy: number, stride: number): void;
  batchNormGradient(train: number, site: number, step: number, dy: number, dx: number, stride: number): void;
  gruNormsGatesForward(train: number, norms: number, step: number, input: number, recurrent: number, resetAfter: number, hMasked: number, gates: number, resetTerm: number): void;
  gruNormsStateForward(
    ...args: [train: number, norms: number, step: number, input: number, candidateRecurrent: number, gates: number, resetTerm: number, h: number, hNext: number, out: number, hMaskedNext: number]
  ): void;
  gruNormsStateBackward(
    ...args: [train: number, norms: number, step: number, gates: number, resetTerm: number, h: number, outputGradient: number, recurrent: number, resetAfter: number, dh: number, dInput: number, dRecurrent: number, dCandidate: number]
  ): void;
  gruNormsResetBackward(train: number, norms: number, step: number, gates: number, h: number, dResetProduct: number, dh: number, dInput: number, dRecurrent: number): void;
  gruNormsGatesSum(train: number, norms: number, step: number, input: number, recurrent: number, resetAfter: number): void;
  gruNormsGatesActivate(train: number, norms: number, step: number, recurrent: number, resetAfter: number, hMasked: number, gates: number, resetTerm: number): void;
  gruNormsCandidateSum(train: number, norms: number, step: number, input: number, candidateRecurrent: number, gates: number, resetTerm: number): void;
  gruNormsCandidateState(train: number, norms: number, step: number, gates: number, h: number): void;
  gruNormsStateEnd(train: number, norms: number, step: number, h: number, hNext: number, out: number, hMaskedNext: number): void;
  gruNormsStateEndBackward(train: number, norms: number, step: number, outputGradient: number, recurrent: number, dh: number): void;
  gruNormsCandidateBackward(train: number, norms: number, step: number, gates: number, h: number, dh: number, dInput: number): void;
  gruNormsCandidateProductBackward(train: number, norms: number, step: number, dInput: number, dCandidate: number): void;
  gruNormsResetAfterBackward(train: number, gates: number, resetTerm: number, dInput: number, dRecurrent: number): void;
  gruNormsResetFirstBackward(train: number, gates: number, h: number, dResetProduct: number, dh: number, dInput: number): void;
  gruNormsGatesBackward(train: number, norms: number, step: number, dInput: number): void;
  gruNormsRecurrentBackward(train: number, norms: number, step: number, dInput: number, dRecurrent: number, recurrentWidth: number): void;
  rnnNormsForward(train: number, norms: number, step: number, input: number, recurrent: number, h: number, hNext: number, activated: number, out: number, hMaskedNext: number): void;
  rnnNormsBackward(train: number, norms: number, step: number, activated: number, outputGradient: number, recurrent: number, dh: number, dInput: number, dRecurrent: number): void;
  rnnNormsSum(train: number, norms: number, step: number, input: number, recurrent: number): void;
  rnnNormsActivate(train: number, norms: number, step: number, recurrent: number, activated: number): void;
  rnnNormsStateEnd(train: number, norms: number, step: number, h: number, hNext: number, out: number, hMaskedNext: number): void;
  rnnNormsStateEndBackward(train: number, norms: number, step: number, outputGradient: number, recurrent: number, dh: number): void;
  rnnNormsActivateBackward(train: number, norms: number, step: number, activated: number, dInput: number): void;
  rnnNormsSumBackward(train: number, norms: number, step: number, dInput: number, dRecurrent: number): void;
}

const EXPORTS = [
  'lstmStep',
  'gruGates',
  'gruCandidate',
  'rnnStep',
  'normalizeRows',
  'transposeRows',
  'maskState',
  'addRecurrentGradient',
  'lstmForward',
  'lstmBackward',
  'rnnForward',
  'rnnBackward',
  'gruGatesForward',
  'gruStateForward',
  'gruStateBackward',
  'gruResetBackward',
  'lstmNormsForward',
  'lstmNormsBackward',
  'lstmNormsSum',
  'lstmNormsActivate',
  'lstmNormsCell',
  'lstmNormsState',
  'lstmNormsStateBackward',
  'lstmNormsCellBackward',
  'lstmNormsActivateBackward',
  'lstmNormsSumBackward',
  'batchNormSums',
  'batchNormDeviations',
  'batchNormApply',
  'batchNormGradientSums',
  'batchNormGradient',
  'gruNormsGatesForward',
  'gruNormsStateForward',
  'gruNormsStateBackward',
  'gruNormsResetBackward',
  'gruNormsGatesSum',
  'gruNormsGatesActivate',
  'gruNormsCandidateSum',
  'gruNormsCandidateState',
  'gruNormsStateEnd',
  'gruNormsStateEndBackward',
  'gruNormsCandidateBackward',
  'gruNormsCandidateProductBackward',
  'gruNormsResetAfterBackward',
  'gruNormsResetFirstBackward',
  'gruNormsGatesBackward',
  'gruNormsRecurrentBackward',
  'rnnNormsForward',
  'rnnNormsBackward',
  'rnnNormsSum',
  'rnnNormsActivate',
  'rnnNormsStateEnd',
  'rnnNormsStateEndBackward',
  'rnnNormsActivateBackward',
  'rnnNormsSumBackward',
] as const;

function kernelBytes(): Uint8Array {
  return Uint8Array.from(atob(COMPILED_KERNELS_BASE64), (character) => character.charCodeAt(0));
}

/**
 * The compiled module, made on first use: synchronously where the host allows it (Node); where it does not
 * (a browser's main thread refuses to compile more than 4 KB synchronously), in the background, while the
 * layers run their ordinary loop. A host that cannot compile it at all (no wasm SIMD) never gets it.
 */
export class KernelModule {
  private state: { status: 'new' | 'compiling' | 'failed' } | { status: 'ready'; module: object } = { status: 'new' };

  constructor(
    private readonly api: WebAssemblyApi | null,
    private readonly bytes: () => Uint8Array,
  ) {}

  /** The module, or null while it is compiling or when it cannot be compiled. */
  get(): object | null {
    if (this.state.status === 'new') this.start();
    return this.state.status === 'ready' ? this.state.module : null;
  }

  private start(): void {
    const api = this.api;
    if (api === null) {
      this.state = { status: 'failed' };
      return;
    }
    try {
      this.state = { status: 'ready', module: new api.Module(this.bytes()) };
    } catch {
      this.state = { status: 'compiling' };
      api.compile(this.bytes()).then(
        (module) => (this.state = { status: 'ready', module }),
        () => (this.state = { status: 'failed' }),
      );
    }
  }
}

const kernelModule = new KernelModule(webAssembly, kernelBytes);

/** The kernels working in `memory` (a `WebAssembly.Memory`), or null while they are not available. */
export function instantiateCellKernels(memory: unknown): CellKernels | null {
  const module = kernelModule.get();
  if (module === null || webAssembly === null) return null;
  const { exports } = new webAssembly.Instance(module, { env: { memory } });
  if (!EXPORTS.every((name) => typeof exports[name] === 'function')) return null;
  return exports as unknown as CellKernels;
}
