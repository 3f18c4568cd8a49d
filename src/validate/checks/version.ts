/** `seqnet N`: the language version must be one this seqnet understands. */
import { Code } from '../../diagnostics/codes.js';
import { SUPPORTED_VERSIONS } from '../enums.js';
import type { Check } from './context.js';

export const checkVersion: Check = (context) => {
  const version = context.spec.seqnet;
  if (!(SUPPORTED_VERSIONS as readonly number[]).includes(version)) {
    context.report(Code.UnsupportedVersion, `unsupported language version ${version}`, '/seqnet', 'value', `supported versions: ${SUPPORTED_VERSIONS.join(', ')}`);
  }
};
