/** Small constructors for JSON Schema fragments, so the schema reads as a list of documented fields. */
export type Schema = { [key: string]: unknown };

export const IDENTIFIER_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

export function integer(description: string, minimum = 1, maximum?: number): Schema {
  return maximum === undefined ? { type: 'integer', minimum, description } : { type: 'integer', minimum, maximum, description };
}

export function number(description: string, range: { min?: number; exclusiveMin?: number; max?: number; exclusiveMax?: number } = {}): Schema {
  const schema: Schema = { type: 'number', description };
  if (range.min !== undefined) schema.minimum = range.min;
  if (range.exclusiveMin !== undefined) schema.exclusiveMinimum = range.exclusiveMin;
  if (range.max !== undefined) schema.maximum = range.max;
  if (range.exclusiveMax !== undefined) schema.exclusiveMaximum = range.exclusiveMax;
  return schema;
}

/** A dropout-style rate: at least 0 and below 1. */
export function rate(description: string): Schema {
  return number(description, { min: 0, exclusiveMax: 1 });
}

export function positive(description: string): Schema {
  return number(description, { exclusiveMin: 0 });
}

export function boolean(description: string): Schema {
  return { type: 'boolean', description };
}

export function string(description: string): Schema {
  return { type: 'string', minLength: 1, description };
}

export function identifier(description: string): Schema {
  return { type: 'string', pattern: IDENTIFIER_PATTERN, description };
}

export function oneOfWords(values: readonly (string | boolean)[], description: string): Schema {
  const types = [...new Set(values.map((value) => typeof value))];
  return { type: types.length === 1 ? types[0] : types, enum: [...values], description };
}

export function listOf(items: Schema, description: string): Schema {
  return { type: 'array', items, minItems: 1, uniqueItems: true, description };
}

/** A closed object: every field documented, nothing else allowed. */
export function object(properties: Record<string, Schema>, description: string, required: string[] = []): Schema {
  const schema: Schema = { type: 'object', description, properties, additionalProperties: false };
  if (required.length > 0) schema.required = required;
  return schema;
}

/** A tagged union on `type`, validated by ajv's `discriminator` so only the matching branch reports errors. */
export function tagged(branches: Schema[], description: string): Schema {
  return { type: 'object', description, discriminator: { propertyName: 'type' }, oneOf: branches };
}
