/**
 * The GRU recurrence with normalization sites inside the loop (recurrent, gates, hidden, and a per-step
 * batch-normalized input) as one fused op with a hand-written backward pass; the same equations as
 * `cells/gru.ts` (gate blocks z, r, h; σ the gate activation; N_site over the blocks named):
 *   x̂ = N_in(P_t)
 *   reset after:  R = N_rec(h·U);  [z, r] = σ(N_gates,zr(x̂_zr + R_zr) + b_zr);  h̃ = tanh(N_gates,h(x̂_h + r ⊙ R_h) + b_h)
 *   reset before: [z, r] = σ(N_gates,zr(x̂_zr + N_rec,zr(h·U_zr)) + b_zr);   h̃ = tanh(N_gates,h(x̂_h + N_rec,h((r ⊙ h)·U_h)) + b_h)
 *   h_t = N_hidden(z ⊙ h_{t−1} + (1 − z) ⊙ h̃)
 * A site normalized in two spans (the gates always, the recurrent projection with the reset gate first) has
 * one norm kernel per span, over the span's columns of γ, β and the population statistics.
 */
import * as tf from '@tensorflow/tfjs';
import type { NormSite } from '../../../ir/types.js';
import { siteSpans } from '../../../variants/index.js';
import { addColumns, factorAt, gateDerivative, gateFunction, multiply, recurrentInput, stateGradientAtStep, tanh, zoneoutAt } from './math.js';
import { recurrentKernelGradient } from './gru.js';
import { NormTape, loopParameters } from './loop-norms.js';
import { NormKernel } from './norm-kernel.js';
import type { FusedArgs, FusedCell, FusedGradients, FusedRun, SiteSetup } from './types.js';

/** One span of a site: gate blocks `first … first + count − 1` and its norm kernel. */
interface Span {
  site: NormSite;
  first: number;
  count: number;
  kernel: NormKernel;
}

/** Rows `[rows, width]` cut to columns `start … start + span` (population statistics of a span). */
function columns(values: Float32Array, width: number, start: number, span: number): Float32Array {
  const rows = values.length / width;
  const out = new Float32Array(rows * span);
  for (let row = 0; row < rows; row += 1) out.set(values.subarray(row * width + start, row * width + start + span), row * span);
  return out;
}

/** The span kernels of every in-loop site, and the bias when the loop adds it. */
function buildSpans(args: FusedArgs): { spans: Span[]; bias: Float32Array | null } {
  const { units } = args;
  const { bias, sites } = loopParameters(args);
  const spans: Span[] = [];
  for (const { setup: site, gamma, beta } of sites) {
    const width = gamma.length;
    // The spans the GRU's facts cut the site into (`siteSpans`; see `cells/gru.ts`).
    for (const { first, count } of siteSpans('gru', site.site, args.resetAfter)) {
      const [start, end] = [first * units, (first + count) * units];
      const population = spanPopulation(site, width, start, end - start);
      const kernel = new NormKernel(site.norm, site.form, site.groupIds.slice(first, first + count), units, gamma.subarray(start, end), beta?.subarray(start, end) ?? null, population);
      spans.push({ site: site.site, first, count, kernel });
    }
  }
  return { spans, bias };
}

/** The kernel of the span of `site` starting at gate block `first`, if the site is normalized. */
function spanKernel(spans: Span[], site: NormSite, first: number): NormKernel | undefined {
  return spans.find((span) => span.site === site && span.first === first)?.kernel;
}

function spanPopulation(site: SiteSetup, width: number, start: number, span: number): { mean: Float32Array; variance: Float32Array } | null {
  if (site.population === null) return null;
  return { mean: columns(site.population.mean, width, start, span), variance: columns(site.population.variance, width, start, span) };
}

