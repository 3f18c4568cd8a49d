/** Turns a ModelIR into the build plan shared by `compileModel` and the TypeScript generator. */
import { IR_VERSION, type ModelIR } from '../ir/types.js';
import { CompileError } from './errors.js';
import { planLayer, shapeAt, type Cursor } from './plan-body.js';
import { planHead } from './plan-heads.js';
import type { ModelPlan, PlanNode } from './plan-types.js';

export const INPUT_NAME = 'input';
const MASKING_NAME = 'input_masking';

export function planModel(ir: ModelIR): ModelPlan {
  if (ir.irVersion !== IR_VERSION) {
    throw new CompileError(`IR version ${String(ir.irVersion)} is not supported (expected ${IR_VERSION})`);
  }
  const nodes: PlanNode[] = [];
  let cursor: Cursor = { node: INPUT_NAME, width: ir.input.features, sequence: true, steps: ir.input.steps };
  if (ir.input.padding !== null) {
    nodes.push(maskingNode(ir.input.padding, shapeAt(cursor, cursor.width)));
    cursor = { ...cursor, node: MASKING_NAME };
  }
  ir.layers.forEach((layer, index) => {
    const planned = planLayer(layer, index, cursor);
    nodes.push(...planned.nodes);
    cursor = planned.cursor;
  });
  const outputs = ir.heads.map((head, index) => {
    nodes.push(...planHead(head, ir.layers.length + index, cursor));
    return head.name;
  });
  assertUniqueNames(nodes);
  return { modelName: ir.name, input: { name: INPUT_NAME, shape: [ir.input.steps, ir.input.features] }, nodes, outputs };
}

function maskingNode(padding: number, outputShape: (number | null)[]): PlanNode {
  return {
    outputShape,
    factory: 'masking',
    name: MASKING_NAME,
    inputs: [INPUT_NAME],
    seedIndex: null,
    comment: `${MASKING_NAME}: steps whose features all equal ${padding} are padding`,
    config: { name: MASKING_NAME, maskValue: padding },
  };
}

/** Layer names must be unique in a tfjs model; the names seqnet adds (input, readers, residuals) could clash. */
function assertUniqueNames(nodes: PlanNode[]): void {
  const seen = new Set<string>([INPUT_NAME]);
  for (const node of nodes) {
    if (seen.has(node.name)) throw new CompileError(`two layers of the model would be named '${node.name}'; rename one`);
    seen.add(node.name);
  }
}
