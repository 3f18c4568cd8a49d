/** Test helpers for numeric code: run a describe block once per tfjs backend, and compare nested numbers. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe } from 'vitest';

export type BackendId = 'cpu' | 'wasm';

/**
 * Declares `body` once per backend, inside `describe('<backend> backend')`. Vitest runs a file's tests in
 * declaration order, so each block's `beforeAll` switches the global backend before that block's tests run.
 */
export function describeBackends(backends: readonly BackendId[], body: (backend: BackendId) => void): void {
  for (const backend of backends) {
    describe(`${backend} backend`, () => {
      beforeAll(async () => {
        if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend '${backend}' did not initialize`);
        await tf.ready();
      });
      body(backend);
    });
  }
}

/** A number, a tensor, a typed array, or arrays of these nested to any depth. */
export type Numeric = number | tf.Tensor | ArrayLike<number> | readonly Numeric[];

/** `|actual − expected| ≤ atol + rtol·|expected|`; a bare number sets both. */
export type Tolerance = number | { rtol: number; atol: number };

interface Mismatch {
  path: string;
  actual: number;
  expected: number;
}

function toPlain(value: Numeric): number | unknown[] {
  if (value instanceof tf.Tensor) return value.arraySync() as number | unknown[];
  if (typeof value === 'number') return value;
  return Array.from(value as ArrayLike<Numeric>, (item) => (typeof item === 'number' ? item : toPlain(item)));
}

function shapeOf(value: number | unknown[]): number[] {
  const shape: number[] = [];
  let cursor: unknown = value;
  while (Array.isArray(cursor)) {
    shape.push(cursor.length);
    cursor = cursor[0];
  }
  return shape;
}

function collect(actual: unknown, expected: unknown, path: string, check: (a: number, e: number) => boolean, out: Mismatch[], shapeErrors: string[]): void {
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual) || expected.length !== actual.length) {
      const describeLength = (v: unknown) => (Array.isArray(v) ? `length ${v.length}` : `scalar ${String(v)}`);
      shapeErrors.push(`at ${path || '(root)'}: actual ${describeLength(actual)}, expected ${describeLength(expected)}`);
      return;
    }
    expected.forEach((item, index) => collect(actual[index], item, `${path}[${index}]`, check, out, shapeErrors));
    return;
  }
  const a = actual as number;
  const e = expected as number;
  if (!check(a, e)) out.push({ path: path || '(root)', actual: a, expected: e });
}

/**
 * Asserts that two nested numeric values have the same shape and agree elementwise within `tolerance`. The
 * failure message gives both shapes, the number of mismatches, the worst ones with their indices, and the
 * largest absolute error, so a failing numeric test says where it went wrong.
 */
export function expectClose(actual: Numeric, expected: Numeric, tolerance: Tolerance = 1e-4, label = 'value'): void {
  const { rtol, atol } = typeof tolerance === 'number' ? { rtol: tolerance, atol: tolerance } : tolerance;
  const a = toPlain(actual);
  const e = toPlain(expected);
  // NaN never passes, even against NaN: a reference never produces one on purpose.
  const check = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= atol + rtol * Math.abs(y);
  const mismatches: Mismatch[] = [];
  const shapeErrors: string[] = [];
  collect(a, e, '', check, mismatches, shapeErrors);
  if (shapeErrors.length > 0) {
    throw new Error(`${label}: shape mismatch, actual [${shapeOf(a).join(', ')}] vs expected [${shapeOf(e).join(', ')}]; ${shapeErrors.slice(0, 3).join('; ')}`);
  }
  if (mismatches.length === 0) return;
  const worst = [...mismatches].sort((x, y) => Math.abs(y.actual - y.expected) - Math.abs(x.actual - x.expected));
  const lines = worst.slice(0, 6).map((m) => `  ${m.path}: actual ${m.actual}, expected ${m.expected}, |diff| ${Math.abs(m.actual - m.expected).toExponential(3)}`);
  throw new Error(
    `${label}: ${mismatches.length} element(s) differ beyond rtol ${rtol}, atol ${atol} (shape [${shapeOf(e).join(', ')}]); worst:\n${lines.join('\n')}`,
  );
}
