/**
 * The generated sections of docs/runtime.md: every cell kind's equations in a canonical form and every norm
 * kind's equation, statistics and source, rendered by the same writers `seqnet explain` uses (the cell kinds'
 * `equations`, `NORM_FACTS`). `npm run docs` rewrites them; test/compile/runtime-doc.test.ts fails when the
 * committed doc is stale.
 */
import type { NormIR, RecurrentLayerIR } from '../ir/types.js';
import {
  CELL_FACTS,
  CELL_KINDS,
  NORM_FACTS,
  NORM_KINDS,
  NORM_SITES,
  normEquation,
  type BatchStatisticsWords,
  type CellKind,
  type EquationContext,
  type NormKind,
  type NormSite,
} from '../variants/index.js';
import { equationContext, type KeepNotation } from './equations.js';
import { SITE_SUBSCRIPTS } from './notation.js';

/** The options a cell kind's equations differ by, beyond which sites, dropout forms and constants are present. */
interface Form {
  label: string | null;
  resetAfter: boolean;
  carry: boolean;
}

const KEEP: KeepNotation = (form) => ({ input: 'keep_x', recurrent: 'keep_h', candidate: 'keep_cand' })[form];

/** The forms worth a block of their own: the reset position where the cell has one, the cell norm's `carry`. */
function formsOf(cell: CellKind): Form[] {
  const facts = CELL_FACTS[cell];
  const resets = facts.resetChoice ? [false, true] : [false];
  const carries = (facts.sites as readonly NormSite[]).includes('cell') ? [false, true] : [false];
  return resets.flatMap((resetAfter) =>
    carries.map((carry) => {
      const words = [...(facts.resetChoice ? [`\`reset ${resetAfter ? 'after' : 'before'}\``] : []), ...(carry ? ['`carry true` on the cell norm'] : [])];
      return { label: words.length === 0 ? null : words.join(', '), resetAfter, carry };
    }),
  );
}

/** A layer with every site of the cell normalized and every dropout form on: the canonical form drops nothing. */
function canonicalLayer(cell: CellKind, form: Form): RecurrentLayerIR {
  const norm = (site: NormSite): NormIR => ({ site, kind: 'layer', epsilon: 1e-5, gammaInit: 1, betaInit: 0, center: true, groups: 'all', carry: site === 'cell' && form.carry, batch: null });
  return {
    type: 'recurrent',
    name: cell,
    cell,
    units: 1,
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
    returnSequences: true,
    bidirectional: null,
    residual: false,
    useBias: true,
    forgetBias: { init: 0, constant: 1 },
    resetAfter: form.resetAfter,
    norms: CELL_FACTS[cell].sites.map(norm),
    preset: null,
    dropout: { input: { rate: 0.5, mask: 'sequence' }, recurrent: { rate: 0.5 }, candidate: { rate: 0.5, mask: 'sequence' }, zoneout: { cell: 0.5, hidden: 0.5 } },
    initializers: { kernel: 'glorot_uniform', recurrentKernel: 'orthogonal', bias: 'zeros' },
    outputSize: 1,
  };
}

/** The layer's context with the canonical symbols: `N_x` for the norm at `input`, `act`, `σ`, `c_f`, `keep_x`. */
function canonicalContext(cell: CellKind, form: Form): EquationContext {
  const context = equationContext(canonicalLayer(cell, form), KEEP);
  const norms = Object.fromEntries(NORM_SITES.map((site) => [site, context.norms[site] === null ? null : `N_${SITE_SUBSCRIPTS[site]}`]));
  return { ...context, norms: norms as Record<NormSite, string | null>, activation: 'act', gateActivation: 'σ', forgetConstant: context.forgetConstant === null ? null : 'c_f' };
}

function cellMarkdown(cell: CellKind): string[] {
  const facts = CELL_FACTS[cell];
  const lines = [`**${facts.title}** (\`${cell}\`; ${facts.source}):`];
  for (const form of formsOf(cell)) {
    if (form.label !== null) lines.push('', `${form.label}:`);
    lines.push('', '```', ...facts.equations(canonicalContext(cell, form)), '```');
  }
  return facts.notes === '' ? lines : [...lines, '', ...wrap(facts.notes)];
}

