/**
 * Every normalization kind's descriptor (its reference computation, and its optional forms for the fused
 * training op and the wasm inference loop); adding a kind is adding its descriptor file and one entry here.
 */
import type { NormKind } from '../../../ir/types.js';
import { batchNorm } from './batch.js';
import { layerNorm } from './layer.js';
import { rmsNorm } from './rms.js';
import type { NormDescriptor } from './types.js';

export const NORM_DESCRIPTORS: Readonly<Record<NormKind, NormDescriptor>> = { layer: layerNorm, batch: batchNorm, rms: rmsNorm };

export function normDescriptor(kind: NormKind): NormDescriptor {
  const descriptor = NORM_DESCRIPTORS[kind];
  if (descriptor === undefined) throw new Error(`SeqnetRecurrent: unknown normalization kind '${String(kind)}'`);
  return descriptor;
}
