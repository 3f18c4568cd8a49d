/**
 * Layer and head names become tfjs layer names: they must be unique across the whole model, and usable by tfjs
 * (its weight names match `^[A-Za-z0-9][-A-Za-z0-9._/]*$`, so an identifier may not start with `_`, and it looks
 * names up in plain objects). Names that
 * seqnet generates for its own layers (input, masking, residuals, head readers) are moved aside by the planner
 * (src/compile/plan.ts), so they need no check here.
 */
import { Code } from '../../diagnostics/codes.js';
import type { SpecJson } from '../../ir/spec-json.js';
import type { Check, CheckContext } from './context.js';

/**
 * Members of every JavaScript object. tfjs looks layer names up in plain objects when it loads a saved model
 * (`unprocessedNodes[layer.name].push`), so a layer or head with one of these names trains and saves but can
 * never be loaded again; names starting with `_` (`__proto__`, …) are already excluded above.
 */
const OBJECT_MEMBERS: ReadonlySet<string> = new Set(['constructor', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'toString', 'valueOf']);

export const checkUniqueNames: Check = (context) => {
  /** Each name's first pointer and the pointer of its name's span. */
  const seen = new Map<string, { pointer: string; at: string }>();
  const reported = new Set<string>();
  for (const { name, pointer, isHead } of namedEntries(context)) {
    const at = namePointer(context.spec, pointer);
    if (!reported.has(pointer) && !usable(name, isHead, at, context)) reported.add(pointer);
    const first = seen.get(name);
    if (first === undefined) {
      seen.set(name, { pointer, at });
    } else if (first.pointer !== pointer) {
      const related = { pointer: first.at, role: 'value' as const, message: `'${name}' is first used here` };
      context.report(Code.DuplicateName, `the name '${name}' is already used`, at, 'value', 'give each layer and head its own name', related);
    }
  }
};

function namedEntries(context: CheckContext): { name: string; pointer: string; isHead: boolean }[] {
  return [
    ...context.ir.layers.map((layer, index) => ({ name: layer.name, pointer: context.origins.layers[index], isHead: false })),
    ...context.ir.heads.map((head, index) => ({ name: head.name, pointer: context.origins.heads[index], isHead: true })),
  ];
}

/** Reports a name tfjs cannot take; returns whether it is usable. */
function usable(name: string, isHead: boolean, pointer: string, context: CheckContext): boolean {
  const what = isHead ? 'head' : 'layer';
  if (name.startsWith('_')) {
    const suggestion = name.replace(/^_+/, '') || what;
    context.report(Code.InvalidName, `'${name}' cannot name a ${what}: tfjs names must start with a letter or a digit`, pointer, 'value', `rename it, e.g. '${suggestion}'`);
    return false;
  }
  if (OBJECT_MEMBERS.has(name)) {
    const message = `'${name}' cannot name a ${what}: tfjs could not load the saved model (every JavaScript object has a '${name}')`;
    context.report(Code.InvalidName, message, pointer, 'value', `rename it, e.g. '${name}_${what}'`);
    return false;
  }
  return true;
}

/** The explicit `name` of a body item or head when there is one, else the item itself. */
function namePointer(spec: SpecJson, pointer: string): string {
  if (pointer.startsWith('/heads/')) return `${pointer}/name`;
  const item = spec.body?.[Number(pointer.slice('/body/'.length))];
  return item?.name === undefined ? pointer : `${pointer}/name`;
}
