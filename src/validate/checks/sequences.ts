/**
 * Sequence flow, on the lowered shapes: the body has a recurrent layer, and a layer that returns only its last
 * output is followed by no recurrent layer and read by no head that needs every step.
 */
import { Code } from '../../diagnostics/codes.js';
import type { Check } from './context.js';
import { CELL_KINDS } from '../../variants/index.js';

export const checkSequences: Check = (context) => {
  const layers = context.ir.layers;
  const recurrentIndexes = layers.flatMap((layer, index) => (layer.type === 'recurrent' ? [index] : []));
  if (recurrentIndexes.length === 0) {
    context.report(Code.NoRecurrentLayer, 'the model has no recurrent layer', '/body', 'header', `add a recurrent layer (${CELL_KINDS.map((cell) => `\`${cell}\``).join(', ')}) after \`input\``);
    return;
  }
  for (let position = 0; position < recurrentIndexes.length - 1; position++) {
    const layer = layers[recurrentIndexes[position]];
    if (layer.type === 'recurrent' && !layer.returnSequences) {
      const next = layers[recurrentIndexes[position + 1]];
      const pointer = `${context.origins.layers[recurrentIndexes[position]]}/sequences`;
      context.report(Code.SequenceRequired, `'${layer.name}' returns only its last output, but '${next.name}' reads a sequence`, pointer, 'header', 'remove `sequences false`');
    }
  }
  const lastIndex = recurrentIndexes[recurrentIndexes.length - 1];
  const last = layers[lastIndex];
  if (last.type !== 'recurrent' || last.returnSequences) return;
  context.ir.heads.forEach((head, index) => {
    if (head.at === 'last_step') return;
    context.report(
      Code.SequenceRequired,
      `head '${head.name}' reads ${head.at === 'each_step' ? 'every step' : `the ${head.at} over steps`}, but '${last.name}' returns only its last output`,
      `${context.origins.heads[index]}/at`,
      'value',
      `remove \`sequences false\` from '${last.name}', or read \`at last_step\``,
    );
  });
};
