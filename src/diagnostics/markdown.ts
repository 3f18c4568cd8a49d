/** docs/diagnostics.md, generated from the code registry (test/validate/diagnostics-doc.test.ts keeps it current). */
import { DIAGNOSTIC_CODES, type DiagnosticCodeInfo } from './codes.js';

const GROUPS: readonly { prefix: string; heading: string }[] = [
  { prefix: 'SN0', heading: 'Syntax (SN0xxx)' },
  { prefix: 'SN1', heading: 'Structure and schema (SN1xxx)' },
  { prefix: 'SN2', heading: 'Semantic errors (SN2xxx)' },
  { prefix: 'SN3', heading: 'Warnings (SN3xxx)' },
];

export function diagnosticsMarkdown(codes: readonly DiagnosticCodeInfo[] = DIAGNOSTIC_CODES): string {
  const lines = [
    '# Diagnostics',
    '',
    '<!-- Generated from src/diagnostics/codes.ts by diagnosticsMarkdown(); edit the registry, then run',
    '     `SEQNET_UPDATE_DOCS=1 npx vitest run test/validate/diagnostics-doc.test.ts`. -->',
    '',
    'Every problem `seqnet check` reports has a stable code. Errors stop a spec from compiling; warnings do not.',
    'Text output looks like `file:line:col: error[SN2003]: message`, followed by the source line with the span',
    'underlined and often a `hint:`; `--format json` prints the same as an array of objects.',
  ];
  for (const group of GROUPS) {
    const members = codes.filter((info) => info.code.startsWith(group.prefix));
    if (members.length === 0) continue;
    lines.push('', `## ${group.heading}`);
    for (const info of members) lines.push('', ...entry(info));
  }
  return `${lines.join('\n')}\n`;
}

function entry(info: DiagnosticCodeInfo): string[] {
  const lines = [`### ${info.code}: ${info.title}`, '', `Severity: ${info.severity}.`, '', info.explanation];
  if (info.example !== undefined) lines.push('', '```', info.example, '```');
  return lines;
}
