/**
 * Cooijmans et al. 2016, Figure 1a, as a property of seqnet's batch-normalized RNN: at initialization, with the
 * BN gain γ = 1 the gradient of the loss with respect to h_t vanishes going back in time; with γ = 0.1 it stays
 * within an order of magnitude over the sequence. The experiment's own code at a smaller size (32 units, a batch of
 * 32 permuted 14×14 digits), on the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientFlow, gradientFlowInput, type GradientFlowCurve } from '../../experiments/gradient-flow/measure.js';
import { checkSpec } from '../../src/validate/index.js';

const UNITS = 32;
const BATCH = 32;
const STEPS = 196;

const SPEC = `seqnet 1
model gradient_flow_small
input { steps ${STEPS}; features ${UNITS} }
rnn ${UNITS} {
  sequences true
  initializer recurrent identity
  norm batch at gates { gamma 0.1; beta 0 }
}
head digit { units 10; at each_step; activation linear }
`;

let curves: GradientFlowCurve[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const { ir } = checkSpec(SPEC, 'gradient_flow_small.seqnet');
  if (ir === null) throw new Error('the spec is invalid');
  const input = await gradientFlowInput(14, UNITS, BATCH);
  curves = gradientFlow(ir, input, [0.1, 1]);
}, 120_000);

/** ||∂loss/∂h_t|| relative to the last state's, at the steps from a quarter of the sequence to its end. */
function relative(curve: GradientFlowCurve): number[] {
  const last = curve.norms[curve.norms.length - 1];
  return curve.norms.slice(Math.floor(curve.norms.length / 4)).map((norm) => norm / last);
}

describe('gradient flow through a batch-normalized tanh RNN (Cooijmans et al. 2016, Figure 1a)', () => {
  it('measures one finite, positive norm per recurrent state', () => {
    for (const curve of curves) {
      expect(curve.norms).toHaveLength(STEPS - 1);
      expect(curve.norms.every((norm) => Number.isFinite(norm) && norm >= 0)).toBe(true);
    }
  });

  it('γ = 0.1 keeps the gradient within a factor 10 of the last state’s over the last three quarters', () => {
    const [small] = curves;
    expect(Math.min(...relative(small))).toBeGreaterThan(0.1);
    expect(Math.max(...relative(small))).toBeLessThan(10);
  });

  it('γ = 1 lets it vanish: a quarter into the sequence it is below a hundredth of the last state’s', () => {
    const [, large] = curves;
    expect(relative(large)[0]).toBeLessThan(1e-2);
    expect(relative(large)[0]).toBeLessThan(relative(curves[0])[0] / 100);
  });
});
