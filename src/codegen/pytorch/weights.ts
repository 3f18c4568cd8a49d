/**
 * The tfjs weights of a plan, in the order of the tfjs model's `model.json` weights manifest: tfjs saves every
 * layer's trainable weights (layers in order, each in creation order), then every layer's non-trainable ones
 * (the batch norms' population statistics). Names and shapes follow `src/runtime/recurrent/weights.ts`, the
 * norm descriptors (`norms/*.ts`) and tfjs's own layers.
 */
import type { ModelPlan, PlanNode } from '../../compile/plan-types.js';
import { CELL_FACTS, recurrentWeightShape, siteWidth } from '../../variants/index.js';

export interface TfjsWeight {
  name: string;
  shape: number[];
  trainable: boolean;
}

/** The width of every node's output (and of the input), by name. */
export function nodeWidths(plan: ModelPlan): Map<string, number> {
  const widths = new Map<string, number>([[plan.input.name, plan.input.shape[1]]]);
  for (const node of plan.nodes) widths.set(node.name, node.outputShape.at(-1) as number);
  return widths;
}

export function tfjsWeights(plan: ModelPlan): TfjsWeight[] {
  const widths = nodeWidths(plan);
  const all = plan.nodes.flatMap((node) => nodeWeights(node, widths.get(node.inputs[0]) as number));
  return [...all.filter((weight) => weight.trainable), ...all.filter((weight) => !weight.trainable)];
}

function nodeWeights(node: PlanNode, inputWidth: number): TfjsWeight[] {
  const weight = (name: string, shape: number[], trainable = true): TfjsWeight => ({ name: `${node.name}/${name}`, shape, trainable });
  switch (node.factory) {
    case 'recurrent': {
      const { cell, units, useBias, norms, bidirectional } = node.config;
      const width = CELL_FACTS[cell].gates.length * units;
      const prefixes = bidirectional === null ? [''] : ['forward/', 'backward/'];
      return prefixes.flatMap((prefix) => [
        weight(`${prefix}kernel`, [inputWidth, width]),
        weight(`${prefix}recurrent_kernel`, recurrentWeightShape(cell, units)),
        ...(useBias ? [weight(`${prefix}bias`, [width])] : []),
        ...norms.flatMap((norm) => {
          const site = `${prefix}${norm.site}_norm/`;
          const siteSize = siteWidth(cell, norm.site, units);
          const statistics = norm.batch === null ? [] : norm.batch.statistics === 'per_step' ? [norm.batch.maxSteps as number, siteSize] : [siteSize];
          return [
            weight(`${site}gamma`, [siteSize]),
            ...(norm.center ? [weight(`${site}beta`, [siteSize])] : []),
            ...(norm.kind === 'batch' ? [weight(`${site}moving_mean`, statistics, false), weight(`${site}moving_variance`, statistics, false)] : []),
          ];
        }),
      ]);
    }
    case 'batchNormalization':
    case 'layerNormalization':
    case 'rmsNormalization': {
      const features = [inputWidth];
      const center = node.config.center;
      return [
        weight('gamma', features),
        ...(center ? [weight('beta', features)] : []),
        ...(node.factory === 'batchNormalization' ? [weight('moving_mean', features, false), weight('moving_variance', features, false)] : []),
      ];
    }
    case 'dense':
      return [weight('kernel', [inputWidth, node.config.units]), weight('bias', [node.config.units])];
    case 'masking':
    case 'add':
    case 'dropout':
    case 'lastStep':
    case 'pooling':
      return [];
  }
}
