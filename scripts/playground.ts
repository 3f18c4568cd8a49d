/**
 * The browser playground: bundles `playground/` with esbuild into static files under `playground/dist/` (ignored)
 * and serves them with a small static server. `npm run playground` builds and serves; `--build` only builds.
 *
 * The bundle is built for the browser platform, so a Node module (node:fs, src/io, src/cli) reached from the
 * playground's imports fails the build instead of shipping dead code.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The repository root, whether this runs from `scripts/` (vitest) or from `dist/scripts/` (npm run playground). */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!statSync(join(dir, 'package.json'), { throwIfNoEntry: false })?.isFile()) {
    if (dirname(dir) === dir) throw new Error('cannot find the repository (no package.json above scripts/playground)');
    dir = dirname(dir);
  }
  return dir;
}

export const ROOT = repositoryRoot();
export const SOURCE_DIR = join(ROOT, 'playground');
export const OUT_DIR = join(SOURCE_DIR, 'dist');

/** tfjs's wasm backend fetches one of these at start (which one depends on the browser's SIMD and threads). */
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

export interface BuildReport {
  /** Bytes of each emitted JavaScript file, by path relative to the output folder. */
  scripts: Record<string, number>;
}

/** Bundles the playground into `OUT_DIR`: index.html, style.css, the JavaScript chunks and tfjs's .wasm files. */
export async function buildPlayground(): Promise<BuildReport> {
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(join(OUT_DIR, 'wasm'), { recursive: true });
  const result = await build({
    entryPoints: [join(SOURCE_DIR, 'src/main.ts')],
    bundle: true,
    // Splitting puts the TypeScript generator (ts-morph and the TypeScript compiler) in a chunk of its own,
    // fetched only when someone asks for the generated code.
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    outdir: OUT_DIR,
    chunkNames: 'chunks/[name]-[hash]',
    loader: { '.seqnet': 'text' },
    metafile: true,
    logLevel: 'error',
  });
  for (const file of ['index.html', 'style.css']) copyFileSync(join(SOURCE_DIR, file), join(OUT_DIR, file));
  const wasmDir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const file of WASM_FILES) copyFileSync(join(wasmDir, file), join(OUT_DIR, 'wasm', file));
  const scripts: Record<string, number> = {};
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    if (path.endsWith('.js')) scripts[path.slice(path.indexOf('dist/') + 'dist/'.length)] = output.bytes;
  }
  writeFileSync(join(OUT_DIR, 'build.json'), `${JSON.stringify({ scripts }, null, 2)}\n`);
  return { scripts };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  // WebAssembly.instantiateStreaming requires exactly this type.
  '.wasm': 'application/wasm',
};

/** Serves `dir` on `port` (0: any free port) at 127.0.0.1; resolves with the server and its URL. */
export function servePlayground(dir = OUT_DIR, port = 0): Promise<{ server: Server; url: string }> {
  const root = resolve(dir);
  const server = createServer((request, response) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      return reply(response, 400, 'bad request');
    }
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    // A path that climbs out of the folder (`/../package.json`) is not served.
    if (file !== root && !file.startsWith(root + sep)) return reply(response, 403, 'forbidden');
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      return reply(response, 404, 'not found');
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    response.end(body);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      resolvePromise({ server, url: `http://127.0.0.1:${bound}/` });
    });
  });
}

function reply(response: import('node:http').ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(`${text}\n`);
}

async function main(args: string[]): Promise<void> {
  const report = await buildPlayground();
  const total = Object.values(report.scripts).reduce((a, b) => a + b, 0);
  process.stdout.write(`built ${OUT_DIR} (${(total / 2 ** 20).toFixed(1)} MiB of JavaScript in ${Object.keys(report.scripts).length} files)\n`);
  if (args.includes('--build')) return;
  const portArgument = args.find((arg) => /^--port=\d+$/.test(arg));
  const { url } = await servePlayground(OUT_DIR, portArgument === undefined ? 8080 : Number(portArgument.slice('--port='.length)));
  process.stdout.write(`seqnet playground: ${url}  (Ctrl-C stops the server)\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`seqnet playground: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exit(2);
  });
}
