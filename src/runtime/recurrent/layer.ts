/** `SeqnetRecurrent`: the tfjs layer every compiled seqnet model's recurrent layers are made of. */
import * as tf from '@tensorflow/tfjs';
import type { SeqnetRecurrentConfig } from './config.js';
import { checkConfig } from './config.js';
import { CELL_FACTS } from '../../variants/index.js';
import { PopulationRecorder } from './norms/population.js';
import type { WeightFactory } from './norms/types.js';
import { runDirection } from './sequence.js';
import type { DirectionResult, DirectionWeights } from './sequence.js';
import { configFromJson, configToJson } from './serialization.js';
import { counter, createDirectionWeights } from './weights.js';

export interface SeqnetRecurrentCallArgs {
  training?: boolean;
  /** `[batch, time]` validity (true/1 valid), as produced by `tf.layers.masking`. */
  mask?: tf.Tensor | tf.Tensor[] | null;
  /** `[h]` or `[h, c]` (bidirectional: the forward states, then the backward ones), each `[batch, units]`. */
  initialState?: tf.Tensor | tf.Tensor[];
}

function firstTensor(value: tf.Tensor | (tf.Tensor | null)[] | null | undefined): tf.Tensor | null {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return first instanceof tf.Tensor ? first : null;
}

function firstShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  return Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[])[0] : (inputShape as tf.Shape);
}

export class SeqnetRecurrent extends tf.layers.Layer {
  static readonly className = 'SeqnetRecurrent';
  readonly config: SeqnetRecurrentConfig;
  private directions: DirectionWeights[] = [];

  constructor(config: SeqnetRecurrentConfig) {
    super(config);
    checkConfig(config);
    // Only this layer's own fields (no name, shapes or trainable: tfjs's base Layer keeps those), defaults filled.
    this.config = configFromJson(configToJson(config));
    this.supportsMasking = true;
  }

  /** States per direction: `[h, c]` for an LSTM, `[h]` otherwise (the cell's facts). */
  get stateCount(): number {
    return CELL_FACTS[this.config.cell].states.length;
  }

  private get directionCount(): number {
    return this.config.bidirectional === null ? 1 : 2;
  }

  /** Width of the output: units, or 2·units for a concatenating bidirectional layer. */
  get outputSize(): number {
    return this.config.bidirectional?.merge === 'concat' ? 2 * this.config.units : this.config.units;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const features = firstShape(inputShape).at(-1);
    if (typeof features !== 'number') throw new Error(`SeqnetRecurrent '${this.name}': the feature dimension of the input must be known`);
    const addWeight: WeightFactory = (name, shape, init, trainable) => this.addWeight(name, shape, 'float32', init, undefined, trainable);
    const nextIndex = counter();
    const prefixes = this.config.bidirectional === null ? [''] : ['forward/', 'backward/'];
    this.directions = prefixes.map((prefix) => createDirectionWeights(addWeight, this.config, features, prefix, nextIndex));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const [batch, steps] = firstShape(inputShape);
    const output = this.config.returnSequences ? [batch, steps, this.outputSize] : [batch, this.outputSize];
    if (!this.config.returnState) return output;
    const states = Array.from({ length: this.directionCount * this.stateCount }, () => [batch, this.config.units]);
    return [output, ...states];
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    // tfjs's typing says Tensor, but null is what its executor expects for "no mask".
    const outputMask = (this.config.returnSequences ? firstTensor(mask) : null) as tf.Tensor;
    if (!this.config.returnState) return outputMask;
    return [outputMask, ...Array.from({ length: this.directionCount * this.stateCount }, () => null as unknown as tf.Tensor)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: SeqnetRecurrentCallArgs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const x = firstTensor(inputs) as tf.Tensor;
      // As float 0/1 before anything else: the wasm backend's reverse mishandles bool tensors.
      const givenMask = firstTensor(kwargs.mask);
      const mask = givenMask === null ? null : tf.cast(givenMask, 'float32');
      const training = kwargs.training === true;
      const initial = kwargs.initialState === undefined ? null : [kwargs.initialState].flat();
      const expectedStates = this.directionCount * this.stateCount;
      if (initial !== null && initial.length !== expectedStates) {
        throw new Error(`SeqnetRecurrent '${this.name}': initialState needs ${expectedStates} tensor(s) ([${CELL_FACTS[this.config.cell].states.join(', ')}] per direction), got ${initial.length}`);
      }
      const results = this.directions.map((weights, index) => {
        // The backward direction of a bidirectional layer reads the sequence the other way round.
        const reversed = (this.config.goBackwards as boolean) !== (index === 1);
        const population = new PopulationRecorder();
        const result = runDirection(
          this.config,
          weights,
          {
            x: reversed ? tf.reverse(x, 1) : x,
            mask: mask === null ? null : reversed ? tf.reverse(mask, 1) : mask,
            initialState: initial === null ? null : initial.slice(index * this.stateCount, (index + 1) * this.stateCount),
            training,
            keepOutputs: this.config.returnSequences,
          },
          population,
        );
        if (training) population.update(weights.norms);
        // A bidirectional layer aligns both directions with the input's order; a lone goBackwards layer
        // returns its outputs in processing order, as tfjs does.
        const outputs = this.directionCount === 2 && reversed && result.outputs !== null ? tf.reverse(result.outputs, 1) : result.outputs;
        return { ...result, outputs };
      });
      const output = this.merge(results.map((result) => this.directionOutput(result)));
      return this.config.returnState ? [output, ...results.flatMap((result) => result.states)] : output;
    });
  }

  private directionOutput(result: DirectionResult): tf.Tensor {
    return result.outputs ?? result.states[0];
  }

  private merge(outputs: tf.Tensor[]): tf.Tensor {
    if (outputs.length === 1) return outputs[0];
    const [forward, backward] = outputs;
    switch (this.config.bidirectional?.merge) {
      case 'sum':
        return tf.add(forward, backward);
      case 'mul':
        return tf.mul(forward, backward);
      case 'ave':
        return tf.mul(tf.add(forward, backward), 0.5);
      default:
        return tf.concat([forward, backward], -1);
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...configToJson(this.config) };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(configFromJson(config));
  }
}

tf.serialization.registerClass(SeqnetRecurrent, 'seqnet');

