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

  /**
   * The inner optimizer's slots (iteration count, Adam's moments, momentum and RMSprop accumulators) and,
   * for Adam, its running products β₁ᵗ and β₂ᵗ, so that `setWeights` restores the exact state.
   */
  override async getWeights(): Promise<NamedGradient[]> {
    return [...(await this.inner.getWeights()), ...adamProducts(this.inner)];
  }

  /**
   * Restores what `getWeights` returned. tfjs's Adam `setWeights` recomputes β₁ᵗ and β₂ᵗ as `pow(β, t + 1)`,
   * while its updates keep a float32 running product (`accBeta1 · β₁` per step), which differs in the last
   * bits; the saved products are assigned back instead, so that a resumed run updates its weights with the
   * very same numbers. (Lists saved without them, by older checkpoints, keep tfjs's recomputation.)
   */
  override async setWeights(weightValues: NamedGradient[]): Promise<void> {
    const products = weightValues.filter((entry) => ADAM_PRODUCT_NAMES.includes(entry.name));
    await this.inner.setWeights(weightValues.filter((entry) => !ADAM_PRODUCT_NAMES.includes(entry.name)));
    const variables = adamProductVariables(this.inner);
    if (variables === null) return;
    for (const { name, tensor } of products) variables[name === ADAM_PRODUCT_NAMES[0] ? 0 : 1].assign(tensor);
  }

  override dispose(): void {
    this.inner.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { inner: this.inner.getClassName(), clipNorm: this.clipping.norm, clipValue: this.clipping.value };
  }
}

/** Names under which Adam's β products are stored with the optimizer's weights. */
const ADAM_PRODUCT_NAMES: readonly string[] = ['seqnet/adam/accBeta1', 'seqnet/adam/accBeta2'];

/** tfjs's Adam keeps β₁ᵗ and β₂ᵗ in the private variables `accBeta1` and `accBeta2`; null for another optimizer. */
function adamProductVariables(optimizer: tf.Optimizer): [tf.Variable, tf.Variable] | null {
  if (optimizer.getClassName() !== 'Adam') return null;
  const { accBeta1, accBeta2 } = optimizer as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable };
  return accBeta1 instanceof tf.Variable && accBeta2 instanceof tf.Variable ? [accBeta1, accBeta2] : null;
}

function adamProducts(optimizer: tf.Optimizer): NamedGradient[] {
  const variables = adamProductVariables(optimizer);
  return variables === null ? [] : variables.map((variable, index) => ({ name: ADAM_PRODUCT_NAMES[index], tensor: variable }));
}

function namedGradients(gradients: Gradients): NamedGradient[] {
  if (Array.isArray(gradients)) return gradients;
  return Object.keys(gradients).map((name) => ({ name, tensor: gradients[name] }));
}

/**
 * Whether every element of every tensor is finite, with one scalar read back: `g · 0` is 0 for a finite
 * element and NaN for ±Inf or NaN, so the sum over all of them is 0 exactly when all are finite. (Summing the
 * gradients themselves could overflow to Inf from large but finite values and skip a sound update.) The
 * tensors are flattened into one first, so that this is one product and one sum however many variables the
 * model has, rather than two kernels per variable and an `addN`: 2 to 7 times faster on the examples
 * (docs/training.md, "Where the training loop's time goes").
 */
export function allFinite(tensors: readonly tf.Tensor[]): boolean {
  if (tensors.length === 0) return true;
  const total = tf.tidy(() => tf.sum(tf.mul(tf.concat(tensors.map((tensor) => tf.reshape(tensor, [-1]))), 0)));
  try {
    return total.dataSync()[0] === 0;
  } finally {
    total.dispose();
  }
}
