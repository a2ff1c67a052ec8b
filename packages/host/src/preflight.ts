import { DeployRootError, HostFileError } from './errors';
import type { Host } from './host';

const MB = 1024 * 1024;

/**
 * Run before anything changes: a deploy that would fail half-way for want of space or permission
 * fails here instead, with the reason. Creates the app root if it is missing.
 */
export async function checkDeployRoot(host: Host, appRoot: string, minFreeBytes: number): Promise<void> {
  try {
    await host.mkdirp(appRoot);
    await host.checkWritable(appRoot);
  } catch (error) {
    if (error instanceof HostFileError)
      throw new DeployRootError(`deploy root ${appRoot} is not usable: ${error.message}; nothing was changed`);
    throw error;
  }
  const free = await host.diskFree(appRoot);
  if (free < minFreeBytes)
    throw new DeployRootError(
      `deploy root ${appRoot} has ${(free / MB).toFixed(1)} MB free; a deploy needs at least ${(minFreeBytes / MB).toFixed(0)} MB. Nothing was changed`,
    );
}
