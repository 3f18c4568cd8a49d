/**
 * The variants of the language — cell kinds, norm kinds, norm sites, dropout forms, recurrent initializers — and the facts
 * every stage shares about them. This folder imports nothing outside itself, so every stage (the runtime included) may import it.
 */
export * from './cells.js';
export * from './dropouts.js';
export * from './initializers.js';
export * from './norms.js';
export * from './sites.js';
export * from './equations.js';
