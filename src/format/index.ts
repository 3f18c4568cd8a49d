/** The formatter behind `seqnet fmt`. */
export { formatAst, formatSpec, type FormatResult } from './format.js';
