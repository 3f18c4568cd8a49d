#!/usr/bin/env node
// The `seqnet` command. The TypeScript sources are compiled to dist/ by `npm run build`, which npm runs on
// install (the `prepare` script), so this file only has to load the compiled CLI.
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
