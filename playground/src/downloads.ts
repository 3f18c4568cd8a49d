/** The page's downloads: the trained model (tfjs format), the IR as JSON, and the generated TypeScript. */
import type * as tf from '@tensorflow/tfjs';
import type { ModelIR } from '../../src/ir/types.js';

function saveFile(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The click starts the download synchronously; the URL is no longer needed after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** `NAME.json` + `NAME.weights.bin`, loadable with `tf.loadLayersModel` once seqnet's runtime is imported. */
export async function downloadModel(model: tf.LayersModel, name: string): Promise<void> {
  // tfjs routes a `downloads://` URL to its browser-downloads handler (two <a download> clicks).
  await model.save(`downloads://${name}`);
}

export function downloadIr(ir: ModelIR): void {
  saveFile(`${ir.name}.ir.json`, `${JSON.stringify(ir, null, 2)}\n`, 'application/json');
}

/**
 * The generator (ts-morph, which carries the TypeScript compiler) is a chunk of its own, several MiB, fetched
 * the first time someone asks for the TypeScript.
 */
export async function downloadTypeScript(ir: ModelIR): Promise<void> {
  const { generateTypeScript } = await import('../../src/codegen/generate.js');
  saveFile(`${ir.name}.ts`, generateTypeScript(ir, { sourcePath: `${ir.name}.seqnet` }), 'text/typescript');
}
