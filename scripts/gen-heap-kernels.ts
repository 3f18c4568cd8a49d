/** `npm run kernels`: recompiles the cell kernels into src/runtime/recurrent/heap/compiled.ts. */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KERNELS_MODULE, compileKernels, renderKernelsModule } from './heap-kernels.js';

const root = process.cwd();
const content = renderKernelsModule(await compileKernels(root));
const target = join(root, KERNELS_MODULE);
if (!existsSync(target) || readFileSync(target, 'utf8') !== content) {
  // Write next to the target, then rename: an interrupted run never leaves a half-written file.
  writeFileSync(`${target}.tmp`, content);
  renameSync(`${target}.tmp`, target);
  process.stdout.write(`wrote ${KERNELS_MODULE}\n`);
}
