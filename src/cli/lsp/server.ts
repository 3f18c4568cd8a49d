/**
 * `seqnet lsp`: a language server over stdio, a thin adapter from the protocol to the editor core (src/editor),
 * which does all the work with the CLI's own front end. `.seqnet` documents get every feature; `.seqnet.json`
 * documents get the same diagnostics (and quick fixes).
 */
import {
  CodeActionKind,
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  ProposedFeatures,
  SymbolKind,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type CompletionItem,
  type Connection,
  type Diagnostic,
  type DocumentSymbol,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  complete,
  diagnose,
  foldingRanges,
  format,
  hover,
  quickFixes,
  symbols,
  type EditorCompletionKind,
  type EditorDiagnostic,
  type EditorRange,
  type EditorSymbol,
  type EditorSymbolKind,
} from '../../editor/index.js';
import { docsUrl } from './docs-url.js';

/** Typing pauses this long before a document is checked again; opening a document checks it at once. */
export const DIAGNOSTICS_DELAY_MS = 200;

const COMPLETION_KINDS: Record<EditorCompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  block: CompletionItemKind.Module,
  value: CompletionItemKind.EnumMember,
  preset: CompletionItemKind.Constant,
  site: CompletionItemKind.EnumMember,
};

const SYMBOL_KINDS: Record<EditorSymbolKind, SymbolKind> = {
  layer: SymbolKind.Class,
  head: SymbolKind.Interface,
  block: SymbolKind.Namespace,
  setting: SymbolKind.Property,
};

function isJsonDocument(document: TextDocument): boolean {
  return document.uri.toLowerCase().endsWith('.json') || document.languageId === 'json';
}

function toLspDiagnostic(uri: string, diagnostic: EditorDiagnostic): Diagnostic {
  return {
    range: diagnostic.range,
    severity: diagnostic.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: diagnostic.code,
    codeDescription: { href: docsUrl(diagnostic.docs) },
    source: 'seqnet',
    // Editors show the message alone; the hint is half of what seqnet check says, so it goes along.
    message: diagnostic.hint === undefined ? diagnostic.message : `${diagnostic.message}\nhint: ${diagnostic.hint}`,
    relatedInformation: diagnostic.related.map((related) => ({ location: { uri, range: related.range }, message: related.message })),
  };
}

function toDocumentSymbol(symbol: EditorSymbol): DocumentSymbol {
  return {
    name: symbol.name,
    detail: symbol.detail,
    kind: SYMBOL_KINDS[symbol.kind],
    range: symbol.range,
    selectionRange: symbol.selectionRange,
    children: symbol.children.map(toDocumentSymbol),
  };
}

function overlaps(a: EditorRange, b: EditorRange): boolean {
  const before = (x: EditorRange['start'], y: EditorRange['start']) => x.line < y.line || (x.line === y.line && x.character <= y.character);
  return before(a.start, b.end) && before(b.start, a.end);
}

/** A handler that answers `fallback` (and logs) rather than failing the request if the editor core throws. */
function guarded<P, R>(connection: Connection, fallback: R, handler: (params: P) => R): (params: P) => R {
  return (params) => {
    try {
      return handler(params);
    } catch (error) {
      connection.console.error(`seqnet lsp: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  };
}

export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  const documents = new TextDocuments(TextDocument);
  const pending = new Map<string, NodeJS.Timeout>();

  /** The version of each document whose diagnostics were last sent. */
  const checked = new Map<string, number>();
  const publish = (document: TextDocument): void => {
    pending.delete(document.uri);
    checked.set(document.uri, document.version);
    const diagnostics = guarded(connection, [], () => diagnose(document.getText(), { json: isJsonDocument(document) }))(undefined);
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: diagnostics.map((item) => toLspDiagnostic(document.uri, item)) });
  };
  const schedule = (document: TextDocument): void => {
    clearTimeout(pending.get(document.uri));
    pending.set(document.uri, setTimeout(() => publish(document), DIAGNOSTICS_DELAY_MS));
  };

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [' '] },
      hoverProvider: true,
      documentFormattingProvider: true,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'seqnet' },
  }));

  documents.onDidOpen((event) => {
    clearTimeout(pending.get(event.document.uri));
    publish(event.document);
  });
  documents.onDidChangeContent((event) => {
    // didOpen also fires a content change; the open handler has already checked that version.
    if (checked.get(event.document.uri) !== event.document.version) schedule(event.document);
  });
  documents.onDidClose((event) => {
    clearTimeout(pending.get(event.document.uri));
    pending.delete(event.document.uri);
    checked.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  const seqnetDocument = (uri: string): TextDocument | null => {
    const document = documents.get(uri);
    return document === undefined || isJsonDocument(document) ? null : document;
  };

  connection.onCompletion(
    guarded(connection, [] as CompletionItem[], (params) => {
      const document = seqnetDocument(params.textDocument.uri);
      if (document === null) return [];
      return complete(document.getText(), document.offsetAt(params.position)).map((item) => ({
        label: item.label,
        kind: COMPLETION_KINDS[item.kind],
        detail: item.detail,
        ...(item.documentation === undefined ? {} : { documentation: item.documentation }),
        textEdit: { range: item.range, newText: item.insertText },
      }));
    }),
  );
  connection.onHover(
    guarded(connection, null, (params) => {
      const document = seqnetDocument(params.textDocument.uri);
      const text = document === null ? null : hover(document.getText(), document.offsetAt(params.position));
      return text === null ? null : { contents: { kind: 'markdown' as const, value: text } };
    }),
  );
  connection.onDocumentFormatting(
    guarded(connection, [], (params) => {
      const document = seqnetDocument(params.textDocument.uri);
      if (document === null) return [];
      const text = document.getText();
      const formatted = format(text);
      if (formatted === null || formatted === text) return [];
      return [{ range: { start: { line: 0, character: 0 }, end: document.positionAt(text.length) }, newText: formatted }];
    }),
  );
  connection.onDocumentSymbol(
    guarded(connection, [] as DocumentSymbol[], (params) => {
      const document = seqnetDocument(params.textDocument.uri);
      return document === null ? [] : symbols(document.getText()).map(toDocumentSymbol);
    }),
  );
  connection.onFoldingRanges(
    guarded(connection, [], (params) => {
      const document = seqnetDocument(params.textDocument.uri);
      return document === null ? [] : foldingRanges(document.getText());
    }),
  );
  connection.onCodeAction(
    guarded(connection, [] as CodeAction[], (params) => {
      const document = documents.get(params.textDocument.uri);
      if (document === undefined) return [];
      const text = document.getText();
      // Recomputed rather than read back from the request, so a client that drops diagnostic fields loses nothing.
      const relevant = diagnose(text, { json: isJsonDocument(document) }).filter((diagnostic) => overlaps(diagnostic.range, params.range));
      return relevant.flatMap((diagnostic) =>
        quickFixes(text, diagnostic).map((fix) => ({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [toLspDiagnostic(document.uri, diagnostic)],
          edit: { changes: { [document.uri]: fix.edits } },
        })),
      );
    }),
  );

  documents.listen(connection);
  connection.listen();
}
