/** What the data sources need to know of a model (free of Node's modules: the playground reads it too). */
import type { ModelIR } from '../ir/types.js';
import { DataError, type ModelShape } from './types.js';

/** The model's input and (single) head, as the data sources need them. */
export function modelShape(ir: ModelIR): ModelShape {
  if (ir.heads.length !== 1) {
    throw new DataError(`seqnet train reads one target per sample; model '${ir.name}' has ${ir.heads.length} heads`);
  }
  const head = ir.heads[0];
  return { ...ir.input, targetUnits: head.units, perStep: head.at === 'each_step' };
}
