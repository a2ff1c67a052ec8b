import { parseAge } from '@switchyard/assets';
import { UsageError } from '@switchyard/config';
import { assetsOf, formatAssetsPrune, newDeployId, pruneReleaseAssets } from '@switchyard/deploy';
import { loadConfigOrThrow, parseCommandLine, print, runCommand } from './lib/cli';
import { wholeNumber } from './lib/whole-number';
import { wordsOf } from './lib/words';

const USAGE = `usage: pnpm assets prune --older-than AGE [--env NAME] [--dry-run] [--json] [--wait SECONDS] [--trust-new-host-key]
  prune    deletes the published assets (config "assets") that no release still on a server
           references (the "keep" setting) and that were last written more than AGE ago: 30d,
           12h, 2w, 90m. A bucket is kept by the releases of every server, a local folder by its
           own server's. --dry-run lists every object it would delete and deletes nothing.`;

const ACTIONS = ['prune'] as const;
const VALUE_FLAGS = new Set(['--env', '--config-dir', '--older-than', '--wait']);

await runCommand(async () => {
  const { words, flags } = wordsOf(process.argv.slice(2), VALUE_FLAGS);
  const [first, ...extra] = words;
  const action = ACTIONS.find((a) => a === first);
  if (!action) {
    if (flags.includes('--help') || flags.includes('-h')) return print(USAGE);
    throw new UsageError(`pnpm assets: expected an action (${ACTIONS.join(', ')}), got ${first === undefined ? 'none' : JSON.stringify(first)}\n${USAGE}`);
  }
  if (extra.length > 0) throw new UsageError(`pnpm assets ${action}: unexpected ${JSON.stringify(extra[0])}\n${USAGE}`);
  const args = parseCommandLine(
    USAGE,
    {
      'older-than': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      wait: { type: 'string' },
      'trust-new-host-key': { type: 'boolean', default: false },
    },
    flags,
  );
  // No default: how long an unreferenced object may still be wanted (a page cached by a CDN, an
  // old tab) is the user's call, and a prune deletes for good.
  const olderThan = args['older-than'] as string | undefined;
  if (olderThan === undefined) throw new UsageError(`pnpm assets prune: expected --older-than AGE (such as 30d, 12h, 2w or 90m): only objects last written longer ago than that are deleted`);
  const olderThanMs = parseAge(olderThan);
  const waitSeconds = wholeNumber('wait', args.wait, { min: 0, max: 3600, of: 'seconds' });
  const config = await loadConfigOrThrow(args.env, args['config-dir']);
  assetsOf(config);
  const report = await pruneReleaseAssets({
    config,
    olderThan,
    olderThanMs,
    dryRun: args['dry-run'] === true,
    waitMs: waitSeconds === undefined ? undefined : waitSeconds * 1000,
    trustNewHostKey: args['trust-new-host-key'] === true,
    deployId: newDeployId(),
    argv: ['assets', ...process.argv.slice(2)],
  });
  print(args.json ? JSON.stringify(report) : formatAssetsPrune(report).join('\n'));
});
