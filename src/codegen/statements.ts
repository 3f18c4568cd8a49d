/** The statements of the generated builder: one `const` per layer, from the same plan `compileModel` builds. */
import type { ModelPlan, PlainValue, PlanNode } from '../compile/plan-types.js';
import { formatNumber, printedEntries, printObject, stringLiteral } from './literal.js';

/** The runtime class each seqnet-specific factory constructs (tfjs's own layers come from `tf.layers`). */
const RUNTIME_CLASSES: Partial<Record<PlanNode['factory'], string>> = {
  recurrent: 'SeqnetRecurrent',
  add: 'ResidualAdd',
  rmsNormalization: 'RmsNormalization',
  dropout: 'SequenceDropout',
  lastStep: 'LastStep',
  pooling: 'SequencePooling',
};

const TFJS_FACTORIES: Partial<Record<PlanNode['factory'], string>> = {
  masking: 'tf.layers.masking',
  batchNormalization: 'tf.layers.batchNormalization',
  layerNormalization: 'tf.layers.layerNormalization',
  dense: 'tf.layers.dense',
};

/** Names the builder's body needs from `seqnet/runtime` (values only; sorted by the caller). */
export function runtimeImports(plan: ModelPlan): string[] {
  const names = new Set<string>();
  for (const node of plan.nodes) {
    const runtimeClass = RUNTIME_CLASSES[node.factory];
    if (runtimeClass !== undefined) names.add(runtimeClass);
    if (node.seedIndex !== null) names.add('layerSeed');
  }
  return [...names];
}

/** A `//` comment can only be left through a line terminator, so those are replaced. */
function commentLine(text: string): string {
  return `// ${text.replace(/[\r\n\u2028\u2029]/g, ' ')}`;
}

function seedExpression(node: PlanNode): string {
  return node.seedIndex === null ? 'seed' : `layerSeed(seed, ${formatNumber(node.seedIndex)})`;
}

/** The constructor call for one node, e.g. `tf.layers.dense({ … })` or `new SeqnetRecurrent({ … })`. */
function layerExpression(node: PlanNode, indent: string): string {
  const config = node.config as unknown as { [key: string]: PlainValue };
  const entries = printedEntries(config, indent, seedExpression(node));
  // The recurrent layer takes its seed as a config field and seeds its own initializers from it.
  if (node.factory === 'recurrent') entries.push(['seed', seedExpression(node)]);
  const printed = printObject(entries, indent);
  const runtimeClass = RUNTIME_CLASSES[node.factory];
  return runtimeClass !== undefined ? `new ${runtimeClass}(${printed})` : `${TFJS_FACTORIES[node.factory] as string}(${printed})`;
}

/** The builder's statements from the input to the model (without the compile step). */
export function builderStatements(plan: ModelPlan, variables: ReadonlyMap<string, string>, indent: string): string[] {
  const variable = (name: string): string => variables.get(name) ?? name;
  const lines = [`const ${variable(plan.input.name)} = tf.input({ name: ${stringLiteral(plan.input.name)}, shape: [...INPUT_SHAPE] });`];
  for (const node of plan.nodes) {
    const inputs = node.inputs.map(variable);
    const applied = inputs.length === 1 ? inputs[0] : `[${inputs.join(', ')}]`;
    lines.push(commentLine(node.comment));
    lines.push(`const ${variable(node.name)} = ${layerExpression(node, indent)}.apply(${applied}) as tf.SymbolicTensor;`);
  }
  const outputs = plan.outputs.map(variable).join(', ');
  lines.push(
    `const model = tf.model({ name: ${stringLiteral(plan.modelName)}, inputs: ${variable(plan.input.name)}, outputs: [${outputs}] });`,
  );
  return lines;
}
