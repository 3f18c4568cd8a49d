/** The constructor config of `SeqnetRecurrent` (a slice of the IR's recurrent layer) and its checks. */
import type { NormIR, NormSite, RecurrentLayerIR } from '../../ir/types.js';
import { CELL_FACTS, DROPOUT_FACTS, DROPOUT_FORMS, initializerFits, isCellKind, isRecurrentInitializer, recurrentInitializersFor } from '../../variants/index.js';

export type SeqnetRecurrentConfig = Pick<
  RecurrentLayerIR,
  | 'cell'
  | 'units'
  | 'activation'
  | 'recurrentActivation'
  | 'returnSequences'
  | 'bidirectional'
  | 'useBias'
  | 'forgetBias'
  | 'resetAfter'
  | 'norms'
  | 'dropout'
  | 'initializers'
> & {
  name?: string;
  returnState?: boolean;
  goBackwards?: boolean;
  seed?: number;
  inputShape?: (number | null)[];
  batchInputShape?: (number | null)[];
  trainable?: boolean;
};

/** The norm at a site, or undefined. */
export function normAt(norms: readonly NormIR[], site: NormSite): NormIR | undefined {
  return norms.find((norm) => norm.site === site);
}

/**
 * Rejects configs the layer cannot compute, with a message naming the field. The front end validates specs
 * before they get here; this guards hand-written configs and JSON from elsewhere.
 */
export function checkConfig(config: SeqnetRecurrentConfig): void {
  const fail = (message: string): never => {
    throw new Error(`SeqnetRecurrent${config.name === undefined ? '' : ` '${config.name}'`}: ${message}`);
  };
  if (!(config.units >= 1) || !Number.isInteger(config.units)) fail(`units must be a positive integer, got ${config.units}`);
  if (!isCellKind(config.cell)) fail(`unknown cell '${String(config.cell)}'`);
  const sites: readonly NormSite[] = CELL_FACTS[config.cell].sites;
  const seen = new Set<NormSite>();
  for (const norm of config.norms) {
    if (seen.has(norm.site)) fail(`more than one norm at site '${norm.site}'`);
    seen.add(norm.site);
    if (!sites.includes(norm.site)) fail(`a '${norm.site}' norm needs a cell with that site, not '${config.cell}'`);
    if (norm.kind === 'batch') checkBatch(norm, fail);
    else if (norm.batch !== null) fail(`norm at '${norm.site}' is '${norm.kind}' but has batch statistics`);
  }
  checkRecurrentInitializer(config, fail);
  for (const form of DROPOUT_FORMS) {
    // `?.` also covers a form that is absent when off (no field in configs saved before it existed).
    const rate = config.dropout[DROPOUT_FACTS[form].field]?.rate;
    if (rate !== undefined && !(rate >= 0 && rate < 1)) fail(`dropout rate must be in [0, 1), got ${rate}`);
  }
  const zoneout = config.dropout.zoneout;
  if (zoneout !== null && ![zoneout.cell, zoneout.hidden].every((z) => z >= 0 && z <= 1)) fail('zoneout probabilities must be in [0, 1]');
  // Absent in configs saved before initial noise existed.
  const noise = config.dropout.initialNoise;
  if (noise !== undefined && ![noise.cell, noise.hidden].every((std) => Number.isFinite(std) && std >= 0)) fail('initial noise standard deviations must be finite and ≥ 0');
  if (noise !== undefined && noise.cell > 0 && !(CELL_FACTS[config.cell].states as readonly string[]).includes('c')) fail(`a '${config.cell}' cell has no c state for initial noise`);
}

/** No silent substitute: a name that does not fit the cell's recurrent weight (a matrix or a vector) is rejected. */
function checkRecurrentInitializer(config: SeqnetRecurrentConfig, fail: (message: string) => never): void {
  const { recurrentKernel: name, steps } = config.initializers;
  if (!isRecurrentInitializer(name)) fail(`unknown recurrent initializer '${String(name)}'`);
  if (!initializerFits(name, config.cell)) {
    fail(`recurrent initializer '${name}' does not fit the recurrent ${CELL_FACTS[config.cell].recurrentWeight} of a '${config.cell}' cell; use one of: ${recurrentInitializersFor(config.cell).join(', ')}`);
  }
  if (steps !== undefined && !(Number.isInteger(steps) && steps >= 1)) fail(`initializers.steps must be a positive integer, got ${steps}`);
}

function checkBatch(norm: NormIR, fail: (message: string) => never): void {
  if (norm.batch === null) return fail(`batch norm at '${norm.site}' has no batch statistics settings`);
  if (norm.batch.statistics === 'shared' && norm.site !== 'input') {
    fail(`batch statistics shared over time are only possible at the 'input' site, not '${norm.site}'`);
  }
  if (norm.batch.statistics === 'per_step' && !(Number.isInteger(norm.batch.maxSteps) && (norm.batch.maxSteps as number) >= 1)) {
    fail(`per-step batch norm at '${norm.site}' needs maxSteps ≥ 1`);
  }
}
