/** The cell kinds' equation writers (`src/variants/cells/<kind>.ts`) against the facts next to them. */
import { describe, expect, it } from 'vitest';
import { CELL_FACTS, CELL_KINDS, NORM_SITES, type EquationContext, type NormSite } from '../../src/variants/index.js';

/** No norms, dropout, bias or constants: the plain cell. */
const PLAIN: EquationContext = {
  norms: { input: null, recurrent: null, gates: null, cell: null, hidden: null },
  carryCell: false,
  activation: 'tanh',
  gateActivation: 'σ',
  input: 'x_t',
  recurrent: 'h_{t−1}',
  dropoutLines: [],
  candidateDropout: () => [],
  bias: false,
  forgetConstant: null,
  resetAfter: false,
  zoneoutLines: [],
};

/** A norm symbol at every site, each one distinct, so a line shows which site it normalizes. */
const EVERY_SITE = Object.fromEntries(NORM_SITES.map((site) => [site, `N@${site}`])) as Record<NormSite, string>;

describe('cell equation writers', () => {
  it('write the plain cells as their papers do', () => {
    expect(CELL_FACTS.lstm.equations(PLAIN)).toContain('c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t');
    expect(CELL_FACTS.lstm.equations(PLAIN)).toContain('h_t = o_t ⊙ tanh(c_t)');
    expect(CELL_FACTS.gru.equations(PLAIN)).toContain('v_h = U_h·(r_t ⊙ h_{t−1})    (reset before the recurrent product, once r_t is known)');
    expect(CELL_FACTS.gru.equations(PLAIN)).toContain('h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ ĥ_t');
    expect(CELL_FACTS.rnn.equations(PLAIN)).toEqual(['[u_h] = W·x_t', '[v_h] = U·h_{t−1}', 'h_t = tanh(u_h + v_h)']);
    expect(CELL_FACTS.indrnn.equations(PLAIN)).toContain('[v_h] = U ⊙ h_{t−1}    (U a vector: one recurrent weight per unit)');
  });

  for (const cell of CELL_KINDS) {
    it(`${cell}: normalizes exactly the sites its facts declare`, () => {
      const facts = CELL_FACTS[cell];
      for (const resetAfter of facts.resetChoice ? [false, true] : [false]) {
        const text = facts.equations({ ...PLAIN, norms: EVERY_SITE, resetAfter }).join('\n');
        const written = NORM_SITES.filter((site) => text.includes(`N@${site}(`));
        expect(written, `reset after: ${resetAfter}`).toEqual(NORM_SITES.filter((site) => (facts.sites as readonly NormSite[]).includes(site)));
      }
    });

    it(`${cell}: writes the context's dropout, bias and zoneout lines where they belong`, () => {
      const context = { ...PLAIN, bias: true, dropoutLines: ['DROP'], candidateDropout: (symbol: string) => [`CAND ${symbol}`], zoneoutLines: ['ZONE'] };
      const lines = CELL_FACTS[cell].equations(context);
      expect(lines[0]).toBe('DROP');
      expect(lines.at(-1)).toBe('ZONE');
      expect(lines.filter((line) => line.startsWith('CAND '))).toHaveLength(1);
      for (const gate of CELL_FACTS[cell].gates) expect(lines.join('\n')).toContain(`+ b_${gate}`);
    });
  }

  it('adds the forget constant to the forget gate only', () => {
    const lines = CELL_FACTS.lstm.equations({ ...PLAIN, forgetConstant: '1' });
    expect(lines.filter((line) => line.includes(' + 1)'))).toEqual(['f_t = σ(u_f + v_f + 1)']);
  });
});