export const fusedNormalizedGru: FusedCell = {
  run(args: FusedArgs): FusedRun {
    const { steps, batch, units, mask, keepOutputs, resetAfter } = args;
    const { spans, bias } = buildSpans(args);
    const gate = gateFunction(args.gateActivation);
    const size = batch * units;
    const width = 3 * units;
    const h = new Float32Array((steps + 1) * size);
    h.set(args.initial[0]);
    const outputs = keepOutputs ? new Float32Array(steps * size) : null;
    // Per step: z, r, h̃, and R_h (reset after) or r ⊙ h_{t−1} (reset before), `[batch, u]` each.
    const recorded = { z: new Float32Array(steps * size), r: new Float32Array(steps * size), candidate: new Float32Array(steps * size), resetTerm: new Float32Array(steps * size) };
    const tape = new NormTape(mask, batch);
    const normalize = (site: NormSite, first: number, values: Float32Array, t: number): Float32Array => tape.forward(spanKernel(spans, site, first), values, t);
    const [kernelZr, kernelH] = tf.split(args.recurrentKernel, [2 * units, units], 1);
    for (let t = 0; t < steps; t += 1) {
      const hPrevious = h.subarray(t * size, (t + 1) * size);
      const input = normalize('input', 0, args.input.slice(t * batch * width, (t + 1) * batch * width), t);
      // h_{t−1} as it enters U (variational recurrent dropout); z ⊙ h_{t−1} below takes it undropped.
      const hIn = recurrentInput(args.recurrentMask, hPrevious);
      const recurrent = normalize('recurrent', 0, multiply(hIn, batch, resetAfter ? args.recurrentKernel : kernelZr), t);
      const recurrentWidth = resetAfter ? width : 2 * units;
      const gatesPre = normalize('gates', 0, addColumns(input, width, 0, recurrent, recurrentWidth, 0, batch, 2 * units), t);
      const candidateRecurrent = new Float32Array(size);
      for (let n = 0; n < batch; n += 1) {
        for (let j = 0; j < units; j += 1) {
          const k = n * units + j;
          const biasZ = bias === null ? 0 : bias[j];
          const biasR = bias === null ? 0 : bias[units + j];
          recorded.z[t * size + k] = gate(gatesPre[n * 2 * units + j] + biasZ);
          recorded.r[t * size + k] = gate(gatesPre[n * 2 * units + units + j] + biasR);
          const term = resetAfter ? recurrent[n * width + 2 * units + j] : recorded.r[t * size + k] * hIn[k];
          recorded.resetTerm[t * size + k] = term;
          candidateRecurrent[k] = recorded.r[t * size + k] * term;
        }
      }
      const candidateTerm = resetAfter
        ? candidateRecurrent
        : normalize('recurrent', 2, multiply(recorded.resetTerm.subarray(t * size, (t + 1) * size), batch, kernelH), t);
      const candidatePre = normalize('gates', 2, addColumns(input, width, 2 * units, candidateTerm, units, 0, batch, units), t);
      const hRaw = new Float32Array(size);
      for (let n = 0; n < batch; n += 1) {
        for (let j = 0; j < units; j += 1) {
          const k = n * units + j;
          const candidate = tanh(candidatePre[k] + (bias === null ? 0 : bias[2 * units + j]));
          recorded.candidate[t * size + k] = candidate;
          const z = recorded.z[t * size + k];
          hRaw[k] = z * hPrevious[k] + (1 - z) * candidate * factorAt(args.stepMasks.candidate, t, k, size);
        }
      }
      const hNew = normalize('hidden', 0, hRaw, t);
      for (let n = 0; n < batch; n += 1) {
        const valid = mask === null ? 1 : mask[t * batch + n];
        for (let k = n * units; k < (n + 1) * units; k += 1) {
          const hZoned = hNew[k] + zoneoutAt(args.stepMasks.zoneoutHidden, t, k, size) * (hPrevious[k] - hNew[k]);
          h[(t + 1) * size + k] = valid * hZoned + (1 - valid) * hPrevious[k];
          if (outputs !== null) outputs[t * size + k] = valid * hZoned;
        }
      }
    }
    tf.dispose([kernelZr, kernelH]);
    const packed = new Float32Array((outputs === null ? 0 : steps * size) + size);
    if (outputs !== null) packed.set(outputs);
    packed.set(h.subarray(steps * size), packed.length - size);
    return {
      packed,
      statistics: spans.flatMap((span) => {
        const stepStatistics = tape.stepStatistics(span.kernel);
        return stepStatistics === undefined ? [] : [{ site: span.site, firstColumn: span.first * units, steps: stepStatistics }];
      }),
      backward: (gradient) => backward(args, { h, ...recorded, spans, tape, hasBias: bias !== null }, gradient, gateDerivative(args.gateActivation)),
    };
  },
};

interface Recorded {
  h: Float32Array;
  z: Float32Array;
  r: Float32Array;
  candidate: Float32Array;
  resetTerm: Float32Array;
  spans: Span[];
  tape: NormTape;
  hasBias: boolean;
}

