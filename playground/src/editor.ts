/** The CodeMirror 6 editor: seqnet highlighting, diagnostics (with quick fixes) in a lint gutter, completion and hover. */
import { autocompletion, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { linter, lintGutter, type Diagnostic as LintDiagnostic } from '@codemirror/lint';
import { EditorView, hoverTooltip, type Tooltip } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { complete, hover, offsetAt, type EditorCompletionKind } from '../../src/editor/index.js';
import { analyze, plainText } from './analysis.js';
import { seqnetLanguage } from './language.js';

function lintSource(view: EditorView): LintDiagnostic[] {
  return analyze(view.state.doc.toString()).diagnostics.map((diagnostic) => ({
    from: diagnostic.from,
    to: diagnostic.to,
    severity: diagnostic.severity,
    source: diagnostic.code,
    message: diagnostic.hint === null ? diagnostic.message : `${diagnostic.message}\nhint: ${diagnostic.hint}`,
    actions: diagnostic.fixes.map((fix) => ({
      name: fix.title,
      apply: (target: EditorView) => target.dispatch({ changes: fix.edits.map(({ from, to, insert }) => ({ from, to, insert })) }),
    })),
  }));
}

const COMPLETION_TYPES: Record<EditorCompletionKind, string> = { keyword: 'keyword', block: 'class', value: 'enum', preset: 'constant', site: 'property' };

function completionSource(context: CompletionContext): CompletionResult | null {
  const text = context.state.doc.toString();
  const candidates = complete(text, context.pos);
  if (candidates.length === 0) return null;
  const from = offsetAt(text, candidates[0].range.start);
  // Only while typing a word, or when asked (Ctrl-Space): not after every space.
  if (from === context.pos && !context.explicit) return null;
  const options: Completion[] = candidates.map((candidate) => ({
    label: candidate.label,
    apply: candidate.insertText,
    type: COMPLETION_TYPES[candidate.kind],
    detail: candidate.detail,
    ...(candidate.documentation === undefined ? {} : { info: candidate.documentation }),
  }));
  return { from, options, validFor: /^[A-Za-z0-9_.-]*$/ };
}

function hoverSource(view: EditorView, pos: number): Tooltip | null {
  const markdown = hover(view.state.doc.toString(), pos);
  if (markdown === null) return null;
  return {
    pos,
    above: true,
    create: () => {
      const dom = document.createElement('div');
      dom.className = 'hover-body';
      dom.textContent = plainText(markdown);
      return { dom };
    },
  };
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
