/**
 * Golden expansions of every preset. The expected NormIR lists are written out by hand from the equations in
 * docs/runtime.md and the preset table in docs/language.md, not produced by the code under test.
 */
import { describe, expect, it } from 'vitest';
import type { CellKind, NormIR, RecurrentLayerIR } from '../../src/ir/types.js';
import { PRESETS } from '../../src/ir/presets/index.js';
import { checkSpec } from '../../src/validate/index.js';

function layerWith(cell: CellKind, norm: string, steps: string | number = 20): RecurrentLayerIR {
  const source = `seqnet 1\nmodel m\ninput { steps ${steps}; features 3 }\n${cell} 4 {\n  ${norm}\n}\nhead y { units 1 }\n`;
  const { ir, diagnostics } = checkSpec(source, 'preset.seqnet');
  expect(diagnostics).toEqual([]);
  const layer = ir?.layers[0];
  if (layer?.type !== 'recurrent') throw new Error('expected a recurrent layer');
  return layer;
}

const ln = (site: NormIR['site'], epsilon: number, extra: Partial<NormIR> = {}): NormIR => ({
  site,
  kind: 'layer',
  epsilon,
  gammaInit: 1,
  betaInit: 0,
  center: true,
  groups: 'all',
  carry: false,
  batch: null,
  ...extra,
});

const rms = (site: NormIR['site'], extra: Partial<NormIR> = {}): NormIR => ({ ...ln(site, 1e-6), kind: 'rms', center: false, ...extra });

const bnPerStep = (site: NormIR['site'], extra: Partial<NormIR>, maxSteps: number): NormIR => ({
  site,
  kind: 'batch',
  epsilon: 1e-5,
  gammaInit: 0.1,
  betaInit: 0,
  center: false,
  groups: 'all',
  carry: false,
  batch: { statistics: 'per_step', maxSteps, momentum: 0.99 },
  ...extra,
});

describe('ba2016', () => {
  it('LSTM: LN on W·x and U·h over all gates, LN(c) for the output only, ε 1e-5', () => {
    const layer = layerWith('lstm', 'norm ba2016');
    expect(layer.norms).toEqual([ln('input', 1e-5), ln('recurrent', 1e-5), ln('cell', 1e-5, { carry: false })]);
    expect(layer.useBias).toBe(true);
    expect(layer.forgetBias).toEqual({ init: 1, constant: 0 });
    expect(layer.preset).toBe('ba2016');
  });
  it('GRU: gates and candidate separately, reset after the recurrent matmul', () => {
    const layer = layerWith('gru', 'norm ba2016');
    expect(layer.norms).toEqual([ln('input', 1e-5, { groups: 'gates_and_candidate' }), ln('recurrent', 1e-5, { groups: 'gates_and_candidate' })]);
    expect(layer.resetAfter).toBe(true);
  });
  it('RNN: LN on input and recurrent terms', () => {
    expect(layerWith('rnn', 'norm ba2016').norms).toEqual([ln('input', 1e-5), ln('recurrent', 1e-5)]);
  });
});

describe('tf1_contrib', () => {
  it('per-gate LN on the joint projection, no bias, constant forget bias 1, normalized c carried, ε 1e-12', () => {
    const layer = layerWith('lstm', 'norm tf1_contrib');
    expect(layer.norms).toEqual([ln('gates', 1e-12, { groups: 'per_gate' }), ln('cell', 1e-12, { carry: true })]);
    expect(layer.useBias).toBe(false);
    expect(layer.forgetBias).toEqual({ init: 0, constant: 1 });
  });
});

describe('tfa', () => {
  it('LSTM: LN(x·W) + LN(h·U) over all gates, c carried normalized, ε 1e-3, unit forget bias', () => {
    const layer = layerWith('lstm', 'norm tfa');
    expect(layer.norms).toEqual([ln('input', 1e-3), ln('recurrent', 1e-3), ln('cell', 1e-3, { carry: true })]);
    expect(layer.forgetBias).toEqual({ init: 1, constant: 0 });
    expect(layer.useBias).toBe(true);
  });
  it('RNN: LN of the joint pre-activation without β, ε 1e-5', () => {
    expect(layerWith('rnn', 'norm tfa').norms).toEqual([ln('gates', 1e-5, { center: false })]);
  });
});

