/**
 * Normalization inside a cell: presets expanded, explicit `norm KIND at SITE…` statements resolved, later
 * statements replacing earlier ones site by site, and the result in a fixed site order.
 */
import type { CellNormJson, NormParamsJson } from './spec-json.js';
import { DEFAULTS } from './defaults.js';
import { findPreset, type PresetOverrides } from './presets/index.js';
import type { CellKind, NormIR, NormKind, NormSite } from './types.js';
import { defaultGroups, isProjectionSite, NORM_FACTS, NORM_SITES } from '../variants/index.js';

export interface CellNorms {
  norms: NormIR[];
  /** The preset whose sites survive (the last one named), or null. */
  preset: string | null;
  overrides: PresetOverrides;
}

export function lowerCellNorms(entries: readonly CellNormJson[], cell: CellKind, steps: number | null): CellNorms {
  const bySite = new Map<NormSite, NormIR>();
  let preset: string | null = null;
  let overrides: PresetOverrides = {};
  for (const entry of entries) {
    if (entry.preset !== undefined) {
      const found = findPreset(entry.preset);
      // An unknown preset, or one not defined for this cell, is reported by the checks; it adds nothing here.
      if (found === undefined || !found.cells.includes(cell)) continue;
      const expansion = found.expand(cell, { steps });
      for (const norm of expansion.norms) bySite.set(norm.site, applyParameters(norm, entry));
      preset = found.name;
      overrides = { ...overrides, ...expansion.overrides };
    } else if (entry.kind !== undefined) {
      for (const site of entry.sites ?? []) bySite.set(site, explicitNorm(entry.kind, site, entry, cell, steps));
    }
  }
  const norms = NORM_SITES.flatMap((site) => bySite.get(site) ?? []);
  return { norms, preset, overrides };
}

/** A site written out explicitly: every field from the statement, from DEFAULTS.norm or from the variants' facts. */
function explicitNorm(kind: NormKind, site: NormSite, params: NormParamsJson, cell: CellKind, steps: number | null): NormIR {
  const defaults = DEFAULTS.norm;
  const base: NormIR = {
    site,
    kind,
    epsilon: NORM_FACTS[kind].epsilon,
    gammaInit: defaults.gamma,
    betaInit: defaults.beta,
    center: NORM_FACTS[kind].center,
    groups: defaultGroups(cell, site),
    carry: defaults.carry,
    batch: NORM_FACTS[kind].batchStatistics ? { statistics: defaults.statistics, maxSteps: steps, momentum: defaults.momentum } : null,
  };
  return applyParameters(base, params);
}

/** Block parameters override the corresponding fields of a site; each applies only where it means something. */
export function applyParameters(norm: NormIR, params: NormParamsJson): NormIR {
  const result: NormIR = { ...norm, batch: norm.batch === null ? null : { ...norm.batch } };
  if (params.epsilon !== undefined) result.epsilon = params.epsilon;
  if (params.gamma !== undefined) result.gammaInit = params.gamma;
  if (params.beta === 'none') {
    result.center = false;
  } else if (params.beta !== undefined) {
    result.center = true;
    result.betaInit = params.beta;
  }
  if (params.groups !== undefined && isProjectionSite(norm.site)) result.groups = params.groups;
  if (params.carry !== undefined && norm.site === 'cell') result.carry = params.carry;
  if (result.batch !== null) {
    if (params.statistics !== undefined) result.batch.statistics = params.statistics;
    if (params.momentum !== undefined) result.batch.momentum = params.momentum;
    if (params.max_steps !== undefined) result.batch.maxSteps = params.max_steps;
    if (result.batch.statistics === 'shared') result.batch.maxSteps = null;
  }
  return result;
}
