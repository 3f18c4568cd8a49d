/**
 * The variants of the language — cell kinds, norm kinds, norm sites, dropout forms — and the facts every stage shares about
 * them. This folder imports nothing outside itself, so every stage (the runtime included) may import it.
 */
export * from './cells.js';
export * from './dropouts.js';
export * from './norms.js';
export * from './sites.js';
