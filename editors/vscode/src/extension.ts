/**
 * The seqnet extension's client: starts `seqnet lsp --stdio` for `.seqnet` and `.seqnet.json` files and
 * restarts it when `seqnet.path` changes. Everything the editor shows beyond highlighting (diagnostics,
 * completion, hover, formatting, symbols, folding, quick fixes) comes from the server, so the extension and
 * the command line always agree. Bundled with esbuild into dist/extension.js (`npm run vsix`).
 */
import { commands, window, workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { serverCommand } from './server-command';

const CLIENT_ID = 'seqnet';
let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const { command, args, shell } = serverCommand({
    configuredPath: workspace.getConfiguration('seqnet').get<string>('path', ''),
    workspaceFolder: workspace.workspaceFolders?.find((folder) => folder.uri.scheme === 'file')?.uri.fsPath,
    platform: process.platform,
  });
  return { command, args, transport: TransportKind.stdio, options: { shell } };
}

const clientOptions: LanguageClientOptions = {
  documentSelector: [
    { scheme: 'file', language: 'seqnet' },
    { scheme: 'untitled', language: 'seqnet' },
    { scheme: 'file', pattern: '**/*.seqnet.json' },
  ],
};

async function start(): Promise<void> {
  const options = serverOptions();
  client = new LanguageClient(CLIENT_ID, 'seqnet', options, clientOptions);
  try {
    await client.start();
  } catch (error) {
    const command = 'command' in options ? options.command : 'seqnet';
    const reason = error instanceof Error ? error.message : String(error);
    void window.showErrorMessage(`seqnet: could not start the language server with '${command} lsp --stdio' (${reason}). Install seqnet or set "seqnet.path".`);
  }
}

async function restart(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) await running.stop().catch(() => undefined);
  await start();
}

export async function activate(context: ExtensionContext): Promise<void> {
  context.subscriptions.push(
    commands.registerCommand('seqnet.restartServer', restart),
    workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('seqnet.path')) void restart();
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
