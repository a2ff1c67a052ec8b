import type { Config } from '@switchyard/config';
import { DeployFailed } from '../errors';
import type { Reporter } from '../reporter';
import { onHost } from '../reporter';
import { type ConnectOptions, withEachHost } from '../runtime';
import { applyInitChange } from './apply-init';
import { planServerInit } from './plan-init';
import { observeServer } from './server-facts';

export interface ServerInitOptions extends ConnectOptions {
  config: Config;
  out: Reporter;
  dryRun: boolean;
}

const MARK = { ok: '✓', change: '+', 'needs-root': '!' } as const;

/**
 * Prepares a server for its first deploy, idempotently: says what is already right, changes what
 * is not (or, without root, prints the root commands that would), and a second run changes nothing.
 */
export async function serverInitCommand(options: ServerInitOptions): Promise<void> {
  // Every server of the environment, each with its own deploy root and its own lines.
  await withEachHost(options.config, options, async (host, layout, server) => {
    const config = server.config;
    const out = host.name === 'local' ? options.out : onHost(options.out, host.name);
    const facts = await observeServer(host, config, layout);
    const items = planServerInit(config, layout, facts);
    out.emit({ type: 'start', command: 'server:init', environment: config.environment, detail: `as ${facts.login}${options.dryRun ? ' (dry run)' : ''}` });
    let changed = 0;
    for (const item of items) {
      const verb = item.state === 'change' && options.dryRun ? 'would ' : '';
      out.emit({ type: 'note', message: `${MARK[item.state]} ${item.name}: ${verb}${item.detail}` });
      if (item.state === 'needs-root') out.emit({ type: 'logs', source: 'what root would run', lines: item.rootCommands.flatMap((c) => c.split('\n')) });
      if (item.state !== 'change' || options.dryRun) continue;
      await applyInitChange(host, item.change);
      changed++;
    }
    const blocked = items.filter((item) => item.state === 'needs-root');
    const pending = items.filter((item) => item.state === 'change').length;
    if (blocked.length > 0)
      throw new DeployFailed(
        `${host.name === 'local' ? '' : `${host.name}: `}${blocked.map((item) => item.name).join(', ')} need${blocked.length === 1 ? 's' : ''} root: run the commands above as root, or run server:init again with --ssh-user root`,
      );
    out.emit({
      type: 'note',
      message: options.dryRun ? (pending === 0 ? 'Nothing to change: the server is ready.' : `${pending} change(s) to make; nothing was changed.`) : changed === 0 ? 'Nothing to change: the server is ready.' : `${changed} change(s) made.`,
    });
  });
}
