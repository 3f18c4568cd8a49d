/** `seqnet fmt` for an editor: the canonical text, or null when the text has syntax errors (nothing is reformatted then). */
import { formatSpec } from '../format/index.js';
import { documentName } from './diagnose.js';

export function format(text: string): string | null {
  return formatSpec(text, documentName()).text;
}
