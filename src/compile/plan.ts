/** Turns a ModelIR into the build plan shared by `compileModel` and the TypeScript generator. */
import { IR_VERSION, type ModelIR } from '../ir/types.js';
import { CompileError } from './errors.js';
import { planLayer, shapeAt, type Cursor } from './plan-body.js';
import { planHead } from './plan-heads.js';
import type { ModelPlan, PlanNode } from './plan-types.js';

/** Preferred names of the layers seqnet adds itself; `GeneratedNames` moves them aside when a user name takes them. */
export const INPUT_NAME = 'input';
const MASKING_NAME = 'input_masking';

export function planModel(ir: ModelIR): ModelPlan {
  if (ir.irVersion !== IR_VERSION) {
    throw new CompileError(`IR version ${String(ir.irVersion)} is not supported (expected ${IR_VERSION})`);
  }
  const names = new GeneratedNames([...ir.layers.map((layer) => layer.name), ...ir.heads.map((head) => head.name)]);
  const inputName = names.fresh(INPUT_NAME);
  const nodes: PlanNode[] = [];
  let cursor: Cursor = { node: inputName, width: ir.input.features, sequence: true, steps: ir.input.steps };
  if (ir.input.padding !== null) {
    const masking = maskingNode(names.fresh(MASKING_NAME), inputName, ir.input.padding, shapeAt(cursor, cursor.width));
    nodes.push(masking);
    cursor = { ...cursor, node: masking.name };
  }
  ir.layers.forEach((layer, index) => {
    const planned = planLayer(layer, index, cursor, names);
    nodes.push(...planned.nodes);
    cursor = planned.cursor;
  });
  const outputs = ir.heads.map((head, index) => {
    nodes.push(...planHead(head, ir.layers.length + index, cursor, names));
    return head.name;
  });
  assertUniqueNames(nodes, inputName);
  return { modelName: ir.name, input: { name: inputName, shape: [ir.input.steps, ir.input.features] }, nodes, outputs };
}

/**
 * Names for the layers seqnet adds (the input, masking, residual additions, head readers). User names are taken
 * first and kept as written (they name weights and outputs); a generated name that one of them already uses
 * gets the first free `_2`, `_3`, … suffix instead, so a layer called `input` or `y_mean` just works.
 */
export class GeneratedNames {
  private readonly taken: Set<string>;

  constructor(userNames: readonly string[]) {
    this.taken = new Set(userNames);
  }

  fresh(preferred: string): string {
    let name = preferred;
    for (let suffix = 2; this.taken.has(name); suffix++) name = `${preferred}_${suffix}`;
    this.taken.add(name);
    return name;
  }
}

function maskingNode(name: string, input: string, padding: number, outputShape: (number | null)[]): PlanNode {
  return {
    outputShape,
    factory: 'masking',
    name,
    inputs: [input],
    seedIndex: null,
    comment: `${name}: steps whose features all equal ${padding} are padding`,
    config: { name, maskValue: padding },
  };
}

/** Layer names must be unique in a tfjs model: a last guard for an IR that did not come from `checkSpec`. */
function assertUniqueNames(nodes: PlanNode[], inputName: string): void {
  const seen = new Set<string>([inputName]);
  for (const node of nodes) {
    if (seen.has(node.name)) throw new CompileError(`two layers of the model would be named '${node.name}'; rename one`);
    seen.add(node.name);
  }
}
