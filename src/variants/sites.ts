/**
 * Where a normalization can sit inside a cell, and how statistics over gate blocks can be grouped. The value
 * of a projection site (`input`, `recurrent`, `gates`) holds every gate block (`G·u` wide); a state site
 * (`cell`, `hidden`) is one state (`u` wide).
 */
/**
 * - `input`: the input projection `W·x_t` (all gates, or per gate).
 * - `recurrent`: the recurrent projection `U·h_{t-1}`.
 * - `gates`: the joint pre-activation `W·x_t + U·h_{t-1}` (before the bias); TF1 contrib's placement.
 * - `cell`: the LSTM cell state `c_t` (only in cells with a `c` state).
 * - `hidden`: the hidden output `h_t` (the normalized value is both output and carried state).
 */
export const NORM_SITES = ['input', 'recurrent', 'gates', 'cell', 'hidden'] as const;
export type NormSite = (typeof NORM_SITES)[number];

export const PROJECTION_SITES = ['input', 'recurrent', 'gates'] as const satisfies readonly NormSite[];
export type ProjectionSite = (typeof PROJECTION_SITES)[number];

export const NORM_GROUPS = ['all', 'per_gate', 'gates_and_candidate'] as const;
export type NormGroups = (typeof NORM_GROUPS)[number];

export function isProjectionSite(site: NormSite): site is ProjectionSite {
  return (PROJECTION_SITES as readonly NormSite[]).includes(site);
}
