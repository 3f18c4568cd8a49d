#!/usr/bin/env node
// The `seqnet` command. The TypeScript sources are compiled to dist/ by `npm run build`, which npm runs on
// install (the `prepare` script), so this file only has to load the compiled CLI.
//
// An error that escapes main() (a stray rejected promise, an exception in a callback) is a bug. The wasm
// backend's Emscripten module rethrows such errors from process handlers of its own, which would end the
// process with exit code 7 and a bare trace; these handlers are registered first, so the user gets the same
// report and exit code as for any other internal error.
import { describeInternalError, ExitCode } from '../dist/src/cli/errors.js';

function reportBug(error) {
  process.stderr.write(describeInternalError(error));
  process.exit(ExitCode.Internal);
}
process.on('uncaughtException', reportBug);
process.on('unhandledRejection', reportBug);

const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
