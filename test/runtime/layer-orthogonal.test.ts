/** The seeded orthogonal initializer: orthonormal rows or columns, reproducible from the seed, used by the layer. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { orthogonalMatrix } from '../../src/runtime/recurrent/orthogonal.js';
import { SeqnetRecurrent } from '../../src/runtime/index.js';

/** Largest |(M Mᵀ − I)_ij| for the rows (or, transposed, the columns) of a row-major matrix. */
function maxGramError(values: ArrayLike<number>, rows: number, cols: number, byRows: boolean): number {
  const count = byRows ? rows : cols;
  const length = byRows ? cols : rows;
  const at = (vector: number, i: number) => (byRows ? values[vector * cols + i] : values[i * cols + vector]);
  let worst = 0;
  for (let a = 0; a < count; a += 1) {
    for (let b = 0; b < count; b += 1) {
      let dot = 0;
      for (let i = 0; i < length; i += 1) dot += at(a, i) * at(b, i);
      worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

describe('orthogonalMatrix', () => {
  it('has orthonormal rows when wide and orthonormal columns when tall', () => {
    expect(maxGramError(orthogonalMatrix(16, 64, 3), 16, 64, true)).toBeLessThan(1e-5);
    expect(maxGramError(orthogonalMatrix(64, 16, 3), 64, 16, false)).toBeLessThan(1e-5);
    expect(maxGramError(orthogonalMatrix(32, 32, 9), 32, 32, true)).toBeLessThan(1e-5);
  });

  it('is reproducible from its seed and differs between seeds', () => {
    expect(orthogonalMatrix(8, 32, 5)).toEqual(orthogonalMatrix(8, 32, 5));
    expect(orthogonalMatrix(8, 32, 5)).not.toEqual(orthogonalMatrix(8, 32, 6));
  });

  it('scales by the gain', () => {
    const plain = orthogonalMatrix(4, 8, 1);
    const doubled = orthogonalMatrix(4, 8, 1, 2);
    plain.forEach((value, i) => expect(doubled[i]).toBeCloseTo(2 * value, 6));
  });
});

describe('SeqnetRecurrent with an orthogonal recurrent kernel', () => {
  it('starts from orthonormal rows, the same for the same seed', async () => {
    await tf.setBackend('cpu');
    const make = (seed: number) => {
      const layer = new SeqnetRecurrent({
        cell: 'lstm',
        units: 8,
        activation: 'tanh',
        recurrentActivation: 'sigmoid',
        returnSequences: false,
        bidirectional: null,
        useBias: true,
        forgetBias: { init: 1, constant: 0 },
        resetAfter: false,
        norms: [],
        dropout: { input: null, recurrent: null, candidate: null, zoneout: null },
        initializers: { kernel: 'glorot_uniform', recurrentKernel: 'orthogonal', bias: 'zeros' },
        seed,
      });
      layer.apply(tf.zeros([1, 2, 3]));
      const recurrent = layer.weights.find((w) => w.originalName.endsWith('recurrent_kernel'));
      if (recurrent === undefined) throw new Error('no recurrent_kernel');
      return recurrent.read().dataSync();
    };
    const first = make(11);
    expect(maxGramError(first, 8, 32, true)).toBeLessThan(1e-5);
    expect(Array.from(make(11))).toEqual(Array.from(first));
    expect(Array.from(make(12))).not.toEqual(Array.from(first));
  });
});
