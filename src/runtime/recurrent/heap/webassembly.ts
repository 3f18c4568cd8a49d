/**
 * The part of the WebAssembly JavaScript API the compiled kernels need, typed here: the project's type
 * libraries (ES2023 and Node's) do not declare `WebAssembly`, and the DOM library would declare far more.
 * Null where the host has no WebAssembly (the wasm backend cannot run there either).
 */
export interface WasmModuleDescriptor {
  module: string;
  name: string;
  kind: string;
}

export interface WebAssemblyApi {
  Module: {
    new (bytes: Uint8Array): object;
    imports(module: object): WasmModuleDescriptor[];
  };
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  compile(bytes: Uint8Array): Promise<object>;
}

export const webAssembly: WebAssemblyApi | null = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly ?? null;