/** Prose broken into lines of at most 110 characters (the docs' width), at spaces. */
function wrap(text: string, first = '', rest = ''): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(' ')) {
    const prefix = lines.length === 0 ? first : rest;
    if (line.length > prefix.length && line.length + 1 + word.length > 110) {
      lines.push(line);
      line = rest + word;
    } else line = line.length > prefix.length ? `${line} ${word}` : `${line}${word}`;
  }
  return [...lines, line];
}

const SITE_LIST = NORM_SITES.map((site) => `\`N_${SITE_SUBSCRIPTS[site]}\``).join(', ');

/** The `## Equations` section's generated body. */
export function cellEquationsMarkdown(): string {
  const notation = wrap(
    `Notation: \`σ\` is \`recurrentActivation\`, \`act\` is \`activation\`; ${SITE_LIST} the norms at the ` +
      `${NORM_SITES.map((site) => `\`${site}\``).join(', ')} sites (\`seqnet explain\` writes the kind: \`LN_x\`, \`BN_h\`, …); ` +
      '`u_g`, `v_g`, `b_g` gate g\'s slices of `W·x_t`, `U·h_{t−1}` and the bias; `⊙` elementwise; `m_x`, `m_h`, ' +
      '`m_cand` dropout masks kept with probability `keep_x`, `keep_h`, `keep_cand`; `d_c`, `d_h` zoneout masks; ' +
      '`c_f` the constant forget bias. Every site, dropout form and constant is written in; a layer without one ' +
      'leaves out its line or term, as `seqnet explain` shows for a spec.',
  );
  return [...notation, ...CELL_KINDS.flatMap((cell) => ['', ...cellMarkdown(cell)])].join('\n');
}

/** Batch-statistics settings in symbols. */
function symbolicBatch(shared: boolean): BatchStatisticsWords {
  return { shared, lastStep: 'maxSteps', momentum: 'momentum', complement: '(1 − momentum)' };
}

function normMarkdown(kind: NormKind): string[] {
  const facts = NORM_FACTS[kind];
  const perStep = facts.statistics({ place: 'cell', batch: symbolicBatch(false) });
  const shared = facts.statistics({ place: 'cell', batch: symbolicBatch(true) });
  const inCell = perStep === shared ? perStep : `\`per_step\`: ${perStep}; \`shared\`: ${shared}`;
  const between = facts.statistics({ place: 'between_layers', batch: symbolicBatch(true) });
  const where: string | null = facts.where;
  const statistics = inCell === between ? `Statistics, in a cell and between layers: ${inCell}.` : `Statistics in a cell: ${inCell}. Between layers: ${between}.`;
  const text = `**${facts.title}** (\`${kind}\`): \`${normEquation(kind)}\`${where === null ? '' : `, ${where}`}. ${statistics} Source: ${facts.source}.`;
  return wrap(text, '- ', '  ');
}

/** The `## Normalization kinds` section's generated list. */
export function normKindsMarkdown(): string {
  return NORM_KINDS.flatMap(normMarkdown).join('\n');
}

/** The generated sections of docs/runtime.md, by the name their markers carry. */
export const RUNTIME_DOC_SECTIONS: Readonly<Record<string, () => string>> = {
  'cell-equations': cellEquationsMarkdown,
  'norm-kinds': normKindsMarkdown,
};

const HOW = 'generated from src/variants by src/explain/runtime-doc.ts; edit the tables, then run `npm run docs`';

/** `doc` with every generated section rewritten; a section whose markers are missing is an error. */
export function refreshRuntimeDoc(doc: string): string {
  let result = doc;
  for (const [name, render] of Object.entries(RUNTIME_DOC_SECTIONS)) {
    const begin = new RegExp(`<!-- BEGIN ${name}[^>]*-->\\n`);
    const end = `<!-- END ${name} -->`;
    const start = result.search(begin);
    const stop = result.indexOf(end);
    if (start < 0 || stop < start) throw new Error(`docs/runtime.md has no '<!-- BEGIN ${name} -->' … '${end}' markers`);
    result = `${result.slice(0, start)}<!-- BEGIN ${name} (${HOW}) -->\n${render()}\n${result.slice(stop)}`;
  }
  return result;
}
