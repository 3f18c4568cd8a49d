/** Batch statistics inside a cell: per-step statistics need a step count; shared statistics only fit `input`. */
import { Code } from '../../diagnostics/codes.js';
import type { NormSite } from '../../ir/types.js';
import type { BodyItemJson } from '../../ir/spec-json.js';
import type { Check } from './context.js';

export const checkBatchStatistics: Check = (context) => {
  // One report per `norm` statement and problem, however many sites or stacked layers it covers.
  const reported = new Set<string>();
  const report = (code: typeof Code.MaxStepsRequired | typeof Code.SharedStatisticsSite, at: string, message: string, hint: string): void => {
    if (reported.has(`${code}${at}`)) return;
    reported.add(`${code}${at}`);
    context.report(code, message, at, 'header', hint);
  };
  context.ir.layers.forEach((layer, index) => {
    if (layer.type !== 'recurrent') return;
    const origin = context.origins.layers[index];
    for (const norm of layer.norms) {
      if (norm.batch === null) continue;
      const at = normPointer(context.spec.body?.[Number(origin.slice('/body/'.length))], origin, norm.site);
      if (norm.batch.statistics === 'per_step' && norm.batch.maxSteps === null) {
        report(Code.MaxStepsRequired, at, 'per-step batch statistics need `max_steps` when steps are variable', 'add `max_steps N` to the norm block, or use `statistics shared` at `input`');
      }
      if (norm.batch.statistics === 'shared' && norm.site !== 'input') {
        report(Code.SharedStatisticsSite, at, `shared batch statistics cannot be used at '${norm.site}'`, 'statistics over batch and time need a value that does not depend on the recurrence: use the `input` site');
      }
    }
  });
};

/** The last `norm` entry of the item that covers `site` (the one that produced the IR entry). */
function normPointer(item: BodyItemJson | undefined, origin: string, site: NormSite): string {
  const entries = item !== undefined && 'norm' in item ? (item.norm ?? []) : [];
  for (let index = entries.length - 1; index >= 0; index--) {
    const entry = entries[index];
    if (entry.preset !== undefined || entry.sites?.includes(site) === true) return `${origin}/norm/${index}`;
  }
  return origin;
}
