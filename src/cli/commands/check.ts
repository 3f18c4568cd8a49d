// Placeholder until this command group lands; replaced by its owner.
import type { Command } from 'commander';

export function registerCheckCommands(_program: Command): void {}
