/** The interface every normalization kind implements; one file per kind, collected in `registry.ts`. */
import type * as tf from '@tensorflow/tfjs';
import type { NormIR, NormKind, NormSite } from '../../../ir/types.js';
import type { Initializer } from '../initializers.js';
import type { InferenceForm } from './inference.js';
import type { PopulationRecorder } from './population.js';

/** Creates one weight of the layer (`Layer.addWeight` with the layer's naming and seeding). */
export type WeightFactory = (name: string, shape: number[], init: Initializer, trainable: boolean) => tf.LayerVariable;

/** The variables of one norm site. */
export interface NormWeights {
  site: NormSite;
  norm: NormIR;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable | null;
  /** Batch norm population statistics: `[maxSteps, width]` per step, `[width]` shared; null otherwise. */
  movingMean: tf.LayerVariable | null;
  movingVariance: tf.LayerVariable | null;
}

/**
 * A contiguous run of gate blocks of one site, with its parameters read for one call. GRU's reset-before
 * candidate is normalized apart from its gates (it depends on them), so a site can be applied in spans.
 */
export interface NormSpan {
  site: NormSite;
  norm: NormIR;
  units: number;
  /** Group id of each gate block in the span: blocks with the same id share one statistic. */
  groupIds: number[];
  /** First column of the span in the site's full width (where its population statistics live). */
  firstColumn: number;
  gamma: tf.Tensor;
  beta: tf.Tensor | null;
  movingMean: tf.Tensor | null;
  movingVariance: tf.Tensor | null;
  /** Per-step population statistics cut into rows, once per call on first use (slicing per step is O(rows)). */
  populationRows: { mean: tf.Tensor[]; variance: tf.Tensor[] } | null;
}

/** The step a value being normalized belongs to: `[batch, width]` at step `step`, mask `[batch, 1]`. */
export interface NormContext {
  training: boolean;
  step: number;
  /** 1 for valid examples, 0 for padding; null when every step is valid. */
  mask: tf.Tensor | null;
  population: PopulationRecorder;
  /** What `prepareSequence` computed for this site in this call, if the kind has that hook. */
  prepared: tf.Tensor[] | null;
}

/**
 * How the fused training op's norm kernel (`fused/norm-kernel.ts`) computes a kind: statistics within each
 * example's group of gate blocks (mean subtracted or not), or per column over the batch (with population
 * statistics at inference).
 */
export type FusedNormForm = { statistics: 'example'; subtractMean: boolean } | { statistics: 'batch' };

/** How a kind computes; its equation, source and wording are its `NORM_FACTS` entry (`src/variants/norms.ts`). */
export interface NormDescriptor {
  kind: NormKind;
  createWeights(addWeight: WeightFactory, site: NormSite, width: number, norm: NormIR): NormWeights;
  apply(span: NormSpan, value: tf.Tensor, context: NormContext): tf.Tensor;
  /** Whether this norm needs `prepareSequence` in a call (absent: never). */
  needsSequence?(norm: NormIR, training: boolean): boolean;
  /**
   * For statistics that span the whole sequence (batch norm shared over time): computes them once per
   * training call from all steps' values `[time·batch, width]` (mask `[time·batch, 1]`), before the loop.
   */
  prepareSequence?(span: NormSpan, rows: tf.Tensor, mask: tf.Tensor | null, population: PopulationRecorder): tf.Tensor[];
  /** Its form in the fused training op (absent: a layer with this kind runs its step loop in training). */
  fused?: FusedNormForm;
  /**
   * This norm at inference over columns `[firstColumn, firstColumn + width)` of its site, for the wasm
   * inference loop (absent: a layer with this kind runs its ordinary step loop there).
   */
  inferenceForm?(weights: NormWeights, firstColumn: number, width: number): InferenceForm;
}
