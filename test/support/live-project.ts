import { expect } from 'vitest';
import { deployProject, type DeployProject } from './deploy-project';

/** What a test case gives a helper: a way to clean up when the test ends, passed or not. */
export interface TestContext {
  onTestFinished(fn: () => Promise<void> | void): void;
}

/** A project with catalog-app 1.0.0 (`v1`, its source) live on blue; cleaned up when the test ends. */
export async function liveProject(ctx: TestContext, port: number, configPatch: Record<string, unknown> = {}): Promise<DeployProject & { v1: string }> {
  const project = await deployProject(port, configPatch);
  ctx.onTestFinished(() => project.cleanup());
  const v1 = await project.release('1.0.0');
  const first = await project.deploy(v1);
  expect(first.code, first.stdout + first.stderr).toBe(0);
  expect(await project.liveColor()).toBe('blue');
  return Object.assign(project, { v1 });
}
