import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync } from 'node:fs';
import { startTestSshd, type TestSshd } from '@switchyard/testbed';
import type { OnTestFinishedHandler } from 'vitest';
import { type DeployProject, deployProject } from './deploy-project';

export interface RemoteProject {
  sshd: TestSshd;
  project: DeployProject;
  /** The deploy user's uid. */
  uid: number;
}

/**
 * A test project whose server is an sshd on loopback, reached through its alias as the `deploy`
 * user with no sudo, its deploy root the deploy user's (as server:init leaves it). Both are
 * stopped and removed when the test finishes.
 */
export async function remoteProject(preferredPort: number, onTestFinished: (fn: OnTestFinishedHandler) => void): Promise<RemoteProject> {
  const sshd = await startTestSshd();
  onTestFinished(() => sshd.stop());
  const project = await deployProject(preferredPort);
  onTestFinished(() => project.cleanup());
  mkdirSync(project.serverRoot);
  const uid = Number(execFileSync('id', ['-u', sshd.user]).toString());
  chownSync(project.serverRoot, uid, uid);
  project.configure({ server: { type: 'ssh', root: project.serverRoot, host: sshd.alias, ssh: { configFile: sshd.clientConfig }, privilege: 'none' } });
  return { sshd, project, uid };
}