function backward(args: FusedArgs, recorded: Recorded, gradient: Float32Array, gatePrime: (y: number) => number): FusedGradients {
  const { steps, batch, units, keepOutputs, resetAfter } = args;
  const { h, z, r, candidate, resetTerm, spans, tape } = recorded;
  const size = batch * units;
  const width = 3 * units;
  const outputRows = keepOutputs ? steps * size : 0;
  let dh: Float32Array = gradient.slice(outputRows, outputRows + size);
  const dInput = new Float32Array(steps * batch * width);
  const dBias = new Float32Array(width);
  // Gradients of the recurrent matmuls' outputs, for dU: [z, r, h] columns (reset after), or [z, r] and h apart.
  const recurrentWidth = resetAfter ? width : 2 * units;
  const dRecurrent = new Float32Array(steps * batch * recurrentWidth);
  const dCandidateRecurrent = resetAfter ? null : new Float32Array(steps * size);
  const through = (site: NormSite, first: number, values: Float32Array, t: number): Float32Array => tape.backward(spanKernel(spans, site, first), values, t);
  const kernelT = tf.transpose(args.recurrentKernel);
  const [kernelZrT, kernelHT] = tf.split(kernelT, [2 * units, units], 0);
  for (let t = steps - 1; t >= 0; t -= 1) {
    const hPrevious = h.subarray(t * size, (t + 1) * size);
    const { toNew: dhNew, toPrevious: dhPrevious } = stateGradientAtStep(args, dh, gradient, t);
    const dhRaw = through('hidden', 0, dhNew, t);
    const dz = new Float32Array(size);
    const dCandidatePost = new Float32Array(size);
    for (let n = 0; n < batch; n += 1) {
      for (let j = 0; j < units; j += 1) {
        const k = n * units + j;
        const i = t * size + k;
        const m = factorAt(args.stepMasks.candidate, t, k, size);
        dz[k] = dhRaw[k] * (hPrevious[k] - m * candidate[i]);
        dCandidatePost[k] = dhRaw[k] * (1 - z[i]) * m * (1 - candidate[i] * candidate[i]);
        dBias[2 * units + j] += dCandidatePost[k];
        dhPrevious[k] += dhRaw[k] * z[i];
      }
    }
    const dCandidatePre = through('gates', 2, dCandidatePost, t);
    const dr = new Float32Array(size);
    if (resetAfter) {
      for (let k = 0; k < size; k += 1) dr[k] = dCandidatePre[k] * resetTerm[t * size + k];
    } else {
      const dCandidateRaw = through('recurrent', 2, dCandidatePre, t);
      (dCandidateRecurrent as Float32Array).set(dCandidateRaw, t * size);
      // d(r ⊙ h) = d(candidate matmul) · U_hᵀ, which feeds both r and h_{t−1}.
      const dResetProduct = multiply(dCandidateRaw, batch, kernelHT);
      const hIn = recurrentInput(args.recurrentMask, hPrevious);
      const dIntoState = recurrentInput(args.recurrentMask, dResetProduct);
      for (let k = 0; k < size; k += 1) {
        dr[k] = dResetProduct[k] * hIn[k];
        dhPrevious[k] += dIntoState[k] * r[t * size + k];
      }
    }
    const dGatesPost = new Float32Array(batch * 2 * units);
    for (let n = 0; n < batch; n += 1) {
      for (let j = 0; j < units; j += 1) {
        const k = n * units + j;
        dGatesPost[n * 2 * units + j] = dz[k] * gatePrime(z[t * size + k]);
        dGatesPost[n * 2 * units + units + j] = dr[k] * gatePrime(r[t * size + k]);
        dBias[j] += dGatesPost[n * 2 * units + j];
        dBias[units + j] += dGatesPost[n * 2 * units + units + j];
      }
    }
    const dGatesPre = through('gates', 0, dGatesPost, t);
    // d x̂ = [d gates pre (z, r), d candidate pre (h)]; the recurrent term's gradient is the same on z, r.
    const dProjected = new Float32Array(batch * width);
    const dRecurrentStep = new Float32Array(batch * recurrentWidth);
    for (let n = 0; n < batch; n += 1) {
      for (let j = 0; j < 2 * units; j += 1) {
        dProjected[n * width + j] = dGatesPre[n * 2 * units + j];
        dRecurrentStep[n * recurrentWidth + j] = dGatesPre[n * 2 * units + j];
      }
      for (let j = 0; j < units; j += 1) {
        const k = n * units + j;
        dProjected[n * width + 2 * units + j] = dCandidatePre[k];
        if (resetAfter) dRecurrentStep[n * width + 2 * units + j] = dCandidatePre[k] * r[t * size + k];
      }
    }
    const dRecurrentRaw = through('recurrent', 0, dRecurrentStep, t);
    dRecurrent.set(dRecurrentRaw, t * batch * recurrentWidth);
    const fromRecurrence = recurrentInput(args.recurrentMask, multiply(dRecurrentRaw, batch, resetAfter ? kernelT : kernelZrT));
    for (let k = 0; k < size; k += 1) dhPrevious[k] += fromRecurrence[k];
    dInput.set(through('input', 0, dProjected, t), t * batch * width);
    dh = dhPrevious;
  }
  tf.dispose([kernelT, kernelZrT, kernelHT]);
  const recurrentKernel = recurrentKernelGradient(args, h, dRecurrent, resetTerm, dCandidateRecurrent);
  return { input: dInput, recurrentKernel, initial: [dh], params: gatherParameterGradients(args, spans, recorded.hasBias ? dBias : null) };
}

/** `[d bias?, dγ, dβ? per site]` in the order of `FusedArgs.params`, each site's spans side by side. */
function gatherParameterGradients(args: FusedArgs, spans: Span[], dBias: Float32Array | null): Float32Array[] {
  const params: Float32Array[] = dBias === null ? [] : [dBias];
  for (const site of args.sites) {
    const siteSpans = spans.filter((span) => span.site === site.site);
    const joined = (pick: (kernel: NormKernel) => Float32Array) => {
      const parts = siteSpans.map((span) => pick(span.kernel));
      const out = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
      let offset = 0;
      for (const part of parts) {
        out.set(part, offset);
        offset += part.length;
      }
      return out;
    };
    params.push(joined((kernel) => kernel.gammaGradient));
    if (site.norm.center) params.push(joined((kernel) => kernel.betaGradient as Float32Array));
  }
  return params;
}
