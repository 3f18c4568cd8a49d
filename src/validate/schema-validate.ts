/** The compiled schema validator (compiled once per process) and the entry point that returns its errors. */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { SPEC_SCHEMA } from './schema.js';
import type { JsonValue } from './to-json.js';

let compiled: ValidateFunction | null = null;

function validator(): ValidateFunction {
  if (compiled === null) {
    // verbose: errors carry their schema, which holds the descriptions and ranges used in hints.
    const ajv = new Ajv({ allErrors: true, strict: true, discriminator: true, verbose: true, allowUnionTypes: true });
    compiled = ajv.compile(SPEC_SCHEMA);
  }
  return compiled;
}

/** The schema's errors for a JSON-form document; empty when it is valid. */
export function schemaErrors(document: JsonValue): ErrorObject[] {
  const validate = validator();
  return validate(document) ? [] : [...(validate.errors ?? [])];
}
