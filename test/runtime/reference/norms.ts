/**
 * Float64 layer, RMS and batch normalization of the reference, applied to a subset of a site's columns.
 *
 * Definitions (docs/runtime.md, Normalization kinds): `LN(v) = γ⊙(v − mean v)/√(var v + ε) + β` over one example's features
 * (population variance); `RMS(v) = γ⊙v/√(mean v² + ε)` (+β when centered); `BN` uses mean and variance of each
 * feature over the batch. Grouping (IR `NormIR.groups`): LN and RMS take their statistics over each group of
 * columns separately; γ and β always have one entry per column. Batch norm's statistics are per column, so
 * grouping does not change it.
 */
import type { CellKind, NormIR, NormSite } from '../../../src/ir/types.js';
import { range } from './math.js';
import type { NormParams } from './types.js';

/** What a norm needs to know about the step it runs in. */
export interface StepContext {
  training: boolean;
  /** Processing index of the step (0-based), which selects the per-step statistics. */
  step: number;
  /** Rows (examples) whose step is real data; only these enter batch statistics. */
  valid: boolean[];
  /** Statistics over batch and time for a `shared` batch norm at training time, precomputed by the runner. */
  shared?: { mean: number[]; variance: number[] };
  /** Receives the minibatch statistics used at training time (for the population update). */
  record?: (site: NormSite, row: number, column: number, mean: number, variance: number) => void;
}

const GATE_COUNT: Record<CellKind, number> = { lstm: 4, gru: 3, rnn: 1, indrnn: 1 };

/**
 * The groups of global column indices over which a site's statistics are taken (IR doc of `groups`):
 * `all` one group; `per_gate` one per gate block; `gates_and_candidate` the sigmoid gates together (LSTM i,f,o =
 * blocks 0,1,3; GRU z,r = blocks 0,1) and the candidate (LSTM block 2, GRU block 2) alone. `cell`/`hidden`
 * are one group of `units`. A GRU with the reset gate before the recurrent product computes the candidate's
 * recurrent term only after r_t, so its `recurrent` and `gates` sites cannot form one group over all 3u: the
 * documented equations (`seqnet explain`) split `all` into gates and candidate there.
 */
export function siteGroups(norm: NormIR, cell: CellKind, units: number, resetAfter: boolean): number[][] {
  if (norm.site === 'cell' || norm.site === 'hidden' || GATE_COUNT[cell] === 1) return [range(0, units)];
  const gates = GATE_COUNT[cell];
  const block = (g: number) => range(g * units, (g + 1) * units);
  let groups = norm.groups;
  if (cell === 'gru' && !resetAfter && norm.site !== 'input' && groups === 'all') groups = 'gates_and_candidate';
  if (groups === 'all') return [range(0, gates * units)];
  if (groups === 'per_gate') return range(0, gates).map(block);
  const sigmoidBlocks = cell === 'lstm' ? [0, 1, 3] : [0, 1];
  return [sigmoidBlocks.flatMap(block), block(2)];
}

/** Groups restricted to `columns`, as local positions; every column must be in exactly one complete group. */
function localGroups(groups: number[][], columns: readonly number[]): number[][] {
  const position = new Map(columns.map((c, k) => [c, k]));
  const local = groups.filter((g) => g.every((c) => position.has(c))).map((g) => g.map((c) => position.get(c) as number));
  const covered = local.reduce((n, g) => n + g.length, 0);
  if (covered !== columns.length) throw new Error('reference: a norm group straddles the columns being normalized');
  return local;
}

function normalizePerExample(norm: NormIR, params: NormParams, values: number[][], columns: readonly number[], groups: number[][]): number[][] {
  return values.map((row) => {
    const out = row.slice();
    for (const group of groups) {
      const part = group.map((k) => row[k]);
      const mean = norm.kind === 'layer' ? part.reduce((s, v) => s + v, 0) / part.length : 0;
      // LN: population variance about the mean; RMS: mean square (no centering).
      const spread = part.reduce((s, v) => s + (v - mean) ** 2, 0) / part.length;
      const scale = 1 / Math.sqrt(spread + norm.epsilon);
      for (const k of group) {
        const column = columns[k];
        out[k] = params.gamma[column] * (row[k] - mean) * scale + (params.beta === null ? 0 : params.beta[column]);
      }
    }
    return out;
  });
}

/** Mean and (biased) variance of column k over the valid rows. */
function columnStatistics(values: number[][], k: number, valid: boolean[]): { mean: number; variance: number } {
  const rows = values.filter((_, b) => valid[b]).map((row) => row[k]);
  const mean = rows.reduce((s, v) => s + v, 0) / rows.length;
  const variance = rows.reduce((s, v) => s + (v - mean) ** 2, 0) / rows.length;
  return { mean, variance };
}

function normalizeBatch(norm: NormIR, params: NormParams, values: number[][], columns: readonly number[], context: StepContext): number[][] {
  const batch = norm.batch;
  if (batch === null) throw new Error('reference: batch norm without batch settings');
  const perStep = batch.statistics === 'per_step';
  // Cooijmans et al.: steps beyond maxSteps use the statistics kept for the last step.
  const row = perStep ? Math.min(context.step, (batch.maxSteps ?? 1) - 1) : 0;
  // A step where every example is padding has no statistics; its values are masked out anyway.
  if (context.training && !context.valid.some(Boolean)) return values;
  const statistics = columns.map((column, k) => {
    if (!context.training) {
      return { mean: (params.movingMean as number[][])[row][column], variance: (params.movingVariance as number[][])[row][column] };
    }
    if (!perStep) {
      const shared = context.shared as { mean: number[]; variance: number[] };
      return { mean: shared.mean[column], variance: shared.variance[column] };
    }
    const s = columnStatistics(values, k, context.valid);
    context.record?.(norm.site, row, column, s.mean, s.variance);
    return s;
  });
  return values.map((r) =>
    r.map((v, k) => {
      const column = columns[k];
      const { mean, variance } = statistics[k];
      return params.gamma[column] * (v - mean) / Math.sqrt(variance + norm.epsilon) + (params.beta === null ? 0 : params.beta[column]);
    }),
  );
}

/**
 * Normalizes `values` (`[batch][columns.length]`), whose columns are the global columns `columns` of the
 * site (so γ, β and statistics are indexed globally), with the site's statistics groups `groups`.
 */
export function applyNorm(norm: NormIR, params: NormParams, values: number[][], columns: readonly number[], groups: number[][], context: StepContext): number[][] {
  // Every kind of the registry needs its case here (a new `NormKind` fails to compile until then).
  switch (norm.kind) {
    case 'batch':
      return normalizeBatch(norm, params, values, columns, context);
    case 'layer':
    case 'rms':
      return normalizePerExample(norm, params, values, columns, localGroups(groups, columns));
  }
}
