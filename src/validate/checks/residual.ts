/** `residual` adds a layer's input to its output, so the widths must match (the first layer of a stack is exempt). */
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
    }
    width = layer.outputSize;
  });
};
