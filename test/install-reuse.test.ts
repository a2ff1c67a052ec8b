import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployProject, type DeployProject } from './support/deploy-project';

/*
 * A release whose lockfile did not change starts from the previous release's node_modules instead
 * of installing again. It must be a copy: the new release's build may rewrite files in place.
 */

/** In the order they were deployed, as state.json records them: two ids of the same second sort by their hash. */
const releaseDirs = (project: DeployProject) =>
  (JSON.parse(readFileSync(join(project.appRoot, 'state.json'), 'utf8')) as { releases: { id: string }[] }).releases.map((release) =>
    join(project.appRoot, 'releases', release.id),
  );

/** catalog-app <version> with its own install and build scripts (commands are argument arrays, not shell text). */
async function releaseWith(project: DeployProject, version: string, scripts: { install: string; build?: string }): Promise<string> {
  const dir = await project.release(version);
  writeFileSync(join(dir, 'install.sh'), scripts.install);
  writeFileSync(join(dir, 'build.sh'), scripts.build ?? 'true\n');
  return dir;
}

const BUILD = { install: ['sh', 'install.sh'], build: ['sh', 'build.sh'], lockfile: 'package-lock.json' };

describe('reusing the previous install', { timeout: 60_000 }, () => {
  it("a build that rewrites a dependency's file in place leaves the running release's copy alone", async ({ onTestFinished }) => {
    const project = await deployProject(19173, { build: BUILD });
    onTestFinished(() => project.cleanup());
    // A dependency, and a build that patches it in place (as a postinstall step or a bundler may).
    const scripts = { install: 'mkdir -p node_modules/dep && echo original > node_modules/dep/index.js\n', build: 'echo patched >> node_modules/dep/index.js\n' };
    const first = await project.deploy(await releaseWith(project, '1.0.0', scripts));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const second = await project.deploy(await releaseWith(project, '2.0.0', scripts));
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/▸ Install \(package-lock\.json unchanged: reuse \d{8}T\d{6}Z-[0-9a-f]+(-dirty)?\)/);

    const [older, newer] = releaseDirs(project).map((dir) => join(dir, 'node_modules/dep/index.js'));
    expect(readFileSync(older!, 'utf8')).toBe('original\npatched\n');
    expect(readFileSync(newer!, 'utf8')).toBe('original\npatched\npatched\n');
  });

  it('a previous release without node_modules: says so and installs', async ({ onTestFinished }) => {
    const project = await deployProject(19174, { build: BUILD });
    onTestFinished(() => project.cleanup());
    const first = await project.deploy(await releaseWith(project, '1.0.0', { install: 'true\n' }));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const second = await project.deploy(await releaseWith(project, '2.0.0', { install: 'mkdir -p node_modules/dep && touch node_modules/dep/index.js\n' }));
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/\d{8}T\d{6}Z-[0-9a-f]+(-dirty)? has no node_modules to reuse: installing/);
    expect(existsSync(join(releaseDirs(project).at(-1)!, 'node_modules/dep/index.js'))).toBe(true);
  });
});
