import { parse } from 'dotenv';
import type { Host } from './host';

/**
 * Reads dotenv-style files (the same syntax systemd's EnvironmentFile= accepts for simple
 * KEY=value lines) in order, later files winning; a missing file contributes nothing.
 */
export async function readEnvFiles(host: Host, files: readonly string[]): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const file of files) {
    const text = await host.readFile(file);
    if (text !== undefined) Object.assign(env, parse(text));
  }
  return env;
}
