/** Plans the body: recurrent layers (with residual additions), and the norm / dropout / dense layers between them. */
import type { DenseLayerIR, DropoutLayerIR, LayerIR, NormalizationLayerIR, RecurrentLayerIR } from '../ir/types.js';
import { CompileError } from './errors.js';
import type { PlanNode, RecurrentConfig, TfjsActivation } from './plan-types.js';
import type { Activation } from '../ir/types.js';
import type { GeneratedNames } from './plan.js';

/** Where the plan stands after each layer: the node to read, its width, and whether it still has a time axis. */
export interface Cursor {
  node: string;
  width: number;
  sequence: boolean;
  /** Number of steps of the model's input (null if variable), for output shapes. */
  steps: number | null;
}

/** The output shape (without batch) of a layer that leaves `cursor` with this width. */
export function shapeAt(cursor: Cursor, width: number, sequence = cursor.sequence): (number | null)[] {
  return sequence ? [cursor.steps, width] : [width];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A spec-derived word for a generated comment: only identifiers, so no comment can be broken out of. */
export function commentWord(word: string): string {
  return IDENTIFIER.test(word) ? word : '(unnamed)';
}

export function tfjsActivation(activation: Activation): TfjsActivation {
  return activation === 'hard_sigmoid' ? 'hardSigmoid' : activation;
}

export function planLayer(layer: LayerIR, index: number, cursor: Cursor, names: GeneratedNames): { nodes: PlanNode[]; cursor: Cursor } {
  switch (layer.type) {
    case 'recurrent':
      return planRecurrent(layer, index, cursor, names);
    case 'normalization':
      return single(planNormalization(layer, cursor), cursor, layer.outputSize);
    case 'dropout':
      return single(planDropout(layer, cursor), cursor, layer.outputSize);
    case 'dense':
      return single(planDense(layer, index, cursor), cursor, layer.outputSize);
  }
}

function single(node: PlanNode, cursor: Cursor, width: number): { nodes: PlanNode[]; cursor: Cursor } {
  return { nodes: [node], cursor: { ...cursor, node: node.name, width } };
}

function describeRecurrent(layer: RecurrentLayerIR): string {
  const parts = [`${layer.cell.toUpperCase()}, ${layer.units} units`];
  if (layer.bidirectional) parts.push(`bidirectional (${layer.bidirectional.merge})`);
  if (layer.preset !== null) parts.push(`norm preset ${commentWord(layer.preset)}`);
  else if (layer.norms.length > 0) parts.push(`norm at ${layer.norms.map((norm) => norm.site).join(', ')}`);
  parts.push(layer.returnSequences ? 'returns every step' : 'returns the last step');
  return `${commentWord(layer.name)}: ${parts.join('; ')}`;
}

/** The SeqnetRecurrent config: the IR layer's cell settings and its name (shape and residual are the plan's). */
function recurrentConfig(layer: RecurrentLayerIR): RecurrentConfig {
  const { name, cell, units, activation, recurrentActivation, returnSequences, bidirectional } = layer;
  const { useBias, forgetBias, resetAfter, norms, dropout, initializers } = layer;
  return { name, cell, units, activation, recurrentActivation, returnSequences, bidirectional, useBias, forgetBias, resetAfter, norms, dropout, initializers };
}

function planRecurrent(layer: RecurrentLayerIR, index: number, cursor: Cursor, names: GeneratedNames): { nodes: PlanNode[]; cursor: Cursor } {
  const recurrent: PlanNode = {
    factory: 'recurrent',
    name: layer.name,
    inputs: [cursor.node],
    seedIndex: index,
    comment: describeRecurrent(layer),
    outputShape: shapeAt(cursor, layer.outputSize, layer.returnSequences),
    config: recurrentConfig(layer),
  };
  const after: Cursor = { ...cursor, node: layer.name, width: layer.outputSize, sequence: layer.returnSequences };
  if (!layer.residual) return { nodes: [recurrent], cursor: after };
  const add = residualNode(layer, names.fresh(`${layer.name}_residual`), cursor, recurrent.outputShape);
  return { nodes: [recurrent, add], cursor: { ...after, node: add.name } };
}

/** Adds the layer's input to its output; both must have the same shape. */
function residualNode(layer: RecurrentLayerIR, name: string, input: Cursor, outputShape: (number | null)[]): PlanNode {
  if (input.width !== layer.outputSize || input.sequence !== layer.returnSequences) {
    throw new CompileError(
      `layer '${layer.name}': a residual connection needs the input (width ${input.width}) and the output (width ${layer.outputSize}) to have the same shape`,
    );
  }
  return {
    factory: 'add',
    name,
    inputs: [input.node, layer.name],
    seedIndex: null,
    comment: `${commentWord(name)}: adds the input of ${commentWord(layer.name)} to its output`,
    outputShape,
    config: { name },
  };
}

function planNormalization(layer: NormalizationLayerIR, cursor: Cursor): PlanNode {
  const { name, epsilon, center, gammaInit, betaInit } = layer;
  const base = { name, inputs: [cursor.node], seedIndex: null, outputShape: shapeAt(cursor, layer.outputSize) };
  const gammaInitializer = { initializer: 'constant', value: gammaInit } as const;
  const betaInitializer = { initializer: 'constant', value: betaInit } as const;
  switch (layer.kind) {
    case 'batch':
      if (layer.momentum === null) throw new CompileError(`layer '${name}': batch normalization needs a momentum`);
      return {
        ...base,
        factory: 'batchNormalization',
        comment: `${commentWord(name)}: batch norm over batch and time, per feature`,
        config: { name, axis: -1, epsilon, momentum: layer.momentum, center, scale: true, gammaInitializer, betaInitializer },
      };
    case 'layer':
      return {
        ...base,
        factory: 'layerNormalization',
        comment: `${commentWord(name)}: layer norm over the features of each step`,
        config: { name, axis: -1, epsilon, center, scale: true, gammaInitializer, betaInitializer },
      };
    case 'rms':
      return {
        ...base,
        factory: 'rmsNormalization',
        comment: `${commentWord(name)}: RMS norm over the features of each step`,
        config: { name, epsilon, center, gammaInit, betaInit },
      };
  }
}

function planDropout(layer: DropoutLayerIR, cursor: Cursor): PlanNode {
  const lifetime = layer.mask === 'sequence' ? 'one mask per sequence' : 'a new mask every step';
  return {
    factory: 'dropout',
    name: layer.name,
    inputs: [cursor.node],
    seedIndex: null,
    comment: `${commentWord(layer.name)}: dropout ${layer.rate}, ${lifetime}`,
    outputShape: shapeAt(cursor, layer.outputSize),
    config: { name: layer.name, rate: layer.rate, mask: layer.mask },
  };
}

function planDense(layer: DenseLayerIR, index: number, cursor: Cursor): PlanNode {
  const where = cursor.sequence ? 'at every step' : 'once';
  return {
    factory: 'dense',
    name: layer.name,
    inputs: [cursor.node],
    seedIndex: index,
    comment: `${commentWord(layer.name)}: dense, ${layer.units} units, ${layer.activation}, ${where}`,
    outputShape: shapeAt(cursor, layer.units),
    config: {
      name: layer.name,
      units: layer.units,
      activation: tfjsActivation(layer.activation),
      kernelInitializer: { initializer: 'glorotUniform' },
    },
  };
}
