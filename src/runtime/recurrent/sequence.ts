/**
 * Runs one direction of a recurrent layer over a sequence, by the fused op when the config allows it
 * (`fused/registry.ts`), else by the step loop. The step loop cuts the time-major input into steps (see
 * `splitSteps`) and projects each step's own `x_t·W`, since cutting the much wider precomputed projection
 * into steps costs more on wasm than the small per-step matmuls.
 */
import * as tf from '@tensorflow/tfjs';
import type { NormIR } from '../../ir/types.js';
import type { NormWeights } from './norms/types.js';
import type { SeqnetRecurrentConfig } from './config.js';
import { candidateAt, CELL_FACTS, siteBlocks } from '../../variants/index.js';
import { activationFn } from './activations.js';
import { cellDescriptor } from './cells/registry.js';
import { addInitialNoise, drawDropout } from './dropout.js';
import type { CallDropout } from './dropout.js';
import { fusedPlanFor } from './fused/registry.js';
import type { FusedPlan } from './fused/registry.js';
import { runFused } from './fused/op.js';
import type { GateActivation, SiteSetup } from './fused/types.js';
import type { StepStatistics } from './fused/norm-kernel.js';
import { heapKernels } from './heap/kernels.js';
import type { HeapKernels } from './heap/heap.js';
import { heapLoopSupports, runHeapDirection } from './heap/run.js';
import { groupIdsFor } from './norms/grouping.js';
import { CallNorms } from './norms/sites.js';
import { matMulPlain, splitSteps } from './ops.js';
import type { PopulationRecorder } from './norms/population.js';

/** The variables of one direction. */
export interface DirectionWeights {
  kernel: tf.LayerVariable;
  recurrentKernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  norms: NormWeights[];
}

export interface DirectionInput {
  /** `[batch, time, features]`, already in processing order (reversed for a backward direction). */
  x: tf.Tensor;
  /** `[batch, time]` validity in the same order, or null. */
  mask: tf.Tensor | null;
  initialState: tf.Tensor[] | null;
  training: boolean;
  /** Whether the per-step outputs are needed (returnSequences), or only the final states. */
  keepOutputs: boolean;
}

export interface DirectionResult {
  /** `[batch, time, units]` in processing order (null unless `keepOutputs`); padded steps are zeros. */
  outputs: tf.Tensor | null;
  /** Final `[h]` or `[h, c]`: the state after the last valid step of each sequence. */
  states: tf.Tensor[];
}

/**
 * Whether the fused op runs this call. In training, on backends whose tensors live in main memory (wasm,
 * cpu, tfjs-node), where its per-step reads are cheap and its written-out backward pass replaces dozens of
 * per-step gradient ops; on GPU backends each read would stall the pipeline. At inference only on the plain
 * JavaScript cpu backend: elsewhere the backend's vectorized element-wise ops beat the fused loop's
 * JavaScript (measured on wasm: the step loop's forward pass is 10–40 % faster).
 */
function fusedRuns(training: boolean): boolean {
  const backend = tf.getBackend();
  return training ? ['wasm', 'cpu', 'tensorflow'].includes(backend) : backend === 'cpu';
}

/** The constant added to the forget pre-activation (a cell without a forget gate: 0). */
function forgetConstant(config: SeqnetRecurrentConfig): number {
  return CELL_FACTS[config.cell].forgetGate === null ? 0 : config.forgetBias.constant;
}

/** Whether the reset gate acts after the recurrent product (only where the cell has that choice). */
function resetAfter(config: SeqnetRecurrentConfig): boolean {
  return CELL_FACTS[config.cell].resetChoice && config.resetAfter;
}

/** What both ways of running a direction share for one call. */
interface Prelude {
  batch: number;
  steps: number;
  units: number;
  norms: CallNorms;
  dropout: CallDropout;
  /** `[steps·batch, features]`, input dropout applied. */
  timeMajorX: tf.Tensor;
  /** `[steps·batch, 1]` validity, or null. */
  timeMajorMask: tf.Tensor | null;
  /** In training, `a·b` with a gradient free of transposed matmuls (`bT` = `bᵀ` when known). */
  matMul: (a: tf.Tensor, b: tf.Tensor, bT: tf.Tensor | null) => tf.Tensor;
  kernel: tf.Tensor;
  /** `kernelᵀ`, made once per training call; null at inference. */
  kernelT: tf.Tensor | null;
  bias: tf.Tensor | null;
  /** `x·W` of all steps `[steps·batch, G·u]`, computed on first use. */
  projection: () => tf.Tensor;
  /** `U`, or `U ⊙ M` under weight drop: the kernel every step of this call multiplies by (both engines). */
  recurrentKernel: tf.Tensor;
}

