/**
 * tfjs backends the page can train on. WebAssembly is the default, as in the CLI (seqnet's own recurrent
 * kernels target it); its .wasm files are served next to the page (scripts/playground.ts copies them).
 * WebGL is offered where the browser can create a context; cpu always. WebGPU needs
 * @tensorflow/tfjs-backend-webgpu, which seqnet does not depend on, so it is not offered.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type PageBackend = 'wasm' | 'webgl' | 'cpu';

setWasmPaths(new URL('wasm/', document.baseURI).href);

function hasWebGl(): boolean {
  try {
    return document.createElement('canvas').getContext('webgl2') !== null;
  } catch {
    return false;
  }
}

export function availableBackends(): PageBackend[] {
  return hasWebGl() ? ['wasm', 'webgl', 'cpu'] : ['wasm', 'cpu'];
}

/** Activates `name`; resolves with the backend tfjs actually runs (it may refuse one and keep the previous). */
export async function useBackend(name: PageBackend): Promise<string> {
  if (tf.getBackend() !== name && !(await tf.setBackend(name))) throw new Error(`the ${name} backend did not initialize in this browser`);
  await tf.ready();
  return tf.getBackend();
}
