import { fileURLToPath } from 'node:url';

/**
 * dist/commands/ when `moduleUrl` (a module's import.meta.url) is in the built commands, whether in
 * a command's bundle or in one of the chunks below it (dist/commands/chunks/); undefined when the
 * code runs from its TypeScript source.
 */
export function builtCommandsDir(moduleUrl: string): string | undefined {
  return /^(.*\/dist\/commands)\//.exec(fileURLToPath(moduleUrl))?.[1];
}
