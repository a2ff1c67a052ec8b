import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@switchyard/config/validation';
import { stopEverything } from '@switchyard/deploy';

/** Stops what an earlier demo left running under `root`, if anything. */
export async function teardown(root: string): Promise<void> {
  const configDir = join(root, 'config');
  if (!existsSync(configDir)) return;
  const { config } = loadConfig({ environment: 'local', configDir });
  if (config) await stopEverything(config);
}
