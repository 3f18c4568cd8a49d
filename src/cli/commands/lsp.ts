/**
 * `seqnet lsp [--stdio]`: the language server for editors, on standard input and output. Its modules (and
 * vscode-languageserver) load only when the command runs, like the other heavy commands.
 */
import type { Command } from 'commander';

export function registerLspCommand(program: Command): void {
  program
    .command('lsp')
    .description('run the language server on stdin/stdout (for editors: diagnostics, completion, hover, formatting, quick fixes)')
    .option('--stdio', 'talk over standard input and output (the default and only transport)')
    // Clients add options of their own (`--clientProcessId=N`); the server library reads those itself.
    .allowUnknownOption()
    .action(async () => {
      const { startServer } = await import('../lsp/server.js');
      startServer();
      // The server runs until the client sends `exit` or closes stdin; the library ends the process then.
      await new Promise<never>(() => undefined);
    });
}