export function runDirection(
  config: SeqnetRecurrentConfig,
  weights: DirectionWeights,
  input: DirectionInput,
  population: PopulationRecorder,
): DirectionResult {
  const heap = input.training || !heapLoopSupports(config) ? null : heapKernels();
  if (heap !== null) return runHeapLoop(heap, config, weights, input);
  const [batch, steps, features] = input.x.shape as [number, number, number];
  const units = config.units;
  const norms = new CallNorms(weights.norms, config.cell, units, input.training, population);
  const recurrentKernel = weights.recurrentKernel.read();
  const dropout = drawDropout(config.dropout, input.training, { batch, steps, features, units, recurrentKernel: recurrentKernel.shape });
  const x = dropout.input === null ? input.x : tf.mul(input.x, dropout.input);
  const transpose = (variable: tf.LayerVariable) => (input.training ? tf.transpose(variable.read()) : null);
  let projection: tf.Tensor | null = null;
  const prelude: Prelude = {
    batch,
    steps,
    units,
    norms,
    dropout,
    timeMajorX: tf.reshape(tf.transpose(x, [1, 0, 2]), [steps * batch, features]),
    timeMajorMask: input.mask === null ? null : tf.reshape(tf.transpose(tf.cast(input.mask, 'float32')), [steps * batch, 1]),
    matMul: (a, b, bT) => (input.training ? matMulPlain(a, b, bT ?? undefined) : tf.matMul(a, b)),
    kernel: weights.kernel.read(),
    kernelT: transpose(weights.kernel),
    bias: weights.bias === null ? null : weights.bias.read(),
    projection: () => {
      projection ??= prelude.matMul(prelude.timeMajorX, prelude.kernel, prelude.kernelT);
      return projection;
    },
    recurrentKernel: dropout.recurrentWeights === null ? recurrentKernel : tf.mul(recurrentKernel, dropout.recurrentWeights),
  };
  if (norms.needsSequence('input')) norms.prepareSequence('input', prelude.projection(), prelude.timeMajorMask);
  const states = CELL_FACTS[config.cell].states;
  const initial = addInitialNoise(input.initialState ?? states.map(() => tf.zeros([batch, units])), states, config.dropout.initialNoise, input.training);
  const plan = fusedRuns(input.training) ? fusedPlanFor(config) : null;
  if (plan !== null) return runFusedDirection(config, plan, weights, prelude, initial, input);
  return runStepLoop(config, prelude, initial, input);
}

/**
 * The fused op: the input term of all steps in one matmul (input norm and bias vectorized too, unless a norm
 * inside the loop needs the bias after it), then the recurrence in one op with a hand-written backward pass.
 */
function runFusedDirection(
  config: SeqnetRecurrentConfig,
  plan: FusedPlan,
  weights: DirectionWeights,
  prelude: Prelude,
  initial: tf.Tensor[],
  input: DirectionInput,
): DirectionResult {
  const { batch, steps, units, norms, timeMajorMask } = prelude;
  const inLoop = (site: NormIR['site']) => plan.loopNorms.some((norm) => norm.site === site);
  let inputTerm = prelude.projection();
  if (!inLoop('input')) inputTerm = norms.apply('input', inputTerm, 0, timeMajorMask);
  const biasInLoop = plan.loopNorms.length > 0;
  if (prelude.bias !== null && !biasInLoop) inputTerm = tf.add(inputTerm, prelude.bias);
  const params = biasInLoop && prelude.bias !== null ? [prelude.bias] : [];
  const sites = plan.loopNorms.map((norm, index): SiteSetup => {
    const siteWeights = weights.norms.find((candidate) => candidate.site === norm.site) as NormWeights;
    params.push(siteWeights.gamma.read(), ...(siteWeights.beta === null ? [] : [siteWeights.beta.read()]));
    const population =
      input.training || siteWeights.movingMean === null || siteWeights.movingVariance === null
        ? null
        : { mean: siteWeights.movingMean.read().dataSync() as Float32Array, variance: siteWeights.movingVariance.read().dataSync() as Float32Array };
    const form = plan.forms[index];
    const groupIds = groupIdsFor(norm.groups, 0, siteBlocks(config.cell, norm.site), candidateAt(config.cell, norm.site));
    return { site: norm.site, norm, form, groupIds, population };
  });
  const call = {
    cell: plan.cell,
    heapTraining: plan.heapTraining,
    steps,
    batch,
    units,
    mask: timeMajorMask,
    keepOutputs: input.keepOutputs,
    // A gradient may be taken at inference too (`tf.grad` of a prediction): keep what the backward pass needs.
    record: input.training || tf.engine().isTapeOn(),
    gateActivation: config.recurrentActivation as GateActivation,
    forgetConstant: forgetConstant(config),
    resetAfter: resetAfter(config),
    recurrentMask: prelude.dropout.recurrent,
    stepMasks: prelude.dropout.drawn,
    sites,
    params,
  };
  const result = runFused(call, inputTerm, prelude.recurrentKernel, initial);
  // One tensor of each kind per site for all steps: per-step tensors cost the engine more than the update itself.
  for (const { site, firstColumn, steps: stepStatistics } of result.statistics) {
    if (stepStatistics.length === 0) continue;
    const width = stepStatistics[0].mean.length;
    const rows = (pick: (statistics: StepStatistics) => Float32Array) => {
      const values = new Float32Array(stepStatistics.length * width);
      stepStatistics.forEach((statistics, t) => values.set(pick(statistics), t * width));
      return tf.tensor2d(values, [stepStatistics.length, width]);
    };
    const valid = tf.tensor1d(stepStatistics.map((statistics) => statistics.valid));
    norms.population.recordSteps(site, firstColumn, rows((statistics) => statistics.mean), rows((statistics) => statistics.variance), valid);
  }
  const outputs = result.outputs === null ? null : tf.transpose(tf.reshape(result.outputs, [steps, batch, units]), [1, 0, 2]);
  return { outputs, states: result.states };
}

