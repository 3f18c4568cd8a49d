/**
 * The optimizer wrapper every compiled seqnet model trains with: it skips an update whose gradients are not
 * all finite, and clips the gradients of the others when the train block asks, before delegating to
 * adam / sgd / rmsprop.
 *
 * tfjs's `model.compile` accepts any `tf.Optimizer`, and its training loop calls `minimize`, which ends in
 * `applyGradients`; guarding there covers `fit`, `fitDataset` and `trainOnBatch` alike.
 */
import * as tf from '@tensorflow/tfjs';
import { clipGradients, clips, NO_CLIPPING, type GradientClipping } from './clipping.js';

interface NamedGradient {
  name: string;
  tensor: tf.Tensor;
}

type Gradients = tf.NamedTensorMap | NamedGradient[];

/**
 * Skipping follows mixed-precision loss scalers (Keras `LossScaleOptimizer`, PyTorch `GradScaler`): one
 * Inf or NaN anywhere would, through adam's moments or a global-norm clip, turn every weight into NaN, so
 * such a step leaves the weights, the optimizer's slots and its iteration count as they were, and is counted.
 */
export class GuardedOptimizer extends tf.Optimizer {
  static readonly className = 'GuardedOptimizer';

  private skippedTotal = 0;
  private skippedInARow = 0;

  constructor(
    readonly inner: tf.Optimizer,
    readonly clipping: GradientClipping = NO_CLIPPING,
  ) {
    super();
  }

  /**
   * tf.Optimizer answers `instanceof` by duck typing (any optimizer would pass as a GuardedOptimizer);
   * this class is told apart by its prototype instead.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && Object.prototype.isPrototypeOf.call(GuardedOptimizer.prototype, value);
  }

  /** Updates skipped since this optimizer was built because a gradient held Inf or NaN. */
  get skippedUpdates(): number {
    return this.skippedTotal;
  }

  /** Updates skipped since the last applied one (0 right after an applied update). */
  get consecutiveSkippedUpdates(): number {
    return this.skippedInARow;
  }

  override applyGradients(variableGradients: Gradients): void {
    const named = namedGradients(variableGradients);
    if (!allFinite(named.map((gradient) => gradient.tensor))) {
      this.skippedTotal += 1;
      this.skippedInARow += 1;
      return;
    }
    this.skippedInARow = 0;
    if (!clips(this.clipping)) {
      this.inner.applyGradients(named);
      return;
    }
    const tensors = tf.tidy(() => clipGradients(named.map((gradient) => gradient.tensor), this.clipping));
    this.inner.applyGradients(named.map((gradient, index) => ({ name: gradient.name, tensor: tensors[index] })));
    tf.dispose(tensors);
  }

  override get iterations(): number {
    return this.inner.iterations;
  }

  override getWeights(): Promise<NamedGradient[]> {
    return this.inner.getWeights();
  }

  override setWeights(weightValues: NamedGradient[]): Promise<void> {
    return this.inner.setWeights(weightValues);
  }

  override dispose(): void {
    this.inner.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { inner: this.inner.getClassName(), clipNorm: this.clipping.norm, clipValue: this.clipping.value };
  }
}

function namedGradients(gradients: Gradients): NamedGradient[] {
  if (Array.isArray(gradients)) return gradients;
  return Object.keys(gradients).map((name) => ({ name, tensor: gradients[name] }));
}

/**
 * Whether every element of every tensor is finite, with one scalar read back: `g · 0` is 0 for a finite
 * element and NaN for ±Inf or NaN, so the sum over all of them is 0 exactly when all are finite. (Summing the
 * gradients themselves could overflow to Inf from large but finite values and skip a sound update.)
 */
export function allFinite(tensors: readonly tf.Tensor[]): boolean {
  if (tensors.length === 0) return true;
  const total = tf.tidy(() => tf.addN(tensors.map((tensor) => tf.sum(tf.mul(tensor, 0)))));
  try {
    return total.dataSync()[0] === 0;
  } finally {
    total.dispose();
  }
}
