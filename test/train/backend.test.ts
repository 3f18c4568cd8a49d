import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BackendError, selectBackend } from '../../src/backend/index.js';

describe('backend selection', () => {
  it('falls through the optional native backends (not installed here) to wasm, in one line', async () => {
    const selected = await selectBackend();
    expect(selected.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(selected.notes).toEqual(['backend: wasm (@tensorflow/tfjs-backend-wasm) (@tensorflow/tfjs-node-gpu, @tensorflow/tfjs-node not installed)']);
  });

  it('uses a requested backend, and fails with the reason when the requested one cannot load', async () => {
    expect((await selectBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    await expect(selectBackend('tensorflow')).rejects.toThrow(new BackendError('backend @tensorflow/tfjs-node unavailable: not installed'));
  });
});
