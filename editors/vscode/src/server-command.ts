/**
 * Which `seqnet` command the extension starts as its language server. Kept apart from the VS Code API so the
 * suite can test it without an editor.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export interface ServerCommand {
  command: string;
  /** `lsp`; the language client adds `--stdio` for the stdio transport. */
  args: string[];
  /** Windows runs npm's `.cmd` shims only through a shell. */
  shell: boolean;
}

export interface ServerCommandContext {
  /** The `seqnet.path` setting ('' when unset). */
  configuredPath: string;
  /** The first workspace folder on disk, if any. */
  workspaceFolder: string | undefined;
  platform: NodeJS.Platform;
  exists?: (path: string) => boolean;
}

/**
 * The setting when there is one (relative to the workspace folder); else the workspace's own install
 * (`node_modules/.bin/seqnet`, the version the project pins); else `seqnet` on the PATH.
 */
export function serverCommand({ configuredPath, workspaceFolder, platform, exists = existsSync }: ServerCommandContext): ServerCommand {
  const shell = platform === 'win32';
  const configured = configuredPath.trim();
  if (configured !== '') {
    const command = isAbsolute(configured) || workspaceFolder === undefined || !/[\\/]/.test(configured) ? configured : resolve(workspaceFolder, configured);
    return { command, args: ['lsp'], shell };
  }
  if (workspaceFolder !== undefined) {
    const local = join(workspaceFolder, 'node_modules', '.bin', shell ? 'seqnet.cmd' : 'seqnet');
    if (exists(local)) return { command: local, args: ['lsp'], shell };
  }
  return { command: 'seqnet', args: ['lsp'], shell };
}
