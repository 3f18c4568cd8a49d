/**
 * The hand-written PyTorch peers of `npm run bench -- peers` (bench/peers.py: LN-LSTM, BN-LSTM, LN-GRU) compute
 * the same function as the seqnet layers the bench times against them (bench/runtime.ts's `seqnetCases`): given
 * the seqnet layer's weights (every one perturbed, so that none can be left out unseen), the peer, scripted as
 * the bench runs it, must give the same inference output, training-mode output, loss (the bench's: the mean
 * square of the last output), gradient of every weight, and population statistics after the training call.
 * Needs Debian's python3-torch; skipped without it, except in CI, where it fails instead.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { seqnetCases } from '../../bench/runtime.js';
import type { SeqnetCaseId } from '../../bench/runtime.js';
import { expectClose } from '../helpers/backends.js';
import { PYTHON, pythonHas } from '../pytorch/python.js';

const PEERS = fileURLToPath(new URL('../../bench/peers.py', import.meta.url));
const SIZE = { batch: 6, steps: 5, features: 3, units: 4 };
const HAND_WRITTEN: SeqnetCaseId[] = ['ln-lstm', 'bn-lstm', 'ln-gru'];

const torchMissing = !pythonHas(['torch', 'numpy']);
if (torchMissing) console.warn(`skipping the peers check: ${PYTHON} cannot import torch (apt install python3-torch python3-numpy)`);

interface SeqnetAnswer {
  weights: Record<string, number[]>;
  x: number[];
  inference: number[];
  training: number[];
  loss: number;
  gradients: Record<string, number[]>;
  population: Record<string, number[]>;
}

type PeerAnswer = Omit<SeqnetAnswer, 'weights' | 'x'>;

/** A weight moved off its initial value, so that a peer ignoring it (γ = 1, β = 0, zero statistics) differs. */
function perturbed(name: string, value: tf.Tensor, seed: number): tf.Tensor {
  const noise = tf.randomUniform(value.shape, -0.5, 0.5, 'float32', seed);
  // A variance must stay positive, and well away from 0 so that ε does not decide the comparison.
  return name.endsWith('moving_variance') ? tf.add(0.75, noise) : tf.add(value, noise);
}

/** The bench's seqnet layer of `id`: its perturbed weights by name, and what it computes on one input. */
function seqnetAnswer(id: SeqnetCaseId): SeqnetAnswer {
  const layerCase = seqnetCases(SIZE.steps).find((candidate) => candidate.id === id);
  if (layerCase === undefined) throw new Error(`no seqnet case ${id}`);
  const layer = layerCase.layer(SIZE.units);
  const x = tf.randomNormal([SIZE.batch, SIZE.steps, SIZE.features], 0, 1, 'float32', 11);
  tf.dispose(layer.apply(x) as tf.Tensor);
  const names = layer.weights.map((weight) => weight.originalName.slice(layer.name.length + 1));
  layer.setWeights(layer.getWeights().map((value, index) => perturbed(names[index], value, 20 + index)));
  const weights = Object.fromEntries(layer.getWeights().map((value, index) => [names[index], Array.from(value.dataSync())]));
  const inference = layer.apply(x) as tf.Tensor;
  let training: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const output = layer.apply(x, { training: true }) as tf.Tensor;
    training = tf.keep(output);
    return tf.mean(tf.square(output)) as tf.Scalar;
  });
  const byName = (record: Record<string, tf.Tensor>) =>
    Object.fromEntries(Object.entries(record).map(([name, tensor]) => [name.slice(layer.name.length + 1), Array.from(tensor.dataSync())]));
  const population = layer.nonTrainableWeights.map((weight, index) => [names[layer.trainableWeights.length + index], Array.from(weight.read().dataSync())]);
  const answer = {
    weights,
    x: Array.from(x.dataSync()),
    inference: Array.from(inference.dataSync()),
    training: Array.from((training as tf.Tensor).dataSync()),
    loss: value.dataSync()[0],
    gradients: byName(grads),
    population: Object.fromEntries(population),
  };
  layer.dispose();
  return answer;
}

function peerAnswers(requests: object[]): PeerAnswer[] {
  const run = spawnSync(PYTHON, [PEERS, 'check'], { input: JSON.stringify(requests), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`peers.py check exited with ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as PeerAnswer[];
}

describe.skipIf(torchMissing)('the hand-written PyTorch peers compute what the bench\'s seqnet layers compute', () => {
  const seqnet = new Map<SeqnetCaseId, SeqnetAnswer>();
  const peer = new Map<SeqnetCaseId, PeerAnswer>();

  beforeAll(async () => {
    await tf.setBackend('cpu');
    for (const id of HAND_WRITTEN) seqnet.set(id, seqnetAnswer(id));
    const requests = HAND_WRITTEN.map((id) => ({ cell: id, ...SIZE, x: seqnet.get(id)?.x, weights: seqnet.get(id)?.weights }));
    peerAnswers(requests).forEach((answer, index) => peer.set(HAND_WRITTEN[index], answer));
  });

  it.each(HAND_WRITTEN)('%s: outputs, loss, gradients and population statistics', (id) => {
    const ours = seqnet.get(id) as SeqnetAnswer;
    const theirs = peer.get(id) as PeerAnswer;
    expectClose(theirs.inference, ours.inference, 1e-5, 'inference output');
    expectClose(theirs.training, ours.training, 1e-5, 'training output');
    expectClose(theirs.loss, ours.loss, 1e-5, 'loss');
    expect(Object.keys(theirs.gradients).sort()).toEqual(Object.keys(ours.gradients).sort());
    for (const [name, gradient] of Object.entries(ours.gradients)) expectClose(theirs.gradients[name], gradient, 1e-4, `d loss / d ${name}`);
    expect(Object.keys(theirs.population).sort()).toEqual(Object.keys(ours.population).sort());
    expect(Object.keys(ours.population).length).toBe(id === 'bn-lstm' ? 6 : 0);
    for (const [name, values] of Object.entries(ours.population)) expectClose(theirs.population[name], values, 1e-5, name);
  });
});
