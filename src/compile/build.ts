/** Builds a tfjs LayersModel from a plan: one layer per node, applied in order, seeded from the model seed. */
import * as tf from '@tensorflow/tfjs';
import {
  LastStep,
  layerSeed,
  ResidualAdd,
  RmsNormalization,
  SeqnetRecurrent,
  SequenceDropout,
  SequencePooling,
} from '../runtime/index.js';
import type { InitializerRef, ModelPlan, PlanNode } from './plan-types.js';

export function buildFromPlan(plan: ModelPlan, seed: number): tf.LayersModel {
  const input = tf.input({ name: plan.input.name, shape: plan.input.shape });
  const tensors = new Map<string, tf.SymbolicTensor>([[plan.input.name, input]]);
  const lookup = (name: string): tf.SymbolicTensor => {
    const tensor = tensors.get(name);
    if (tensor === undefined) throw new Error(`plan refers to '${name}' before it is built`);
    return tensor;
  };
  for (const node of plan.nodes) {
    const layerSeedValue = node.seedIndex === null ? 0 : layerSeed(seed, node.seedIndex);
    const inputs = node.inputs.map(lookup);
    const output = createLayer(node, layerSeedValue).apply(inputs.length === 1 ? inputs[0] : inputs);
    tensors.set(node.name, output as tf.SymbolicTensor);
  }
  return tf.model({ name: plan.modelName, inputs: input, outputs: plan.outputs.map(lookup) });
}

/** The tfjs initializer an `InitializerRef` stands for; `seed` is the layer's derived seed. */
export function materializeInitializer(ref: InitializerRef, seed: number): ReturnType<typeof tf.initializers.constant> {
  return ref.initializer === 'constant'
    ? tf.initializers.constant({ value: ref.value })
    : tf.initializers.glorotUniform({ seed });
}

function createLayer(node: PlanNode, seed: number): tf.layers.Layer {
  switch (node.factory) {
    case 'masking':
      return tf.layers.masking(node.config);
    case 'recurrent':
      return new SeqnetRecurrent({ ...node.config, seed });
    case 'add':
      return new ResidualAdd(node.config);
    case 'batchNormalization':
    case 'layerNormalization': {
      const { gammaInitializer, betaInitializer, ...rest } = node.config;
      const config = {
        ...rest,
        gammaInitializer: materializeInitializer(gammaInitializer, seed),
        betaInitializer: materializeInitializer(betaInitializer, seed),
      };
      return node.factory === 'batchNormalization' ? tf.layers.batchNormalization(config) : tf.layers.layerNormalization(config);
    }
    case 'rmsNormalization':
      return new RmsNormalization(node.config);
    case 'dropout':
      return new SequenceDropout(node.config);
    case 'dense':
      return tf.layers.dense({ ...node.config, kernelInitializer: materializeInitializer(node.config.kernelInitializer, seed) });
    case 'lastStep':
      return new LastStep(node.config);
    case 'pooling':
      return new SequencePooling(node.config);
  }
}
