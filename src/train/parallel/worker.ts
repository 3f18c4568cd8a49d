/**
 * A data-parallel training worker (node:worker_threads): its own tfjs backend and a replica of the model,
 * built from the IR. Each step it takes the broadcast weights, trains its shard of the batch with tfjs's own
 * `trainOnBatch` (so loss, metrics and regularization are computed exactly as on one thread) through an
 * optimizer that keeps the gradients instead of applying them, and writes them into its gradient slot.
 *
 * The gradients are of the shard's loss scaled by `size / total`: summed over shards that is the gradient of
 * the whole batch's mean loss, and the backward batch sums that `reduceBatchSums` adds across shards are
 * then those of the whole batch too.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../backend/index.js';
import { compileModel } from '../../compile/model.js';
import { getRandomState, setRandomState } from '../../runtime/random.js';
import { setShard } from '../../runtime/shards.js';
import { sharedSumReducer } from './all-reduce.js';
import { REDUCTION_CONTROL_LENGTH, type ModelRequest, type StepRequest, type WorkerReply, type WorkerRequest, type WorkerSetup } from './protocol.js';
import { readWeights, weightLayout, type WeightLayout } from './weights.js';

/** An optimizer for `model.compile`'s slot whose `minimize` computes and keeps the gradients, and applies none. */
class GradientCapture extends tf.Optimizer {
  static readonly className = 'SeqnetGradientCapture';
  /** The shard's share of the batch, which scales the loss the gradients are taken of. */
  fraction = 1;
  gradients: tf.NamedTensorMap = {};

  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    let cost: tf.Scalar | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const loss = f();
      cost = tf.keep(loss);
      return tf.mul(loss, this.fraction) as tf.Scalar;
    }, varList);
    value.dispose();
    this.gradients = grads;
    if (!returnCost && cost !== null) (cost as tf.Scalar).dispose();
    return returnCost ? cost : null;
  }

  override applyGradients(): void {
    throw new Error('a training worker applies no gradients; the training thread does');
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

/** The replica of the model being trained, and its views of the shared buffers. */
interface Replica {
  model: tf.LayersModel;
  capture: GradientCapture;
  layout: WeightLayout;
  gradientOffsets: number[];
  weightView: Float32Array;
  gradientView: Float32Array;
  control: Int32Array;
  reductionData: Float32Array;
  slotLength: number;
}

function buildReplica(request: ModelRequest, index: number, previous: Replica | null): Replica {
  previous?.model.dispose();
  const model = compileModel(request.ir, { seed: request.seed });
  const capture = new GradientCapture();
  model.optimizer = capture;
  const gradientLayout = weightLayout(model.trainableWeights);
  return {
    model,
    capture,
    layout: weightLayout(model.weights),
    gradientOffsets: gradientLayout.offsets,
    weightView: new Float32Array(request.weights),
    gradientView: new Float32Array(request.gradients, index * gradientLayout.length * 4, gradientLayout.length),
    control: new Int32Array(request.reductionControl, 0, REDUCTION_CONTROL_LENGTH),
    reductionData: new Float32Array(request.reductionData),
    slotLength: request.reductionSlotLength,
  };
}

/** Trains the worker's shard of one batch and writes its gradients into the worker's slot. */
async function trainShard(replica: Replica, request: StepRequest, index: number): Promise<WorkerReply> {
  const { model, capture } = replica;
  const weights = model.weights;
  readWeights(weights, replica.layout, replica.weightView);
  setRandomState(request.randomState);
  const reduce = sharedSumReducer(replica.control, replica.reductionData, replica.slotLength, index, request.participants);
  setShard({ offset: request.offset, size: request.size, total: request.total }, reduce);
  capture.fraction = request.size / request.total;
  const x = tf.tensor(request.x, request.xShape);
  const y = tf.tensor(request.y, request.yShape);
  try {
    const result = await model.trainOnBatch(x, y);
    const hasGradient = model.trainableWeights.map((weight, i) => {
      const gradient = capture.gradients[(weight.read() as tf.Variable).name];
      if (gradient === undefined) return false;
      replica.gradientView.set(gradient.dataSync() as Float32Array, replica.gradientOffsets[i]);
      return true;
    });
    const nonTrainable = index === 0 ? weights.filter((weight) => !weight.trainable).map((weight) => weight.read().dataSync() as Float32Array) : null;
    return { type: 'done', values: Array.isArray(result) ? result : [result], hasGradient, randomState: getRandomState(), nonTrainable };
  } finally {
    tf.dispose([x, y, ...Object.values(capture.gradients)]);
    capture.gradients = {};
    setShard(null);
  }
}

function failure(error: unknown): WorkerReply {
  return { type: 'error', message: error instanceof Error ? error.message : String(error) };
}

async function startWorker(setup: WorkerSetup): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('worker.ts runs as a worker thread');
  await selectBackend(setup.backend);
  let replica: Replica | null = null;
  const handle = async (request: WorkerRequest): Promise<WorkerReply> => {
    if (request.type === 'model') {
      replica = buildReplica(request, setup.index, replica);
      return { type: 'ready' };
    }
    if (replica === null) throw new Error('a training worker was sent a step before its model');
    return trainShard(replica, request, setup.index);
  };
  port.on('message', (request: WorkerRequest) => {
    handle(request).then(
      (reply) => port.postMessage(reply),
      (error: unknown) => port.postMessage(failure(error)),
    );
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}

startWorker(workerData as WorkerSetup).catch((error: unknown) => parentPort?.postMessage(failure(error)));
