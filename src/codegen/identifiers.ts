/**
 * Identifiers in generated code. Every spec-derived name is checked against the identifier pattern before it is
 * written as code, and kept clear of reserved words and the generator's own names, so no spec can inject code.
 */
import { CodegenError } from './errors.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Words a variable of an ES module cannot be named (reserved words, strict-mode restrictions), plus globals that
 * would be confusing to shadow. TypeScript's contextual keywords (`type`, `symbol`, …) are legal names.
 */
const RESERVED_WORDS = new Set(
  (
    'await break case catch class const continue debugger default delete do else enum export extends false finally ' +
    'for function if implements import in instanceof interface let new null package private protected public ' +
    'return static super switch this throw true try typeof var void while with yield arguments eval undefined ' +
    'NaN Infinity'
  ).split(' '),
);

/** Returns `name` if it is a plain identifier; throws otherwise. */
export function checkedIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new CodegenError(`${what} ${JSON.stringify(name)} is not an identifier ([A-Za-z_][A-Za-z0-9_]*)`);
  }
  return name;
}

/** `sine_ba2016` → `SineBa2016`, for `build<PascalName>`. */
export function pascalCase(name: string): string {
  return checkedIdentifier(name, 'model name')
    .split('_')
    .filter((part) => part.length > 0)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Variable names for layer outputs: the layer's own name where possible, else with a `_layer` suffix (repeated
 * until free) when it would shadow a reserved word or one of `taken` (imports, locals of the builder).
 */
export function variableNames(layerNames: readonly string[], taken: readonly string[]): Map<string, string> {
  const used = new Set(taken);
  const names = new Map<string, string>();
  for (const name of layerNames) {
    let variable = checkedIdentifier(name, 'layer name');
    while (used.has(variable) || RESERVED_WORDS.has(variable)) variable = `${variable}_layer`;
    used.add(variable);
    names.set(name, variable);
  }
  return names;
}
