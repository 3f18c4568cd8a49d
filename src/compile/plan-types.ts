/**
 * The build plan: the model as a list of layer constructions with literal configs, derived once from the IR.
 *
 * Both back ends read the same plan (`build.ts` constructs the layers, the code generator prints them), so a
 * generated builder and `compileModel` cannot drift apart: same layers, names, configs and seeds.
 */
import type { Activation, MaskLifetime } from '../ir/types.js';
import type { SeqnetRecurrentConfig } from '../runtime/recurrent/config.js';

/** An initializer inside a config: a constant, or seeded Glorot-uniform with the layer's derived seed. */
export type InitializerRef = { initializer: 'constant'; value: number } | { initializer: 'glorotUniform' };

/** A plain value as it appears in a config literal (JSON plus initializer references). */
export type PlainValue = number | string | boolean | null | PlainValue[] | { [key: string]: PlainValue } | InitializerRef;

/** tfjs spells some activations differently from Keras (and seqnet). */
export type TfjsActivation = Exclude<Activation, 'hard_sigmoid'> | 'hardSigmoid';

/** The recurrent layer's constructor config, always named (the name is also the generated variable's). */
export type RecurrentConfig = SeqnetRecurrentConfig & { name: string };

interface NodeBase {
  /** The tfjs layer name, also the variable name in generated code. */
  name: string;
  /** Names of the nodes (or the input) this layer is applied to. */
  inputs: string[];
  /** Index fed to `layerSeed` for this layer's random initialization, or null when it has none. */
  seedIndex: number | null;
  /** One line describing the layer, for generated code (spec-derived identifiers and numbers only). */
  comment: string;
  /** Output shape without the batch dimension: `[steps, width]` (steps null if variable) or `[width]`. */
  outputShape: (number | null)[];
}

export type PlanNode = NodeBase &
  (
    | { factory: 'masking'; config: { name: string; maskValue: number } }
    | { factory: 'recurrent'; config: RecurrentConfig }
    | { factory: 'add'; config: { name: string } }
    | {
        factory: 'batchNormalization';
        config: {
          name: string;
          axis: -1;
          epsilon: number;
          momentum: number;
          center: boolean;
          scale: true;
          gammaInitializer: InitializerRef;
          betaInitializer: InitializerRef;
        };
      }
    | {
        factory: 'layerNormalization';
        config: {
          name: string;
          axis: -1;
          epsilon: number;
          center: boolean;
          scale: true;
          gammaInitializer: InitializerRef;
          betaInitializer: InitializerRef;
        };
      }
    | { factory: 'rmsNormalization'; config: { name: string; epsilon: number; center: boolean; gammaInit: number; betaInit: number } }
    | { factory: 'dropout'; config: { name: string; rate: number; mask: MaskLifetime } }
    | {
        factory: 'dense';
        config: { name: string; units: number; activation: TfjsActivation; kernelInitializer: InitializerRef };
      }
    | { factory: 'lastStep'; config: { name: string } }
    | { factory: 'pooling'; config: { name: string; mode: 'mean' | 'max' } }
  );

export type LayerFactory = PlanNode['factory'];

export interface ModelPlan {
  modelName: string;
  input: { name: string; shape: [number | null, number] };
  nodes: PlanNode[];
  /** Output node names, one per head, in head order (each head's last layer is named after the head). */
  outputs: string[];
}