describe('cooijmans2016', () => {
  it('LSTM: per-step BN on W·x and U·h (γ 0.1, no β), BN(c) with β for the output, max steps from input', () => {
    const layer = layerWith('lstm', 'norm cooijmans2016', 20);
    expect(layer.norms).toEqual([bnPerStep('input', {}, 20), bnPerStep('recurrent', {}, 20), bnPerStep('cell', { center: true, betaInit: 0 }, 20)]);
    expect(layer.forgetBias).toEqual({ init: 1, constant: 0 });
  });
  it('GRU: input and recurrent only; block parameters override every site', () => {
    const layer = layerWith('gru', 'norm cooijmans2016 { max_steps 7; momentum 0.9 }', 'variable');
    const overridden = { batch: { statistics: 'per_step' as const, maxSteps: 7, momentum: 0.9 } };
    expect(layer.norms).toEqual([bnPerStep('input', overridden, 7), bnPerStep('recurrent', overridden, 7)]);
  });
});

describe('laurent2016', () => {
  it('BN on the input term with statistics over batch and time, replacing the bias', () => {
    const layer = layerWith('rnn', 'norm laurent2016');
    expect(layer.norms).toEqual([
      { site: 'input', kind: 'batch', epsilon: 1e-5, gammaInit: 1, betaInit: 0, center: true, groups: 'all', carry: false, batch: { statistics: 'shared', maxSteps: null, momentum: 0.99 } },
    ]);
    expect(layer.useBias).toBe(false);
  });
});

describe('rms2019', () => {
  it('LSTM: the ba2016 placement with RMSNorm, no centering, ε 1e-6', () => {
    expect(layerWith('lstm', 'norm rms2019').norms).toEqual([rms('input'), rms('recurrent'), rms('cell')]);
  });
  it('GRU: gates and candidate separately, reset after', () => {
    const layer = layerWith('gru', 'norm rms2019');
    expect(layer.norms).toEqual([rms('input', { groups: 'gates_and_candidate' }), rms('recurrent', { groups: 'gates_and_candidate' })]);
    expect(layer.resetAfter).toBe(true);
  });
});

describe('combining norm statements', () => {
  it('a later statement replaces one site of a preset', () => {
    const layer = layerWith('lstm', 'norm ba2016\n  norm layer at cell { carry true }');
    expect(layer.norms).toEqual([ln('input', 1e-5), ln('recurrent', 1e-5), ln('cell', 1e-5, { carry: true })]);
  });
  it('explicit layer settings win over the preset', () => {
    const layer = layerWith('lstm', 'norm tf1_contrib\n  bias true');
    expect(layer.useBias).toBe(true);
  });
  it('a GRU `gates` site defaults to per-gate statistics; rms has no β by default', () => {
    expect(layerWith('gru', 'norm rms at gates').norms).toEqual([rms('gates', { groups: 'per_gate' })]);
  });
  it('`beta none` removes β; a β value on rms adds one', () => {
    expect(layerWith('lstm', 'norm layer at hidden { beta none }').norms).toEqual([ln('hidden', 1e-5, { center: false })]);
    expect(layerWith('lstm', 'norm rms at input { beta 0.5 }').norms).toEqual([rms('input', { center: true, betaInit: 0.5 })]);
  });
});

describe('registry', () => {
  it('holds the six documented presets, each with cells and a doc string', () => {
    expect(PRESETS.map((preset) => preset.name)).toEqual(['ba2016', 'tf1_contrib', 'tfa', 'cooijmans2016', 'laurent2016', 'rms2019']);
    for (const preset of PRESETS) {
      expect(preset.cells.length).toBeGreaterThan(0);
      expect(preset.doc.length).toBeGreaterThan(40);
    }
  });
});
