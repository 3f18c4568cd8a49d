/** RMS normalization over the feature axis (Zhang & Sennrich 2019), which tfjs lacks: `γ ⊙ x / √(mean(x²) + ε) (+ β)`. */
import * as tf from '@tensorflow/tfjs';
import { singleShape, singleTensor } from './masks.js';

export interface RmsNormalizationConfig {
  epsilon: number;
  /** Whether a trainable shift β is added (RMSNorm has none by default). */
  center: boolean;
  gammaInit: number;
  betaInit: number;
  name?: string;
  trainable?: boolean;
}

export class RmsNormalization extends tf.layers.Layer {
  static readonly className = 'RmsNormalization';
  readonly epsilon: number;
  readonly center: boolean;
  readonly gammaInit: number;
  readonly betaInit: number;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;

  constructor(config: RmsNormalizationConfig) {
    super(config);
    this.epsilon = config.epsilon;
    this.center = config.center;
    this.gammaInit = config.gammaInit;
    this.betaInit = config.betaInit;
    // Each step is normalized on its own, so the input mask passes through unchanged.
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const features = singleShape(inputShape).at(-1) as number;
    const constant = (value: number) => tf.initializers.constant({ value });
    this.gamma = this.addWeight('gamma', [features], 'float32', constant(this.gammaInit));
    if (this.center) this.beta = this.addWeight('beta', [features], 'float32', constant(this.betaInit));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs);
      const meanSquare = tf.mean(tf.square(x), -1, true);
      const scaled = tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, this.epsilon))), (this.gamma as tf.LayerVariable).read());
      return this.beta === null ? scaled : tf.add(scaled, this.beta.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { epsilon, center, gammaInit, betaInit } = this;
    return { ...super.getConfig(), epsilon, center, gammaInit, betaInit };
  }
}

tf.serialization.registerClass(RmsNormalization, 'seqnet');
