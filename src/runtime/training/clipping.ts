/**
 * An optimizer wrapper that clips gradients before delegating to adam / sgd / rmsprop.
 *
 * tfjs's `model.compile` accepts any `tf.Optimizer`, and its training loop calls `minimize`, which ends in
 * `applyGradients`; clipping there covers `fit`, `fitDataset` and `trainOnBatch` alike.
 */
import * as tf from '@tensorflow/tfjs';

export interface GradientClipping {
  /** Scale all gradients together so their global L2 norm is at most this; null for none. */
  norm: number | null;
  /** Clip each gradient element to [−value, value]; null for none. */
  value: number | null;
}

interface NamedGradient {
  name: string;
  tensor: tf.Tensor;
}

type Gradients = tf.NamedTensorMap | NamedGradient[];

export class ClippedOptimizer extends tf.Optimizer {
  static readonly className = 'ClippedOptimizer';

  constructor(
    readonly inner: tf.Optimizer,
    readonly clipping: GradientClipping,
  ) {
    super();
  }

  override applyGradients(variableGradients: Gradients): void {
    const named = namedGradients(variableGradients);
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
 * Clips element-wise first, then rescales by the global norm (so the result satisfies both bounds):
 * `g ← g · norm / max(‖g‖, norm)` with `‖g‖` the L2 norm over every gradient together.
 */
export function clipGradients(gradients: tf.Tensor[], clipping: GradientClipping): tf.Tensor[] {
  const { value, norm } = clipping;
  let clipped = value === null ? gradients : gradients.map((tensor) => tf.clipByValue(tensor, -value, value));
  if (norm !== null) {
    const globalNorm = tf.sqrt(tf.addN(clipped.map((tensor) => tf.sum(tf.square(tensor)))));
    const scale = tf.div(norm, tf.maximum(globalNorm, norm));
    clipped = clipped.map((tensor) => tf.mul(tensor, scale));
  }
  return clipped;
}
