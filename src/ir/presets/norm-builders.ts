/** Builders for fully-specified NormIR entries, used by the presets so each reads as its paper's settings. */
import type { NormGroups, NormIR, NormSite } from '../types.js';

interface Shape {
  epsilon: number;
  gamma?: number;
  beta?: number;
  center?: boolean;
  groups?: NormGroups;
  carry?: boolean;
}

export function layerNorm(site: NormSite, shape: Shape): NormIR {
  return { site, kind: 'layer', ...common(shape), batch: null };
}

export function rmsNorm(site: NormSite, shape: Shape): NormIR {
  return { site, kind: 'rms', ...common({ center: false, ...shape }), batch: null };
}

export function batchNorm(site: NormSite, shape: Shape & { statistics: 'per_step' | 'shared'; maxSteps: number | null; momentum: number }): NormIR {
  const statistics = { statistics: shape.statistics, maxSteps: shape.statistics === 'shared' ? null : shape.maxSteps, momentum: shape.momentum };
  return { site, kind: 'batch', ...common(shape), batch: statistics };
}

function common(shape: Shape): Omit<NormIR, 'site' | 'kind' | 'batch'> {
  return {
    epsilon: shape.epsilon,
    gammaInit: shape.gamma ?? 1,
    betaInit: shape.beta ?? 0,
    center: shape.center ?? true,
    groups: shape.groups ?? 'all',
    carry: shape.carry ?? false,
  };
}
