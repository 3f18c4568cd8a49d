/**
 * A language-server client for tests: spawns `node bin/seqnet.js lsp --stdio` (the built dist/, as a user runs
 * it), speaks JSON-RPC to it with vscode-jsonrpc (re-exported by vscode-languageserver/node), and collects the
 * diagnostics it publishes so a test can wait for those of a given document version.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-languageserver/node';
import type { InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { CLI, PROJECT_ROOT } from '../cli/subprocess.js';

type Waiter = { uri: string; version: number; resolve: (params: PublishDiagnosticsParams) => void };

export class LspClient {
  private readonly published: PublishDiagnosticsParams[] = [];
  private readonly waiters: Waiter[] = [];
  stderr = '';

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly connection: MessageConnection,
    readonly initialized: InitializeResult,
  ) {}

  static async start(): Promise<LspClient> {
    const child = spawn(process.execPath, [CLI, 'lsp', '--stdio'], { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const pendingClient: { client?: LspClient } = {};
    const early: PublishDiagnosticsParams[] = [];
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      if (pendingClient.client === undefined) early.push(params);
      else pendingClient.client.receive(params);
    });
    connection.listen();
    const initialized: InitializeResult = await connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    await connection.sendNotification('initialized', {});
    const client = new LspClient(child, connection, initialized);
    child.stderr.on('data', (chunk: Buffer) => (client.stderr += chunk.toString('utf8')));
    pendingClient.client = client;
    early.forEach((params) => client.receive(params));
    return client;
  }

  private receive(params: PublishDiagnosticsParams): void {
    this.published.push(params);
    for (const waiter of this.waiters.filter((item) => item.uri === params.uri && item.version === params.version)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(params);
    }
  }

  /** The diagnostics published for `version` of the document (waits for them; never for a fixed time). */
  diagnostics(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    const done = this.published.find((params) => params.uri === uri && params.version === version);
    if (done !== undefined) return Promise.resolve(done);
    return new Promise((resolve) => this.waiters.push({ uri, version, resolve }));
  }

  /** Every publication so far for `uri`, in order. */
  publications(uri: string): PublishDiagnosticsParams[] {
    return this.published.filter((params) => params.uri === uri);
  }

  async open(uri: string, text: string, languageId = 'seqnet'): Promise<PublishDiagnosticsParams> {
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return this.diagnostics(uri, 1);
  }

  async change(uri: string, version: number, text: string): Promise<PublishDiagnosticsParams> {
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return this.diagnostics(uri, version);
  }

  request<R>(method: string, params: object): Promise<R> {
    return this.connection.sendRequest(method, params);
  }

  /** `shutdown`, then `exit`; resolves with the server's exit code. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}
