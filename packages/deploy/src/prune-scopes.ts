import type { AssetManifest } from '@switchyard/assets';

/** A release directory on a server and the assets manifest written into it, if it has one. */
export interface ReleaseOnServer {
  readonly id: string;
  /** undefined: deployed before assets were configured, so it references none. */
  readonly manifest: AssetManifest | undefined;
}

/** What one server holds: its releases, and the machine it is (for a folder several entries of one host share). */
export interface ServerReleases {
  readonly server: string;
  /** The SSH destination, or "local": two servers that are one machine share `assets.directory`. */
  readonly machine: string;
  readonly releases: readonly ReleaseOnServer[];
}

/** One store to prune and what keeps its objects. */
export interface PruneScope {
  /** The servers whose releases count; the first one opens the store (its folder, for `type: local`). */
  readonly servers: readonly string[];
  /** Every release on those servers, once each, sorted. */
  readonly releases: readonly string[];
  /** Their manifests, once per release. */
  readonly manifests: readonly AssetManifest[];
  /** Releases none of those servers has a manifest for: they reference nothing. */
  readonly withoutManifest: readonly string[];
}

function scopeOf(servers: readonly ServerReleases[]): PruneScope {
  const manifests = new Map<string, AssetManifest>();
  const ids = new Set<string>();
  for (const server of servers)
    for (const release of server.releases) {
      ids.add(release.id);
      if (release.manifest && !manifests.has(release.id)) manifests.set(release.id, release.manifest);
    }
  const releases = [...ids].sort();
  return {
    servers: servers.map((s) => s.server),
    releases,
    manifests: releases.flatMap((id) => manifests.get(id) ?? []),
    withoutManifest: releases.filter((id) => !manifests.has(id)),
  };
}

/**
 * Which stores a prune works on and what each must keep. A bucket is one store that every
 * server's pages load from, so what any server still holds keeps it. A `local` folder is each
 * server's own, kept by its own releases only — except where two servers of the config are one
 * machine (two roots on one host): they publish into the same folder, so both keep it.
 */
export function pruneScopes(type: 's3' | 'local', servers: readonly ServerReleases[]): PruneScope[] {
  if (type === 's3') return servers.length === 0 ? [] : [scopeOf(servers)];
  const byMachine = new Map<string, ServerReleases[]>();
  for (const server of servers) byMachine.set(server.machine, [...(byMachine.get(server.machine) ?? []), server]);
  return [...byMachine.values()].map(scopeOf);
}
