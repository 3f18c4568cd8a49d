/**
 * Transitional re-export: the spec's JSON form now lives in src/ir/spec-json.ts, where lowering reads it
 * without importing the validator. src/ir/lower-body.ts and src/validate/checks/context.ts, being changed on
 * another branch, still import it from here; once they import src/ir/spec-json.ts, delete this file (and the
 * one pending edge in test/architecture.test.ts).
 */
export type * from '../ir/spec-json.js';