/**
 * Inference on the wasm backend: the loop of `heap/run.ts`, kernels called on the heap without the engine
 * (nothing of the other paths' preparation is needed: no dropout, no statistics to record).
 */
function runHeapLoop(kernels: HeapKernels, config: SeqnetRecurrentConfig, weights: DirectionWeights, input: DirectionInput): DirectionResult {
  try {
    return runHeapDirection(kernels, config, {
      x: input.x,
      kernel: weights.kernel.read(),
      bias: weights.bias === null ? null : weights.bias.read(),
      recurrentKernel: weights.recurrentKernel.read(),
      norms: weights.norms,
      mask: input.mask === null ? null : tf.transpose(tf.cast(input.mask, 'float32')),
      initial: input.initialState,
      keepOutputs: input.keepOutputs,
    });
  } finally {
    kernels.dispose();
  }
}

/** The general loop: one cell step of tfjs ops per time step, differentiated by tfjs. */
function runStepLoop(config: SeqnetRecurrentConfig, prelude: Prelude, initial: tf.Tensor[], input: DirectionInput): DirectionResult {
  const { steps, units, norms, dropout, matMul, kernel, kernelT, bias } = prelude;
  // The bias joins the input term unless a `gates` norm sits between the sum and the bias.
  const biasInStep = norms.norm('gates') !== undefined;
  const stepXs = splitSteps(prelude.timeMajorX, steps);
  const stepMasks = prelude.timeMajorMask === null ? null : splitSteps(prelude.timeMajorMask, steps);
  const stepMask = (t: number) => (stepMasks === null ? null : stepMasks[t]);
  const stepInput = (t: number): tf.Tensor => {
    const projected = norms.apply('input', matMul(stepXs[t], kernel, kernelT), t, stepMask(t));
    return bias === null || biasInStep ? projected : tf.add(projected, bias);
  };
  const { recurrentKernel } = prelude;
  const step = cellDescriptor(config.cell).step.createStep({
    units,
    recurrentKernel,
    recurrentKernelTransposed: input.training ? tf.transpose(recurrentKernel) : null,
    matMul,
    bias: biasInStep ? bias : null,
    norms,
    dropout,
    activation: activationFn(config.activation),
    recurrentActivation: activationFn(config.recurrentActivation),
    forgetConstant: forgetConstant(config),
    resetAfter: resetAfter(config),
    stepMask,
  });
  let states = initial;
  const outputs: tf.Tensor[] = [];
  for (let t = 0; t < steps; t += 1) {
    const next = step(t, stepInput(t), states);
    const valid = stepMask(t);
    // Padded steps carry the state unchanged and output zeros.
    states = valid === null ? next : next.map((state, k) => tf.add(states[k], tf.mul(valid, tf.sub(state, states[k]))));
    if (input.keepOutputs) outputs.push(valid === null ? next[0] : tf.mul(next[0], valid));
  }
  return { outputs: input.keepOutputs ? tf.stack(outputs, 1) : null, states };
}
