/** The recurrent layer of seqnet models (RNN, LSTM, GRU with every normalization and dropout variant). */
export { SeqnetRecurrent } from './layer.js';
export type { SeqnetRecurrentCallArgs } from './layer.js';
export type { SeqnetRecurrentConfig } from './config.js';
export { GATE_COUNT } from './config.js';
export { NORM_KINDS } from './norms/registry.js';
export type { NormDescriptor } from './norms/types.js';
