/**
 * The weights a new `SeqnetRecurrent` creates, by the names and shapes of the runtime contract (team brief):
 * `kernel [in, G·u]`, `recurrent_kernel [u, G·u]`, `bias [G·u]` (absent without bias), `<site>_norm/gamma`,
 * `beta` (absent without centering), batch norm's `moving_mean` / `moving_variance` (`[maxSteps, width]` per
 * step, `[width]` shared), under `forward/` and `backward/` when bidirectional; and their initial values:
 * γ = `gammaInit`, β = `betaInit`, population mean 0 and variance 1, forget slice of the bias = `forgetBias.init`.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import type { CellKind, NormIR } from '../../src/ir/types.js';
import { SeqnetRecurrent } from '../../src/runtime/index.js';
import { describeBackends } from '../helpers/backends.js';
import { findWeight, layerConfig, makeNorm, plainConfig, siteWidth } from '../helpers/recurrent.js';
import type { ReferenceConfig } from './reference/types.js';

const FEATURES = 5;
const UNITS = 3;
const GATES: Record<CellKind, number> = { lstm: 4, gru: 3, rnn: 1, indrnn: 1 };

function norms(cell: CellKind): NormIR[] {
  return [
    makeNorm('input', 'batch', { batch: { statistics: 'shared', maxSteps: null, momentum: 0.9 }, gammaInit: 0.1, center: false }),
    makeNorm('recurrent', 'batch', { batch: { statistics: 'per_step', maxSteps: 6, momentum: 0.9 }, gammaInit: 0.2, betaInit: 0.3 }),
    makeNorm('gates', 'layer', { groups: cell === 'gru' ? 'per_gate' : 'all', gammaInit: 0.7, betaInit: -0.2 }),
    ...(cell === 'lstm' ? [makeNorm('cell', 'rms', { gammaInit: 1.5 })] : []),
    makeNorm('hidden', 'rms', { center: true, betaInit: 0.25 }),
  ];
}

function expectedWeights(config: ReferenceConfig): Map<string, number[]> {
  const columns = GATES[config.cell] * config.units;
  const shapes = new Map<string, number[]>();
  for (const prefix of config.bidirectional === null ? [''] : ['forward/', 'backward/']) {
    shapes.set(`${prefix}kernel`, [FEATURES, columns]);
    // The IndRNN's recurrent weight is a vector, one weight per unit.
    shapes.set(`${prefix}recurrent_kernel`, config.cell === 'indrnn' ? [columns] : [config.units, columns]);
    if (config.useBias) shapes.set(`${prefix}bias`, [columns]);
    for (const norm of config.norms) {
      const width = siteWidth(config, norm.site);
      const base = `${prefix}${norm.site}_norm/`;
      shapes.set(`${base}gamma`, [width]);
      if (norm.center) shapes.set(`${base}beta`, [width]);
      if (norm.batch !== null) {
        const shape = norm.batch.statistics === 'shared' ? [width] : [norm.batch.maxSteps as number, width];
        shapes.set(`${base}moving_mean`, shape);
        shapes.set(`${base}moving_variance`, shape);
      }
    }
  }
  return shapes;
}

const values = (layer: tf.layers.Layer, path: string) => Array.from(findWeight(layer, path).read().dataSync());

describeBackends(['cpu'], () => {
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    for (const bidirectional of [null, { merge: 'concat' as const }]) {
      it(`${cell}${bidirectional === null ? '' : ' bidirectional'}: names, shapes and initial values`, () => {
        const config = plainConfig(cell, UNITS, { bidirectional, norms: norms(cell), forgetBias: { init: cell === 'lstm' ? 1 : 0, constant: 0 } });
        const layer = new SeqnetRecurrent(layerConfig(config));
        tf.tidy(() => {
          layer.apply(tf.zeros([2, 6, FEATURES]));
        });
        const expected = expectedWeights(config);
        expect(layer.weights.length).toBe(expected.size);
        for (const [path, shape] of expected) expect(findWeight(layer, path).shape, path).toEqual(shape);
        const trainable = new Set(layer.trainableWeights.map((w) => w.originalName));
        for (const w of layer.weights) expect(trainable.has(w.originalName), w.originalName).toBe(!/moving_(mean|variance)$/.test(w.originalName));
        for (const prefix of bidirectional === null ? [''] : ['forward/', 'backward/']) {
          for (const norm of config.norms) {
            const base = `${prefix}${norm.site}_norm/`;
            expect(new Set(values(layer, `${base}gamma`)), `${base}gamma`).toEqual(new Set([Math.fround(norm.gammaInit)]));
            if (norm.center) expect(new Set(values(layer, `${base}beta`)), `${base}beta`).toEqual(new Set([Math.fround(norm.betaInit)]));
            if (norm.batch !== null) {
              expect(new Set(values(layer, `${base}moving_mean`))).toEqual(new Set([0]));
              expect(new Set(values(layer, `${base}moving_variance`))).toEqual(new Set([1]));
            }
          }
          const bias = values(layer, `${prefix}bias`);
          // Bias initializer zeros, plus forgetBias.init on the LSTM forget slice (gates i, f, c, o).
          const forget = cell === 'lstm' ? [UNITS, 2 * UNITS] : [0, 0];
          expect(bias).toEqual(bias.map((_, k) => (k >= forget[0] && k < forget[1] ? 1 : 0)));
        }
        layer.dispose();
      });
    }
    it(`${cell}: no bias weight without a bias`, () => {
      const layer = new SeqnetRecurrent(layerConfig(plainConfig(cell, UNITS, { useBias: false })));
      tf.tidy(() => {
        layer.apply(tf.zeros([1, 2, FEATURES]));
      });
      expect(layer.weights.map((w) => w.originalName.split('/').pop())).toEqual(['kernel', 'recurrent_kernel']);
      layer.dispose();
    });
  }
});
