/**
 * The layer config as plain JSON and back. tfjs camel-cases every string value when it loads a saved model
 * (`hard_sigmoid` becomes `hardSigmoid`), so the IR's snake_case names are restored on the way in.
 */
import type * as tf from '@tensorflow/tfjs';
import type { NormIR } from '../../ir/types.js';
import type { SeqnetRecurrentConfig } from './config.js';

/** `hardSigmoid` → `hard_sigmoid`; snake_case input is returned unchanged. */
function snakeCase(value: string): string {
  return value.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** The config fields of `SeqnetRecurrent`, JSON-ready (undefined optional fields omitted). */
export function configToJson(config: SeqnetRecurrentConfig): tf.serialization.ConfigDict {
  const json: tf.serialization.ConfigDict = {
    cell: config.cell,
    units: config.units,
    activation: config.activation,
    recurrentActivation: config.recurrentActivation,
    returnSequences: config.returnSequences,
    bidirectional: config.bidirectional === null ? null : { merge: config.bidirectional.merge },
    useBias: config.useBias,
    forgetBias: { ...config.forgetBias },
    resetAfter: config.resetAfter,
    norms: config.norms.map((norm) => ({ ...norm, batch: norm.batch === null ? null : { ...norm.batch } })),
    dropout: JSON.parse(JSON.stringify(config.dropout)) as tf.serialization.ConfigDict,
    initializers: { ...config.initializers },
    returnState: config.returnState ?? false,
    goBackwards: config.goBackwards ?? false,
  };
  if (config.seed !== undefined) json.seed = config.seed;
  return json;
}

/** A config read back from JSON (possibly camel-cased by tfjs's loader) in the IR's spelling. */
export function configFromJson(json: tf.serialization.ConfigDict): SeqnetRecurrentConfig {
  const config = JSON.parse(JSON.stringify(json)) as SeqnetRecurrentConfig;
  config.activation = snakeCase(config.activation) as SeqnetRecurrentConfig['activation'];
  config.recurrentActivation = snakeCase(config.recurrentActivation) as SeqnetRecurrentConfig['recurrentActivation'];
  const { kernel, recurrentKernel, bias, steps } = config.initializers;
  config.initializers = {
    kernel: snakeCase(kernel) as SeqnetRecurrentConfig['initializers']['kernel'],
    recurrentKernel: snakeCase(recurrentKernel) as SeqnetRecurrentConfig['initializers']['recurrentKernel'],
    bias: snakeCase(bias) as SeqnetRecurrentConfig['initializers']['bias'],
    // T of the IndRNN ranges, saved only for the initializers that read it.
    ...(steps === undefined ? {} : { steps }),
  };
  config.norms = config.norms.map(
    (norm): NormIR => ({
      ...norm,
      groups: snakeCase(norm.groups) as NormIR['groups'],
      batch: norm.batch === null ? null : { ...norm.batch, statistics: snakeCase(norm.batch.statistics) as 'per_step' | 'shared' },
    }),
  );
  return config;
}
