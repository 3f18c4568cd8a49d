/** `explainModel`: what every layer of a model computes with this spec's settings, as text or Markdown. */
import { escapeControl } from '../diagnostics/escape.js';
import type { ModelIR, NormKind } from '../ir/types.js';
import { modelSections, type Section } from './sections.js';
import { NORM_KINDS, normDefinition } from '../variants/index.js';

export interface ExplainOptions {
  format: 'text' | 'markdown';
}

const LEGEND = [
  '⊙ element-wise product; σ logistic sigmoid; W·x_t input projection, U·h_{t−1} recurrent projection',
  'slices u_g, v_g, b_g: the part of a projection or bias belonging to gate g (LSTM order i, f, g, o; GRU z, r, h)',
  'masks m ~ Bernoulli(keep) scale by 1/keep during training (inverted dropout) and are off at inference',
];

function usedNormKinds(ir: ModelIR): NormKind[] {
  const kinds = new Set<NormKind>();
  for (const layer of ir.layers) {
    if (layer.type === 'recurrent') layer.norms.forEach((norm) => kinds.add(norm.kind));
    if (layer.type === 'normalization') kinds.add(layer.kind);
  }
  return NORM_KINDS.filter((kind) => kinds.has(kind));
}

function inputLine(ir: ModelIR): string {
  const steps = ir.input.steps === null ? 'a variable number of steps' : `${ir.input.steps} steps`;
  const padding = ir.input.padding === null ? 'no padding mask' : `steps whose features all equal ${ir.input.padding} are padding and masked`;
  return `Input: ${steps} × ${ir.input.features} feature${ir.input.features === 1 ? '' : 's'}; ${padding}.`;
}

function renderText(ir: ModelIR, sections: Section[]): string {
  // The description is the only free text a spec carries into this output; its control characters are escaped.
  const lines = [`Model ${ir.name}${ir.description === null ? '' : ` — ${escapeControl(ir.description)}`}`, inputLine(ir), '', 'Notation:'];
  lines.push(...LEGEND.map((line) => `  ${line}`), ...usedNormKinds(ir).map((kind) => `  ${normDefinition(kind)}`));
  sections.forEach((section, index) => {
    lines.push('', `${index + 1}. ${section.title}`, ...section.facts.map((fact) => `   - ${fact}`), '   Computes:');
    lines.push(...section.equations.map((equation) => `     ${equation}`));
  });
  return `${lines.join('\n')}\n`;
}

function renderMarkdown(ir: ModelIR, sections: Section[]): string {
  const lines = [`# Model \`${ir.name}\``, ''];
  if (ir.description !== null) lines.push(escapeControl(ir.description), '');
  lines.push(inputLine(ir), '', '## Notation', '', ...LEGEND.map((line) => `- ${line}`));
  lines.push(...usedNormKinds(ir).map((kind) => `- \`${normDefinition(kind)}\``));
  sections.forEach((section, index) => {
    lines.push('', `## ${index + 1}. ${section.title}`, '', ...section.facts.map((fact) => `- ${fact}`), '', '```text');
    lines.push(...section.equations, '```');
  });
  return `${lines.join('\n')}\n`;
}

export function explainModel(ir: ModelIR, options: ExplainOptions = { format: 'text' }): string {
  const sections = modelSections(ir);
  return options.format === 'markdown' ? renderMarkdown(ir, sections) : renderText(ir, sections);
}
