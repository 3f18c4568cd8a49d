/** Every cell kind by name. */
import type { CellKind } from '../../../ir/types.js';
import { gruCell } from './gru.js';
import { lstmCell } from './lstm.js';
import { rnnCell } from './rnn.js';
import type { CellDefinition } from './types.js';

export const CELLS: Readonly<Record<CellKind, CellDefinition>> = { lstm: lstmCell, gru: gruCell, rnn: rnnCell };
