/** Plans the heads: how each reads the body's output (every step, last valid step, mean, max), then its dense layer. */
import type { HeadIR } from '../ir/types.js';
import { CompileError } from './errors.js';
import { commentWord, shapeAt, tfjsActivation, type Cursor } from './plan-body.js';
import type { GeneratedNames } from './plan.js';
import type { PlanNode } from './plan-types.js';

/** The nodes of one head; the last is the dense output layer, named after the head. */
export function planHead(head: HeadIR, seedIndex: number, body: Cursor, names: GeneratedNames): PlanNode[] {
  const reader = planReader(head, body, names);
  const source = reader === null ? body.node : reader.name;
  const perStep = head.at === 'each_step' ? ' at every step' : '';
  const output: PlanNode = {
    factory: 'dense',
    name: head.name,
    inputs: [source],
    seedIndex,
    outputShape: shapeAt(body, head.units, head.at === 'each_step'),
    comment: `head ${commentWord(head.name)}: dense, ${head.units} unit${head.units === 1 ? '' : 's'}, ${head.activation}${perStep}`,
    config: {
      name: head.name,
      units: head.units,
      activation: tfjsActivation(head.activation),
      kernelInitializer: { initializer: 'glorotUniform' },
    },
  };
  return reader === null ? [output] : [reader, output];
}

/** The layer that reduces the body's sequence for this head, or null when the head reads the body directly. */
function planReader(head: HeadIR, body: Cursor, names: GeneratedNames): PlanNode | null {
  if (!body.sequence) {
    if (head.at === 'last_step') return null;
    throw new CompileError(`head '${head.name}' reads '${head.at}', but the body returns only the last step`);
  }
  const base = { inputs: [body.node], seedIndex: null, outputShape: shapeAt(body, body.width, false) };
  switch (head.at) {
    case 'each_step':
      return null;
    case 'last_step': {
      const name = names.fresh(`${head.name}_last_step`);
      return { ...base, name, factory: 'lastStep', config: { name }, comment: `${commentWord(name)}: the last valid step` };
    }
    case 'mean':
    case 'max': {
      const name = names.fresh(`${head.name}_${head.at}`);
      const comment = `${commentWord(name)}: ${head.at} over the valid steps`;
      return { ...base, name, factory: 'pooling', config: { name, mode: head.at }, comment };
    }
  }
}
