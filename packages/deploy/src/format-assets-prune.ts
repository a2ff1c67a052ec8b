import type { AssetsPruneReport, PrunedStore } from './assets-prune';

const plural = (n: number, noun: string) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

function storeLines(report: AssetsPruneReport, store: PrunedStore, several: boolean): string[] {
  const one = store.releases.length === 1;
  const where = several || store.servers.length > 1 ? store.servers.join(', ') : 'the server';
  const lines = [`  ${store.location}: ${plural(store.releases.length, 'release')} on ${where} ${one ? 'keeps what it references' : 'keep what they reference'}`];
  for (const release of store.withoutManifest) lines.push(`    release ${release} has no assets manifest (deployed before assets were configured): it references nothing`);
  const what = `${plural(store.remove.length, 'object')} (${formatBytes(store.bytes)})`;
  if (report.dryRun) {
    // Every key, one a line: what a careful user reads before running it for real.
    lines.push(store.remove.length === 0 ? '    nothing would be deleted' : `    would delete ${what}:`);
    for (const key of store.remove) lines.push(`      ${key}`);
  } else lines.push(store.remove.length === 0 ? '    nothing to delete' : `    deleted ${what}`);
  lines.push(`    kept: ${plural(store.keptByRelease, 'object')} a release references, ${plural(store.tooRecent, 'object')} written within ${report.olderThan}`);
  return lines;
}

/** `pnpm assets prune` as text: per store, what kept it and what went; every key with --dry-run. */
export function formatAssetsPrune(report: AssetsPruneReport): string[] {
  const several = report.stores.length > 1;
  return [
    `assets prune (${report.environment}): objects last written more than ${report.olderThan} ago that no release on a server references`,
    ...report.stores.flatMap((store) => storeLines(report, store, several)),
    ...report.warnings.map((warning) => `  ! ${warning}`),
    report.dryRun ? 'Dry run: nothing was deleted.' : `Finished in ${(report.durationMs / 1000).toFixed(2)} s`,
  ];
}
