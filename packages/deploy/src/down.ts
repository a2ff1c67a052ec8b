import type { Config } from '@switchyard/config';
import { COLORS, servesEmbeddedDatabase } from '@switchyard/templates';
import { stopEmbeddedDatabase } from './embedded-database';
import { withRuntime } from './runtime';

/** Stops both colours, Switchyard's private nginx and the embedded database; every file and all data stay. */
export async function stopEverything(config: Config): Promise<void> {
  await withRuntime(config, {}, async (rt) => {
    for (const color of COLORS) await rt.processes.stop(color, { timeoutMs: config.systemd.stopTimeoutSec * 1000 });
    if (config.nginx.mode === 'private') await rt.nginx.stop();
    if (servesEmbeddedDatabase(config)) await stopEmbeddedDatabase(config, rt.host);
  });
}
