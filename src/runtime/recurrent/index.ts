/** The recurrent layer of seqnet models (RNN, LSTM, GRU with every normalization and dropout variant). */
export { SeqnetRecurrent } from './layer.js';
export type { SeqnetRecurrentCallArgs } from './layer.js';
export type { SeqnetRecurrentConfig } from './config.js';
export { CELL_FACTS, CELL_KINDS, NORM_FACTS, NORM_KINDS } from '../../variants/index.js';
export { CELL_DESCRIPTORS } from './cells/registry.js';
export type { CellDescriptor } from './cells/registry.js';
export { NORM_DESCRIPTORS } from './norms/registry.js';
export type { NormDescriptor } from './norms/types.js';
