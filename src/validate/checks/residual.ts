/** `residual` adds a layer's input to its output, so widths must match and the layer must return its whole sequence. */
import { Code } from '../../diagnostics/codes.js';
import type { Check } from './context.js';

export const checkResidualWidths: Check = (context) => {
  let width = context.ir.input.features;
  context.ir.layers.forEach((layer, index) => {
    if (layer.type === 'recurrent' && layer.residual && width !== layer.outputSize) {
      context.report(
        Code.ResidualWidths,
        `'${layer.name}' adds its input (width ${width}) to its output (width ${layer.outputSize})`,
        `${context.origins.layers[index]}/residual`,
        'header',
        'residual connections need equal widths; remove `residual` or change `units`',
      );
    } else if (layer.type === 'recurrent' && layer.residual && !layer.returnSequences) {
      // The input is a sequence and the output one vector per example: the sum has no shape (compile refuses it).
      context.report(
        Code.ResidualWidths,
        `'${layer.name}' adds its input (a sequence) to its output (its last step only, \`sequences false\`)`,
        `${context.origins.layers[index]}/residual`,
        'header',
        'a residual layer must return its whole sequence: remove `residual`, or write `sequences true` in the layer (a head `at last_step` still reads one step)',
      );
    }
    width = layer.outputSize;
  });
};
