import type { Config } from '@switchyard/config';
import { COLORS } from '@switchyard/templates';
import { withRuntime } from './runtime';

/** Stops both colours and Switchyard's private nginx (the demo's and the tests' teardown). */
export async function stopEverything(config: Config): Promise<void> {
  await withRuntime(config, {}, async (rt) => {
    for (const color of COLORS) await rt.processes.stop(color, { timeoutMs: config.systemd.stopTimeoutSec * 1000 });
    if (config.nginx.mode === 'private') await rt.nginx.stop();
  });
}
