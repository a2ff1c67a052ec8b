import { type AssetManifest, manifestSchema } from '@switchyard/assets';
import type { Host } from '@switchyard/host';
import type { ServerLayout } from '@switchyard/templates';
import { DeployFailed } from './errors';
import type { ReleaseOnServer } from './prune-scopes';

const NOTHING_DELETED = 'nothing was deleted';

function parseManifest(where: string, text: string): AssetManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DeployFailed(`${where}: expected an assets manifest (JSON), got unreadable text (${(error as Error).message}); ${NOTHING_DELETED}`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success)
    throw new DeployFailed(`${where}: expected an assets manifest: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}; ${NOTHING_DELETED}`);
  return parsed.data;
}

/**
 * Every release directory on the server and the manifest its deploy wrote into it. Every directory
 * counts, whatever its name: one the prune does not recognise may still be served. A manifest that
 * is there but cannot be read stops the prune, since what that release's pages ask for is unknown.
 */
export async function readReleaseManifests(host: Host, layout: ServerLayout): Promise<ReleaseOnServer[]> {
  const ids = (await host.listDir(layout.releasesDir)).filter((name) => !name.startsWith('.')).sort();
  const releases: ReleaseOnServer[] = [];
  // One at a time: over SSH each read is a session of the one master connection, and sshd allows ten.
  for (const id of ids) {
    const path = layout.assetManifest(id);
    const text = await host.readFile(path);
    releases.push({ id, manifest: text === undefined ? undefined : parseManifest(host.name === 'local' ? path : `${host.name}:${path}`, text) });
  }
  return releases;
}
