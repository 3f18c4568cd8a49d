/** Batch statistics inside a cell: per-step statistics need a step count; shared statistics only fit `input`. */
import { Code } from '../../diagnostics/codes.js';
import type { RecurrentLayerIR } from '../../ir/types.js';
import type { Check } from './context.js';

export const checkBatchStatistics: Check = (context) => {
  const reported = new Set<string>();
  context.ir.layers.forEach((layer, index) => {
    if (layer.type !== 'recurrent') return;
    const origin = context.origins.layers[index];
    // A stack reports once for all its layers.
    if (reported.has(origin)) return;
    for (const norm of layer.norms) {
      if (norm.batch === null) continue;
      const at = normPointer(context.spec.body?.[Number(origin.slice('/body/'.length))], origin, norm.site);
      if (norm.batch.statistics === 'per_step' && norm.batch.maxSteps === null) {
        context.report(Code.MaxStepsRequired, `per-step batch statistics at '${norm.site}' need 'max_steps' when steps are variable`, at, 'header', 'add `max_steps N` to the norm block, or use `statistics shared` at `input`');
        reported.add(origin);
      }
      if (norm.batch.statistics === 'shared' && norm.site !== 'input') {
        context.report(Code.SharedStatisticsSite, `shared batch statistics cannot be used at '${norm.site}'`, at, 'header', 'statistics over batch and time need a value that does not depend on the recurrence: use the `input` site');
        reported.add(origin);
      }
    }
  });
};

/** The last `norm` entry of the item that covers `site` (the one that produced the IR entry). */
function normPointer(item: unknown, origin: string, site: RecurrentLayerIR['norms'][number]['site']): string {
  const entries = (item as { norm?: { sites?: string[]; preset?: string }[] } | undefined)?.norm ?? [];
  for (let index = entries.length - 1; index >= 0; index--) {
    const entry = entries[index];
    if (entry.preset !== undefined || entry.sites?.includes(site) === true) return `${origin}/norm/${index}`;
  }
  return origin;
}
