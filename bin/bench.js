#!/usr/bin/env node
// `npm run bench [-- AREA…]`: runs the compiled benchmarks (see bench/index.ts); `npm run build` first.
await import('../dist/bench/index.js');
