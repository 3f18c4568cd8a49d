/**
 * `summarizeModel`: the layer table of a model, computed from the IR alone (no tfjs model is built): output
 * shapes, parameter counts (trainable and not) and matrix multiply-adds per time step.
 */
import { planModel } from '../compile/plan.js';
import type { PlanNode, RecurrentConfig } from '../compile/plan-types.js';
import type { ModelIR } from '../ir/types.js';
import { projectionWeightCount, siteWidth } from '../variants/index.js';

export interface SummaryRow {
  name: string;
  type: string;
  /** Output shape with the batch dimension first (null: any batch size, or variable steps). */
  outputShape: (number | null)[];
  trainable: number;
  nonTrainable: number;
  /** Matrix multiply-adds for one example: per time step, or once per sequence when `perStep` is false. */
  multiplyAdds: number;
  perStep: boolean;
}

export interface ModelSummary {
  name: string;
  rows: SummaryRow[];
  trainable: number;
  nonTrainable: number;
  /** Multiply-adds per time step of one example, over the layers that run at every step. */
  multiplyAddsPerStep: number;
  /** Multiply-adds done once per sequence of one example (heads and layers after the time axis is gone). */
  multiplyAddsPerSequence: number;
}

interface Counts {
  trainable: number;
  nonTrainable: number;
  multiplyAdds: number;
}

/** One direction's weights: kernel, recurrent kernel, bias, and every in-cell norm's γ, β and statistics. */
function recurrentCounts(config: RecurrentConfig, inputWidth: number): Counts {
  const gateUnits = siteWidth(config.cell, 'gates', config.units);
  let trainable = projectionWeightCount(config.cell, inputWidth, config.units) + (config.useBias ? gateUnits : 0);
  let nonTrainable = 0;
  for (const norm of config.norms) {
    const width = siteWidth(config.cell, norm.site, config.units);
    trainable += norm.center ? 2 * width : width;
    if (norm.batch !== null) {
      const kept = norm.batch.statistics === 'per_step' ? (norm.batch.maxSteps ?? 1) : 1;
      nonTrainable += 2 * kept * width;
    }
  }
  const directions = config.bidirectional === null ? 1 : 2;
  const multiplyAdds = projectionWeightCount(config.cell, inputWidth, config.units);
  return { trainable: directions * trainable, nonTrainable: directions * nonTrainable, multiplyAdds: directions * multiplyAdds };
}

function nodeCounts(node: PlanNode, inputWidth: number): Counts {
  const width = node.outputShape[node.outputShape.length - 1] as number;
  const none = { trainable: 0, nonTrainable: 0, multiplyAdds: 0 };
  switch (node.factory) {
    case 'recurrent':
      return recurrentCounts(node.config, inputWidth);
    case 'batchNormalization':
      return { ...none, trainable: node.config.center ? 2 * width : width, nonTrainable: 2 * width };
    case 'layerNormalization':
    case 'rmsNormalization':
      return { ...none, trainable: node.config.center ? 2 * width : width };
    case 'dense':
      return { ...none, trainable: (inputWidth + 1) * node.config.units, multiplyAdds: inputWidth * node.config.units };
    case 'masking':
    case 'add':
    case 'dropout':
    case 'lastStep':
    case 'pooling':
      return none;
    default:
      // Every factory is listed, so that a new one (a new between-layer norm kind) cannot count 0 parameters
      // unnoticed: it fails to compile here.
      return unreachable(node);
  }
}

function unreachable(node: never): never {
  throw new Error(`summary: no parameter count for ${JSON.stringify(node)}`);
}

const TYPE_NAMES: Record<PlanNode['factory'], string> = {
  masking: 'Masking',
  recurrent: 'Recurrent',
  add: 'Add (residual)',
  batchNormalization: 'BatchNorm',
  layerNormalization: 'LayerNorm',
  rmsNormalization: 'RMSNorm',
  dropout: 'Dropout',
  dense: 'Dense',
  lastStep: 'LastStep',
  pooling: 'Pooling',
};

function typeName(node: PlanNode): string {
  if (node.factory === 'recurrent') {
    const cell = node.config.cell.toUpperCase();
    return node.config.bidirectional === null ? cell : `Bidirectional ${cell} (${node.config.bidirectional.merge})`;
  }
  if (node.factory === 'pooling') return `Pooling (${node.config.mode})`;
  if (node.factory === 'dropout') return `Dropout (per ${node.config.mask})`;
  return TYPE_NAMES[node.factory];
}

export function summarizeModel(ir: ModelIR): ModelSummary {
  const plan = planModel(ir);
  const widths = new Map<string, number>([[plan.input.name, ir.input.features]]);
  const rows: SummaryRow[] = [
    { name: plan.input.name, type: 'Input', outputShape: [null, ...plan.input.shape], trainable: 0, nonTrainable: 0, multiplyAdds: 0, perStep: true },
  ];
  for (const node of plan.nodes) {
    const inputWidth = widths.get(node.inputs[0]) as number;
    widths.set(node.name, node.outputShape[node.outputShape.length - 1] as number);
    // A layer runs at every step when its input still has a time axis.
    const perStep = node.factory !== 'lastStep' && node.factory !== 'pooling' && isSequence(plan.nodes, node.inputs[0], plan.input.name);
    rows.push({ name: node.name, type: typeName(node), outputShape: [null, ...node.outputShape], perStep, ...nodeCounts(node, inputWidth) });
  }
  const total = (pick: (row: SummaryRow) => number) => rows.reduce((sum, row) => sum + pick(row), 0);
  return {
    name: ir.name,
    rows,
    trainable: total((row) => row.trainable),
    nonTrainable: total((row) => row.nonTrainable),
    multiplyAddsPerStep: total((row) => (row.perStep ? row.multiplyAdds : 0)),
    multiplyAddsPerSequence: total((row) => (row.perStep ? 0 : row.multiplyAdds)),
  };
}

function isSequence(nodes: readonly PlanNode[], name: string, inputName: string): boolean {
  if (name === inputName) return true;
  const node = nodes.find((candidate) => candidate.name === name);
  return node !== undefined && node.outputShape.length === 2;
}
