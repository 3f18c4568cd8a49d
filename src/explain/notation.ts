/** Shared notation of the explanations: activation symbols, number formatting, norm sites and their wording. */
import type { Activation, NormIR, NormSite, RecurrentLayerIR } from '../ir/types.js';
import { CELL_FACTS, NORM_FACTS, siteSpans, siteWidth, type BatchStatisticsWords } from '../variants/index.js';

/** σ for the logistic sigmoid, the activation's own name otherwise. */
export function activationSymbol(activation: Activation): string {
  return activation === 'sigmoid' ? 'σ' : activation;
}

/** Numbers as written in the spec language (1e-12 stays 1e-12). */
export function num(value: number): string {
  // Twelve significant digits hide float noise such as 1 − 0.99 = 0.010000000000000009.
  const clean = Number(value.toPrecision(12));
  return Math.abs(clean) > 0 && Math.abs(clean) < 1e-3 ? clean.toExponential() : String(clean);
}

/** How a norm's symbol names its site: `LN_x` at the input projection, `N_out` for any kind at `hidden`. */
export const SITE_SUBSCRIPTS: Readonly<Record<NormSite, string>> = { input: 'x', recurrent: 'h', gates: 'gates', cell: 'c', hidden: 'out' };

/** The symbol of the normalization at a site, e.g. `LN_x`, `BN_h`, `RMS_c`. */
export function normSymbol(norm: NormIR): string {
  return `${NORM_FACTS[norm.kind].symbol}_${SITE_SUBSCRIPTS[norm.site]}`;
}

export function findNorm(layer: RecurrentLayerIR, site: NormSite): NormIR | null {
  return layer.norms.find((norm) => norm.site === site) ?? null;
}

export function gateNames(layer: RecurrentLayerIR): string[] {
  return [...CELL_FACTS[layer.cell].gates];
}

/** How the statistics of a projection-site norm are grouped, in words with this layer's widths. */
function grouping(layer: RecurrentLayerIR, norm: NormIR): string {
  const gates = gateNames(layer);
  if (norm.site === 'cell' || norm.site === 'hidden') return `statistics over all ${layer.units} values together`;
  if (gates.length === 1) return `statistics over all ${layer.units} values together`;
  // Where a site is normalized in spans (the GRU with the reset gate before the recurrent product: the
  // candidate's term needs r_t first), the gates and the candidate are apart even when grouped as `all`.
  const split = siteSpans(layer.cell, norm.site, layer.resetAfter).length > 1 && norm.groups === 'all';
  const groups = split ? 'gates_and_candidate' : norm.groups;
  if (groups === 'all') return `statistics over all ${siteWidth(layer.cell, norm.site, layer.units)} values together`;
  if (groups === 'per_gate') return `statistics per gate: ${gates.join(', ')} each over its own ${layer.units} values`;
  const candidate = gates[CELL_FACTS[layer.cell].candidate];
  const sigmoidGates = gates.filter((gate) => gate !== candidate);
  const reason = split ? ' (reset before the product: the candidate term is computed after r_t)' : '';
  return `statistics for the gates [${sigmoidGates.join(', ')}] together over ${sigmoidGates.length * layer.units} values, and for the candidate ${candidate} separately over ${layer.units}${reason}`;
}

/** Batch-statistics settings as the descriptions print them (`momentum` defaults as the IR's between-layer norm does). */
export function batchWords(statistics: 'shared' | 'per_step', maxSteps: number | null, momentum: number): BatchStatisticsWords {
  return { shared: statistics === 'shared', lastStep: String(maxSteps ?? '?'), momentum: num(momentum), complement: num(1 - momentum) };
}

function statistics(norm: NormIR): string {
  const batch = norm.batch === null ? null : batchWords(norm.batch.statistics, norm.batch.maxSteps, norm.batch.momentum);
  return NORM_FACTS[norm.kind].statistics({ place: 'cell', batch });
}

/** One line describing a norm site with all its settings. */
export function describeNorm(layer: RecurrentLayerIR, norm: NormIR): string {
  const kind = NORM_FACTS[norm.kind].title;
  const beta = norm.center ? `β init ${num(norm.betaInit)}` : 'no β';
  const parts = [`${normSymbol(norm)}: ${kind} at ${norm.site}`, `ε = ${num(norm.epsilon)}`, `γ init ${num(norm.gammaInit)}`, beta];
  // Batch norm normalizes each unit over the batch, so gate grouping does not apply to it.
  const width = siteWidth(layer.cell, norm.site, layer.units);
  parts.push(NORM_FACTS[norm.kind].batchStatistics ? `each of the ${width} values normalized on its own` : grouping(layer, norm), statistics(norm));
  if (norm.site === 'cell') {
    parts.push(norm.carry ? 'the normalized c_t is carried to the next step' : 'used for the output only; the raw c_t is carried');
  }
  if (norm.site === 'hidden') parts.push('the normalized h_t is both the output and the carried state');
  return parts.join('; ');
}
