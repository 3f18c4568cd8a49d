/** Temporary files and the model shapes the data tests ask for. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelShape } from '../../src/data/index.js';

export async function tempFile(name: string, text: string): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'seqnet-data-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return { dir, path };
}

export function shape(overrides: Partial<ModelShape> = {}): ModelShape {
  return { steps: 3, features: 1, padding: null, targetUnits: 1, perStep: false, ...overrides };
}

export const EVEN_SPLIT = { train: 0.6, validation: 0.2, test: 0.2 };
