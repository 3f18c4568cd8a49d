/**
 * docs/runtime.md says the compiled kernels are over the 4 KB that a browser's main thread compiles
 * synchronously (so there they compile in the background), and that `heap/compiled.ts` states their size.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPILED_KERNELS_BASE64 } from '../../src/runtime/recurrent/heap/compiled.js';

const SYNCHRONOUS_COMPILE_LIMIT = 4096;
const bytes = Buffer.from(COMPILED_KERNELS_BASE64, 'base64');
const header = readFileSync(join(import.meta.dirname, '../../src/runtime/recurrent/heap/compiled.ts'), 'utf8').slice(0, 300);

describe('the compiled kernels module', () => {
  it('is a WebAssembly module', () => {
    expect([...bytes.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
  });

  it('is over the synchronous-compile limit of a browser main thread', () => {
    expect(bytes.length).toBeGreaterThan(SYNCHRONOUS_COMPILE_LIMIT);
  });

  it('has its size stated in the header of heap/compiled.ts', () => {
    expect(header).toContain(`${bytes.length} bytes of WebAssembly`);
  });
});
