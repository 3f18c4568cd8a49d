/** docs/runtime.md's equations are generated from the variant tables; SEQNET_UPDATE_DOCS=1 rewrites them. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellEquationsMarkdown, normKindsMarkdown, refreshRuntimeDoc } from '../../src/explain/runtime-doc.js';
import { CELL_FACTS, CELL_KINDS, NORM_FACTS, NORM_KINDS } from '../../src/variants/index.js';

const path = join(import.meta.dirname, '../../docs/runtime.md');

describe('docs/runtime.md', () => {
  it('has its generated equations up to date (npm run docs)', () => {
    const committed = readFileSync(path, 'utf8');
    const expected = refreshRuntimeDoc(committed);
    if (process.env.SEQNET_UPDATE_DOCS === '1') writeFileSync(path, expected);
    expect(committed, 'docs/runtime.md is stale: run npm run docs').toBe(expected);
  });

  it('rewrites a stale section and refuses a doc without its markers', () => {
    const stale = readFileSync(path, 'utf8').replace('c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t', 'c_t = stale');
    const refreshed = refreshRuntimeDoc(stale);
    expect(refreshed).not.toContain('c_t = stale');
    expect(refreshed).toContain('c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t');
    expect(() => refreshRuntimeDoc('# Runtime\n')).toThrow(/cell-equations/);
  });

  it('writes every cell kind in the canonical form, with every site as N_site', () => {
    const cells = cellEquationsMarkdown();
    for (const cell of CELL_KINDS) expect(cells).toContain(`**${CELL_FACTS[cell].title}** (\`${cell}\``);
    expect(cells).toContain('f_t = σ(N_gates(u + v)_f + b_f + c_f)');
    expect(cells).toContain('h_t = o_t ⊙ act(N_c(c_t))    (c_t carried unnormalized)');
    expect(cells).toContain('c_t ← N_c(c_t)    (carried)');
    expect(cells).toContain('v_h = N_h(U_h·(r_t ⊙ h̃_{t−1}))    (reset before the recurrent product, once r_t is known)');
    expect(cells).toContain('ĥ_t = act(N_gates(u_h + r_t ⊙ v_h) + b_h)    (reset after the recurrent product)');
    expect(cells).toContain('[v_h] = N_h(U ⊙ h̃_{t−1})    (U a vector: one recurrent weight per unit)');
    expect(cells).toContain('h_t ← N_out(h_t)');
    expect(cells).toContain('x̃_t = x_t ⊙ m_x / keep_x');
  });

  it('writes every norm kind with its equation and source', () => {
    // The list is wrapped at the docs' width; the checks read it as one line.
    const norms = normKindsMarkdown().replace(/\s+/g, ' ');
    for (const kind of NORM_KINDS) expect(norms).toContain(`**${NORM_FACTS[kind].title}** (\`${kind}\`)`);
    expect(norms).toContain('`LN(v) = γ ⊙ (v − mean(v)) / √(var(v) + ε) + β`');
    expect(norms).toContain('`RMS(v) = γ ⊙ v / √(mean(v²) + ε) (+ β when it has one)`');
    expect(norms).toContain('Zhang & Sennrich 2019');
    expect(norms).toContain('separately for each step t ≤ maxSteps');
  });
});
