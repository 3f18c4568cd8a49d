/**
 * The editor core: pure functions over a document's text, built on the CLI's own front end (the checker, the
 * vocabulary and schema, presets, the variant tables, the formatter and the explain module). No Node modules,
 * no tfjs: the language server (src/cli/lsp) and the browser playground both run it.
 */
export { diagnose, docsLink, type DiagnoseOptions } from './diagnose.js';
export { complete } from './complete.js';
export { hover } from './hover.js';
export { format } from './format.js';
export { symbols, foldingRanges } from './outline.js';
export { quickFixes } from './fixes.js';
export { offsetAt } from './positions.js';
export type * from './types.js';
