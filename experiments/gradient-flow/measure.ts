/**
 * Gradient flow through a batch-normalized tanh RNN (Cooijmans et al. 2016, Figure 1a): the norm of the
 * gradient of the loss with respect to each hidden state, at initialization, as a function of the BN gain γ.
 *
 * The model is a seqnet spec (experiments/gradient-flow/bn_rnn.seqnet) compiled by seqnet and run by tfjs in
 * training mode, so the per-step batch statistics and their gradients are seqnet's own. The loss is the mean
 * cross-entropy of a softmax over the last step's output, as in the authors' code; the norm at step t is
 * ||∂loss/∂h_t||₂ per example, averaged over the batch (their plotting script's statistic).
 */
import * as tf from '@tensorflow/tfjs';
import { compileModel } from '../../src/compile/index.js';
import { loadData } from '../../src/data/index.js';
import type { ModelIR, RecurrentLayerIR } from '../../src/ir/types.js';

export interface GradientFlowInput {
  /** `[batch, steps, 1]` pixel sequences (the MNIST source's layout). */
  pixels: tf.Tensor3D;
  /** `[batch, 10]` one-hot labels. */
  labels: tf.Tensor2D;
  /** The input projection row W, `[units]` (a random unit vector, as the authors' orthogonal 1×units W). */
  inputRow: tf.Tensor1D;
}

export interface GradientFlowCurve {
  gamma: number;
  /** ||∂loss/∂h_t|| for t = 0 … T−2 (h_{T−1} is read by the head directly and has no recurrent path). */
  norms: number[];
}

/**
 * The first `batch` digits of permuted MNIST (`size`×`size`, one pixel per step; the permutation and the split use
 * seed 1) and a random unit input row W of `units` values (seed 6): the experiment's input and its test's.
 */
export async function gradientFlowInput(size: 14 | 28, units: number, batch: number): Promise<GradientFlowInput> {
  const steps = size * size;
  const data = await loadData(
    { source: { type: 'mnist', size, order: 'pixels', permute: 1, samples: batch, seed: 1 }, split: { train: 1, validation: 0, test: 0 } },
    { baseDir: '.', validationSplit: 0, shape: { steps, features: 1, padding: null, targetUnits: 10, perStep: false }, saved: null },
  );
  const inputRow = tf.tidy(() => {
    const normal = tf.randomNormal([units], 0, 1, 'float32', 6);
    return tf.div(normal, tf.norm(normal)) as tf.Tensor1D;
  });
  return { pixels: tf.tensor3d(data.train.x, [batch, steps, 1]), labels: tf.tensor2d(data.train.y, [batch, 10]), inputRow };
}

function recurrentLayer(ir: ModelIR): RecurrentLayerIR {
  const layer = ir.layers.find((candidate): candidate is RecurrentLayerIR => candidate.type === 'recurrent');
  if (layer === undefined || layer.norms.length !== 1 || layer.norms[0].site !== 'gates' || layer.norms[0].kind !== 'batch') {
    throw new Error('the gradient-flow model needs one recurrent layer with a batch norm at its gates site');
  }
  return layer;
}

/** The IR with the gates norm's initial γ set. */
export function withGamma(ir: ModelIR, gamma: number): ModelIR {
  const copy = structuredClone(ir);
  recurrentLayer(copy).norms[0].gammaInit = gamma;
  return copy;
}

/** ||∂loss/∂h_t|| over t for one γ, at initialization (weights from the IR's seed). */
export function gradientNorms(ir: ModelIR, input: GradientFlowInput): number[] {
  const layer = recurrentLayer(ir);
  const [batch, steps] = input.pixels.shape;
  const model = compileModel(ir, { compile: false });
  const recurrent = model.getLayer(layer.name);
  const weights = recurrent.getWeights();
  // The layer reads the input projection u_t directly: its own input kernel W' = I (see the spec's comment).
  weights[0] = tf.eye(layer.units);
  recurrent.setWeights(weights);
  return tf.tidy(() => {
    const projected = tf.mul(input.pixels, tf.reshape(input.inputRow, [1, 1, layer.units]));
    const loss = (u: tf.Tensor): tf.Scalar => {
      const outputs = model.apply(u, { training: true }) as tf.Tensor3D;
      const last = tf.squeeze(tf.slice(outputs, [0, steps - 1, 0], [batch, 1, -1]), [1]);
      return tf.losses.softmaxCrossEntropy(input.labels, last);
    };
    // ∂loss/∂u_t = ∂loss/∂h_{t−1}: step t ≥ 1 carries the gradient of the state before it.
    const gradient = tf.grad(loss)(projected);
    const perExample = tf.norm(tf.slice(gradient, [0, 1, 0], [batch, steps - 1, layer.units]), 'euclidean', 2);
    return Array.from(tf.mean(perExample, 0).dataSync());
  });
}

export function gradientFlow(ir: ModelIR, input: GradientFlowInput, gammas: readonly number[]): GradientFlowCurve[] {
  return gammas.map((gamma) => ({ gamma, norms: gradientNorms(withGamma(ir, gamma), input) }));
}
