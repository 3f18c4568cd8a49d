/** Warnings for options that are valid but change nothing where they are written. */
import { Code } from '../../diagnostics/codes.js';
import { findPreset } from '../../ir/presets/index.js';
import type { NormKind, NormSite } from '../../ir/types.js';
import type { CellNormJson, RecurrentJson } from '../../ir/spec-json.js';
import { recurrentItems, type Check, type CheckContext } from './context.js';
import { CELL_FACTS, hasGates, isProjectionSite, NORM_FACTS } from '../../variants/index.js';

export const checkNoEffect: Check = (context) => {
  for (const { item, pointer } of recurrentItems(context.spec)) {
    checkCellOptions(context, item, pointer);
    (item.norm ?? []).forEach((entry, index) => checkNormParameters(context, entry, item.type, `${pointer}/norm/${index}`));
  }
  (context.spec.body ?? []).forEach((item, index) => {
    const pointer = `/body/${index}`;
    if (item.type === 'norm' && !NORM_FACTS[item.kind].batchStatistics && item.momentum !== undefined) {
      warn(context, `${pointer}/momentum`, `'momentum' has no effect on a ${item.kind} norm`, 'only batch norm keeps population statistics');
    }
    if (item.type === 'dropout' && item.rate === 0) warn(context, `${pointer}/rate`, 'a dropout rate of 0 has no effect', 'remove the statement');
  });
  checkTrainOptions(context);
};

function warn(context: CheckContext, pointer: string, message: string, hint: string): void {
  context.report(Code.NoEffect, message, pointer, 'key', hint);
}

function checkCellOptions(context: CheckContext, item: RecurrentJson, pointer: string): void {
  const facts = CELL_FACTS[item.type];
  if (!hasGates(item.type) && item.recurrent_activation !== undefined) {
    warn(context, `${pointer}/recurrent_activation`, `'recurrent_activation' has no effect on an ${item.type}`, `an ${item.type} has no gates`);
  }
  if (facts.forgetGate === null && item.forget_bias !== undefined) {
    warn(context, `${pointer}/forget_bias`, `'forget_bias' has no effect on a ${item.type}`, 'only an LSTM has a forget gate');
  }
  if (!facts.resetChoice && item.reset !== undefined) {
    warn(context, `${pointer}/reset`, `'reset' has no effect on an ${item.type}`, 'only a GRU has a reset gate');
  }
  for (const [form, setting] of Object.entries(item.dropout ?? {})) {
    if (setting?.rate === 0) warn(context, `${pointer}/dropout/${form}`, `a ${form} dropout rate of 0 has no effect`, 'remove the statement');
  }
  for (const [state, rate] of Object.entries(item.zoneout ?? {})) {
    if (rate === 0) warn(context, `${pointer}/zoneout/${state}`, 'a zoneout rate of 0 has no effect', 'remove the statement');
  }
  for (const [state, std] of Object.entries(item.initial_noise ?? {})) {
    if (std === 0) warn(context, `${pointer}/initial_noise/${state}`, 'an initial noise of standard deviation 0 has no effect', 'remove the statement');
  }
}

/** The sites and kinds a `norm` entry produces: its explicit sites, or its preset's expansion. */
function entrySites(entry: CellNormJson, cell: RecurrentJson['type']): { site: NormSite; kind: NormKind }[] {
  if (entry.kind !== undefined) return (entry.sites ?? []).map((site) => ({ site, kind: entry.kind as NormKind }));
  const preset = entry.preset === undefined ? undefined : findPreset(entry.preset);
  if (preset === undefined || !preset.cells.includes(cell)) return [];
  return preset.expand(cell, { steps: null }).norms.map((norm) => ({ site: norm.site, kind: norm.kind }));
}

function checkNormParameters(context: CheckContext, entry: CellNormJson, cell: RecurrentJson['type'], pointer: string): void {
  const sites = entrySites(entry, cell);
  // An unknown preset or a bad site is already an error; its parameters are not worth a warning too.
  if (sites.length === 0) return;
  const has = (predicate: (target: { site: NormSite; kind: NormKind }) => boolean): boolean => sites.some(predicate);
  if (entry.carry !== undefined && !has((target) => target.site === 'cell')) {
    warn(context, `${pointer}/carry`, "'carry' only affects the 'cell' site", 'remove it, or normalize `cell`');
  }
  if (entry.groups !== undefined && !has((target) => isProjectionSite(target.site))) {
    warn(context, `${pointer}/groups`, "'groups' only affects the 'input', 'recurrent' and 'gates' sites", 'remove it');
  }
  const batch = has((target) => NORM_FACTS[target.kind].batchStatistics);
  for (const field of ['momentum', 'statistics', 'max_steps'] as const) {
    if (entry[field] !== undefined && !batch) warn(context, `${pointer}/${field}`, `'${field}' has no effect without batch norm`, 'only batch norm keeps statistics');
  }
  if (batch && entry.max_steps !== undefined && entry.statistics === 'shared') {
    warn(context, `${pointer}/max_steps`, "'max_steps' has no effect with shared statistics", 'remove it, or use `statistics per_step`');
  }
}

function checkTrainOptions(context: CheckContext): void {
  const train = context.spec.train;
  const split = context.spec.data?.split;
  if (train?.validation_split !== undefined && split !== undefined && split.validation > 0) {
    warn(context, '/train/validation_split', "'validation_split' has no effect: the data split has a validation part", 'remove it, or set the validation split to 0');
  }
  const heads = context.spec.heads;
  if (train?.loss !== undefined && heads.every((head) => head.loss !== undefined)) {
    warn(context, '/train/loss', "'loss' has no effect: every head sets its own", 'remove it, or the heads’ `loss` statements');
  }
  if (train?.metrics !== undefined && heads.every((head) => head.metrics !== undefined)) {
    warn(context, '/train/metrics', "'metrics' has no effect: every head sets its own", 'remove it, or the heads’ `metrics` statements');
  }
  const optimizer = train?.optimizer;
  if (optimizer?.type === 'sgd' && optimizer.nesterov === true && (optimizer.momentum ?? 0) === 0) {
    warn(context, '/train/optimizer/nesterov', "'nesterov' has no effect without momentum", 'set `momentum` above 0');
  }
}
