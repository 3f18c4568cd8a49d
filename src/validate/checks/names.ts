/** Layer and head names become tfjs layer names, so they must be unique across the whole model. */
import { Code } from '../../diagnostics/codes.js';
import type { SpecJson } from '../spec-json.js';
import type { Check } from './context.js';

export const checkUniqueNames: Check = (context) => {
  const seen = new Map<string, string>();
  const entries = [
    ...context.ir.layers.map((layer, index) => ({ name: layer.name, pointer: context.origins.layers[index] })),
    ...context.ir.heads.map((head, index) => ({ name: head.name, pointer: context.origins.heads[index] })),
  ];
  for (const { name, pointer } of entries) {
    const first = seen.get(name);
    if (first === undefined) {
      seen.set(name, pointer);
    } else if (first !== pointer) {
      context.report(Code.DuplicateName, `the name '${name}' is already used`, namePointer(context.spec, pointer), 'value', 'give each layer and head its own name');
    }
  }
};

/** The explicit `name` of a body item or head when there is one, else the item itself. */
function namePointer(spec: SpecJson, pointer: string): string {
  if (pointer.startsWith('/heads/')) return `${pointer}/name`;
  const item = spec.body?.[Number(pointer.slice('/body/'.length))];
  return item?.name === undefined ? pointer : `${pointer}/name`;
}
