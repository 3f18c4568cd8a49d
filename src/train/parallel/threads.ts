/**
 * How many threads `seqnet train` trains on: `--threads N` when given, else two or more when the model can
 * be trained data-parallel, has batch norm inside a recurrent layer, and its steps are large enough for the
 * second core to pay (see docs/training.md, "Threads", for the rule and the measurements behind it).
 */
import { availableParallelism } from 'node:os';
import type { BackendName } from '../../backend/index.js';
import { planModel } from '../../compile/index.js';
import type { ModelIR } from '../../ir/types.js';
import { fusedPlanFor } from '../../runtime/recurrent/fused/registry.js';
import { CELL_FACTS } from '../../variants/index.js';
import { TrainError } from '../errors.js';
import { MAX_THREADS } from './limits.js';

export { MAX_THREADS };

/**
 * Below this much work per worker and step (examples × steps × units², summed over the recurrent layers and
 * their directions) the messages, the weight broadcast and the reductions cost more than the second core
 * saves. Measured on a 2-core machine, see docs/training.md.
 */
export const MIN_WORK_PER_THREAD = 2_000_000;

export interface ThreadChoice {
  threads: number;
  /** Why fewer threads than asked for (or than the cores) are used, for the console; null when nothing to say. */
  note: string | null;
}

export interface ThreadRequest {
  ir: ModelIR;
  backend: BackendName;
  /** `--threads`, or undefined to choose. */
  requested?: number;
  /** Whether the model comes from a builder other than `compileModel` (workers cannot rebuild it). */
  customBuilder: boolean;
  /** Whether the worker script exists (it does not when running from TypeScript sources). */
  workerAvailable: boolean;
  /** Cores to use at most when choosing (default: `os.availableParallelism()`). */
  cores?: number;
}

export function chooseThreads(request: ThreadRequest): ThreadChoice {
  const { requested } = request;
  if (requested !== undefined && !(Number.isInteger(requested) && requested >= 1 && requested <= MAX_THREADS)) {
    throw new TrainError(`--threads needs a whole number from 1 to ${MAX_THREADS} (got ${requested})`);
  }
  if (requested === 1) return { threads: 1, note: null };
  const declined = parallelDeclined(request);
  if (declined !== null) return { threads: 1, note: requested === undefined ? null : `--threads ${requested} not used, training on 1 thread: ${declined}` };
  if (requested !== undefined) return { threads: requested, note: null };
  if (request.backend !== 'wasm' && request.backend !== 'cpu') return { threads: 1, note: null };
  if (!hasBatchNormInLoop(request.ir)) return { threads: 1, note: null };
  const cores = request.cores ?? availableParallelism();
  const work = workPerStep(request.ir);
  const threads = Math.max(1, Math.min(cores, Math.floor(work / MIN_WORK_PER_THREAD)));
  return { threads, note: null };
}

/**
 * Whether a recurrent layer normalizes with batch statistics inside its loop: the models whose steps were
 * measured faster on two threads (the fused op's per-step batch-norm arithmetic is plain JavaScript, which
 * splits well); plain and layer-normalized LSTMs were not, on the loaded 2-core machine (docs/training.md).
 */
export function hasBatchNormInLoop(ir: ModelIR): boolean {
  return planModel(ir).nodes.some((node) => node.factory === 'recurrent' && node.config.norms.some((norm) => norm.kind === 'batch'));
}

/** Examples × steps × units² of one batch, over every recurrent layer and direction. */
export function workPerStep(ir: ModelIR): number {
  const steps = ir.input.steps ?? 1;
  let work = 0;
  for (const node of planModel(ir).nodes) {
    if (node.factory !== 'recurrent') continue;
    const directions = node.config.bidirectional === null ? 1 : 2;
    work += directions * node.config.units * node.config.units;
  }
  return ir.train.batchSize * steps * work;
}

/**
 * Multiply-adds of the largest per-step recurrent product `h·U` of a batch of `rows` examples (default: the
 * training batch; rows × units × G·units) over the recurrent layers with a matrix U: what decides whether the
 * matmul helper thread pays (`src/backend/matmul-helper.ts`). The layer's other heap products (input
 * projection, dU) are larger.
 */
export function largestRecurrentProduct(ir: ModelIR, rows = ir.train.batchSize): number {
  let largest = 0;
  for (const node of planModel(ir).nodes) {
    if (node.factory !== 'recurrent') continue;
    const facts = CELL_FACTS[node.config.cell];
    if (facts.recurrentWeight !== 'matrix') continue;
    largest = Math.max(largest, rows * node.config.units * facts.gates.length * node.config.units);
  }
  return largest;
}

/**
 * Why this model cannot train data-parallel, or null when it can. A sharded step equals the one-thread
 * step only where every statistic over the batch is reduced across shards: the fused op's per-step batch
 * norm is; batch statistics computed by tfjs ops (tfjs's between-layer batch normalization, batch norm over
 * batch and time, batch norm in a layer the fused op declines) are not.
 */
export function parallelDeclined(request: Pick<ThreadRequest, 'ir' | 'backend' | 'customBuilder' | 'workerAvailable'>): string | null {
  if (request.customBuilder) return 'the model comes from a custom builder, which the worker threads cannot rebuild';
  if (request.backend === 'tensorflow-gpu') return 'the GPU backend trains on one thread';
  if (!request.workerAvailable) return 'the worker script is not built (npm run build)';
  for (const node of planModel(request.ir).nodes) {
    if (node.factory === 'batchNormalization') return `between-layer batch normalization ('${node.config.name}') computes its statistics per thread`;
    if (node.factory !== 'recurrent') continue;
    const batchNorms = node.config.norms.filter((norm) => norm.kind === 'batch');
    if (batchNorms.some((norm) => norm.batch?.statistics === 'shared')) return `batch norm over batch and time ('${node.config.name}') computes its statistics per thread`;
    if (batchNorms.length > 0 && fusedPlanFor(node.config) === null) return `batch norm in '${node.config.name}' runs on the step loop, which computes its statistics per thread`;
  }
  return null;
}
