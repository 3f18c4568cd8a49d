/**
 * tfjs's Adam with its constants made into tensors once per update instead of once per variable.
 *
 * tfjs's `AdamOptimizer.applyGradients` passes β₁, 1 − β₁, β₂, 1 − β₂, ε and −lr to its ops as JavaScript
 * numbers, so every op turns its number into a new scalar tensor (an allocation and a copy into the backend) for
 * every variable at every step. This class computes the very same ops in the same order on the same float32
 * values, and keeps the state in the same fields, so its updates, `getWeights`, `setWeights` and checkpoints are
 * those of tfjs's Adam bit for bit (test/runtime/training-adam.test.ts); only the scalars are shared. Measured
 * at 0.40 and 0.55 of tfjs's time per update for the sine and copy_classifier examples, with no clear change for
 * char_lm, whose larger weights make the update arithmetic-bound (docs/training.md, "Where the training loop's
 * time goes").
 */
import * as tf from '@tensorflow/tfjs';

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/** The fields tfjs's AdamOptimizer keeps private, which its subclass reads and updates as tfjs does. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
}

type Gradients = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];

export class SeqnetAdam extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Gradients): void {
    const state = this as unknown as AdamState;
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map(({ name, tensor }) => ({ name, gradient: tensor as tf.Tensor | undefined }))
      : Object.keys(variableGradients).map((name) => ({ name, gradient: variableGradients[name] as tf.Tensor | undefined }));
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, state.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, state.accBeta2);
      // The numbers tfjs's ops would each convert, converted once (the same float32 values).
      const beta1 = tf.scalar(this.beta1);
      const oneMinusBeta1 = tf.scalar(1 - this.beta1);
      const beta2 = tf.scalar(this.beta2);
      const oneMinusBeta2 = tf.scalar(1 - this.beta2);
      const epsilon = tf.scalar(this.epsilon);
      const negativeRate = tf.scalar(-this.learningRate);
      entries.forEach(({ name, gradient }, i) => {
        const value = tf.engine().registeredVariables[name];
        state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        if (gradient == null) return;
        const firstMoment = state.accumulatedFirstMoment[i].variable;
        const secondMoment = state.accumulatedSecondMoment[i].variable;
        const newFirstMoment = tf.add(tf.mul(firstMoment, beta1), tf.mul(gradient, oneMinusBeta1));
        const newSecondMoment = tf.add(tf.mul(secondMoment, beta2), tf.mul(tf.square(gradient), oneMinusBeta2));
        const correctedFirstMoment = tf.div(newFirstMoment, oneMinusAccBeta1);
        const correctedSecondMoment = tf.div(newSecondMoment, oneMinusAccBeta2);
        firstMoment.assign(newFirstMoment);
        secondMoment.assign(newSecondMoment);
        value.assign(tf.add(tf.mul(tf.div(correctedFirstMoment, tf.add(tf.sqrt(correctedSecondMoment), epsilon)), negativeRate), value));
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, beta2));
    });
    this.incrementIterations();
  }
}
