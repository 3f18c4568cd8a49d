/** The CodeMirror 6 editor: seqnet highlighting, diagnostics in a lint gutter, completion and hover. */
import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { linter, lintGutter, type Diagnostic as LintDiagnostic } from '@codemirror/lint';
import { EditorView, hoverTooltip, type Tooltip } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { analyze, hoverText, keywords, presetNames } from './analysis.js';
import { seqnetLanguage } from './language.js';

const WORD = /[A-Za-z_][A-Za-z0-9_.-]*/;

function lintSource(view: EditorView): LintDiagnostic[] {
  return analyze(view.state.doc.toString()).diagnostics.map((diagnostic) => ({
    from: diagnostic.from,
    to: diagnostic.to,
    severity: diagnostic.severity,
    source: diagnostic.code,
    message: diagnostic.hint === null ? diagnostic.message : `${diagnostic.message}\nhint: ${diagnostic.hint}`,
  }));
}

/** Statement keywords at the start of a statement; preset names after `norm`. */
function completionSource(context: CompletionContext): CompletionResult | null {
  const word = context.matchBefore(WORD);
  if (word === null && !context.explicit) return null;
  const from = word?.from ?? context.pos;
  const before = context.state.doc.lineAt(from).text.slice(0, from - context.state.doc.lineAt(from).from);
  if (/\bnorm\s+$/.test(before)) {
    return { from, options: presetNames().map((label) => ({ label, type: 'constant', detail: 'preset' })) };
  }
  if (/^\s*$|[{;]\s*$/.test(before)) {
    return { from, options: keywords().map(({ keyword, usage }) => ({ label: keyword, type: 'keyword', detail: usage })) };
  }
  return null;
}

function hoverSource(view: EditorView, pos: number): Tooltip | null {
  const line = view.state.doc.lineAt(pos);
  for (const match of line.text.matchAll(new RegExp(WORD, 'g'))) {
    const start = line.from + (match.index ?? 0);
    const end = start + match[0].length;
    if (pos < start || pos > end) continue;
    const text = hoverText(match[0]);
    if (text === null) return null;
    return {
      pos: start,
      end,
      above: true,
      create: () => {
        const dom = document.createElement('div');
        dom.className = 'hover-body';
        dom.textContent = text;
        return { dom };
      },
    };
  }
  return null;
}

export function createEditor(parent: HTMLElement, doc: string, onChange: (text: string) => void): EditorView {
  return new EditorView({
    parent,
    doc,
    extensions: [
      basicSetup,
      seqnetLanguage,
      lintGutter(),
      linter(lintSource, { delay: 250 }),
      autocompletion({ override: [completionSource] }),
      hoverTooltip(hoverSource),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChange(update.state.doc.toString());
      }),
    ],
  });
}
