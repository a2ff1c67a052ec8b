import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestS3 } from '@switchyard/testbed';
import { describe, expect, it } from 'vitest';
import { deployProject, type DeployProject, requestLoop } from './support/deploy-project';
import { remoteProject } from './support/remote-project';

/*
 * Assets inside deploys, through the real command line: published in their own step after the
 * install and before the new colour starts, into the folder nginx serves or a real S3-compatible
 * server (s3rver), with every running release's files kept.
 */

const stylesheetOf = (html: string) => /<link rel="stylesheet" href="([^"]+)">/.exec(html)?.[1];

async function pageStylesheet(project: DeployProject): Promise<string> {
  const page = await project.get('/');
  expect(page.status).toBe(200);
  const href = stylesheetOf(page.body);
  expect(href, page.body).toBeDefined();
  return href!;
}

const releaseDir = (project: DeployProject, color: 'blue' | 'green') => join(project.appRoot, 'colors', color);

describe('assets in a folder nginx serves', () => {
  it("publishes before the new colour starts; the old release's files answer through the switch and after", { timeout: 120_000 }, async ({ onTestFinished }) => {
    const project = await deployProject(19189);
    onTestFinished(() => project.cleanup());
    const first = await project.deploy(await project.release('1.0.0'));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const lines = first.stdout.split('\n');
    const published = lines.findIndex((line) => line.includes('▸ Publish assets (public)'));
    expect(published).toBeGreaterThan(lines.findIndex((line) => line.includes('▸ Install dependencies')));
    expect(published).toBeLessThan(lines.findIndex((line) => line.includes('▸ Start blue')));

    const oldCss = await pageStylesheet(project);
    expect(oldCss).toMatch(/^\/assets\/app\.[0-9a-f]{12}\.css$/);
    const served = await project.get(oldCss);
    expect([served.status, served.headers['cache-control']]).toEqual([200, 'public, max-age=31536000, immutable']);
    expect(served.body).toContain('styles 1.0.0');
    const manifest = JSON.parse(readFileSync(join(releaseDir(project, 'blue'), '.switchyard/assets-manifest.json'), 'utf8'));
    expect(manifest.assets['app.css']).toBe(oldCss);
    // The unhashed name answers too, revalidated; the publisher's own files do not.
    expect((await project.get('/assets/app.css')).headers['cache-control']).toBe('no-cache');
    expect((await project.get('/assets/.switchyard-meta/app.css.json')).status).toBe(404);
    expect((await project.get(`/assets/.switchyard/manifests/${manifest.release}.json`)).status).toBe(404);

    // Pages of 1.0.0 already in browsers keep asking for its stylesheet while 2.0.0 goes live.
    const oldPages = requestLoop(project.port, oldCss);
    const second = await project.deploy(await project.release('2.0.0'));
    const during = await oldPages.stop();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(during.failures, during.failures.join('\n')).toEqual([]);
    expect(during.total).toBeGreaterThan(0);
    expect(second.stdout).toMatch(/ {4}2 files in public\/: 3 objects to write \([\d.]+ MiB\), 2 already in /);

    const newCss = await pageStylesheet(project);
    expect(newCss).not.toBe(oldCss);
    expect((await project.get(newCss)).body).toContain('styles 2.0.0');
    expect((await project.get(oldCss)).body).toContain('styles 1.0.0');
  });

  it('a publish that cannot be made stops the deploy before the new colour starts, traffic unchanged', { timeout: 120_000 }, async ({ onTestFinished }) => {
    const project = await deployProject(19190);
    onTestFinished(() => project.cleanup());
    const v1 = await project.release('1.0.0');
    writeFileSync(join(v1, 'public', 'logo.0123456789ab.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
    expect((await project.deploy(v1)).code).toBe(0);

    // A name that claims a content hash, with other bytes: overwriting it would serve browsers
    // that cached the old file for a year the wrong one.
    const v2 = await project.release('2.0.0');
    writeFileSync(join(v2, 'public', 'logo.0123456789ab.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="2"/>\n');
    const conflict = await project.deploy(v2);
    expect(conflict.code, conflict.stdout + conflict.stderr).toBe(1);
    expect(conflict.stderr).toMatch(/1 file\(s\) are already published under the same name with different content[\s\S]*logo\.0123456789ab\.svg[\s\S]*nothing was started; traffic is unchanged/);
    expect(conflict.stdout).not.toContain('▸ Start green');
    expect(await project.liveColor()).toBe('blue');
    expect((await project.get('/assets/logo.0123456789ab.svg')).body).not.toContain('width');

    project.configure({ assets: { from: 'dist' } });
    const missing = await project.deploy(await project.release('3.0.0'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/assets\.from: release \S+ has no folder dist after install and build; expected the built assets there/);
    expect(missing.stdout).not.toContain('▸ Start green');
    expect(await project.liveColor()).toBe('blue');
  });
});

describe('precompressed assets', () => {
  it('publishes gzip and brotli twins that nginx sends, as they are, to clients that accept them', { timeout: 120_000 }, async ({ onTestFinished }) => {
    const project = await deployProject(19193, { assets: { precompress: ['gzip', 'br'] } });
    onTestFinished(() => project.cleanup());
    const deploy = await project.deploy(await project.release('1.0.0'));
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    const css = await pageStylesheet(project);
    const directory = join(project.serverRoot, 'assets');
    for (const twin of [`${css}.gz`, `${css}.br`, '/assets/app.css.gz']) expect(existsSync(join(directory, twin.slice('/assets/'.length))), twin).toBe(true);
    for (const encoding of ['br', 'gzip', 'identity']) {
      const answer = await fetch(`http://127.0.0.1:${project.port}${css}`, { headers: { 'accept-encoding': encoding } });
      expect([answer.status, answer.headers.get('content-encoding'), answer.headers.get('cache-control')], encoding).toEqual([
        200,
        encoding === 'identity' ? null : encoding,
        'public, max-age=31536000, immutable',
      ]);
      expect(await answer.text()).toContain('styles 1.0.0');
    }
  });
});

describe('assets in an S3-compatible bucket (s3rver)', () => {
  it('published from the deploying machine with deploy secrets the server never sees; a missing bucket fails before anything ships', { timeout: 120_000 }, async ({ onTestFinished }) => {
    const s3 = await startTestS3('catalog-assets');
    onTestFinished(() => s3.stop());
    const project = await deployProject(19191);
    onTestFinished(() => project.cleanup());
    const secretKey = 'deployer-only-secret-0f3a9c';
    writeFileSync(join(project.dir, '.env'), `AWS_ACCESS_KEY_ID=${s3.credentials.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${secretKey}\n`, { mode: 0o600 });
    const bucket = { type: 's3', bucket: s3.bucket, prefix: 'static/', region: s3.region, endpoint: s3.endpoint, credentials: {} };
    project.configure({ deploySecrets: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] });
    project.replace('assets', bucket);

    const deploy = await project.deploy(await project.release('1.0.0'));
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    const css = await pageStylesheet(project);
    expect(css).toMatch(new RegExp(`^${s3.endpoint}/${s3.bucket}/static/app\\.[0-9a-f]{12}\\.css$`));
    const object = await fetch(css);
    expect([object.status, object.headers.get('cache-control'), object.headers.get('content-type')]).toEqual([200, 'public, max-age=31536000, immutable', 'text/css; charset=utf-8']);
    expect(await object.text()).toContain('styles 1.0.0');

    // The keys stay on this machine: not in the server's env files, not in what was printed.
    expect(readFileSync(join(project.appRoot, 'shared/env'), 'utf8')).not.toContain('AWS_');
    for (const color of ['blue', 'green']) {
      const envFile = join(project.appRoot, 'run', `${color}.env`);
      if (existsSync(envFile)) expect(readFileSync(envFile, 'utf8')).not.toContain(secretKey);
    }
    expect(deploy.stdout + deploy.stderr).not.toContain(secretKey);
    // The SDK's notice about the Node its future releases need is not the deployer's to act on.
    expect(deploy.stderr).not.toContain('NodeVersionSupportWarning');

    writeFileSync(join(project.dir, '.env'), `AWS_ACCESS_KEY_ID=AKIANOTTHEONE\nAWS_SECRET_ACCESS_KEY=${secretKey}\n`, { mode: 0o600 });
    const refused = await project.deploy(await project.release('2.0.0'));
    expect(refused.code, refused.stdout + refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/s3:\/\/catalog-assets\/static\/ failed: InvalidAccessKeyId/);
    expect(refused.stdout).not.toContain('▸ Ship release');
    expect(refused.stdout + refused.stderr).not.toMatch(new RegExp(`${secretKey}|AKIANOTTHEONE`));

    writeFileSync(join(project.dir, '.env'), `AWS_ACCESS_KEY_ID=${s3.credentials.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${secretKey}\n`, { mode: 0o600 });
    project.replace('assets', { ...bucket, bucket: 'no-such-bucket' });
    const missing = await project.deploy(await project.release('2.0.0'));
    expect(missing.code, missing.stdout + missing.stderr).toBe(1);
    expect(missing.stderr).toMatch(/s3:\/\/no-such-bucket\/static\/ failed: NoSuchBucket/);
    expect(missing.stdout).toContain('▸ Check the asset store');
    expect(missing.stdout).not.toContain('▸ Ship release');
    expect(missing.stdout + missing.stderr).not.toContain(secretKey);
    expect(await project.liveColor()).toBe('blue');
  });
});

describe('assets in the folder of a server over SSH', () => {
  it('sends only what changed, owned by the deploy user, served by its nginx', { timeout: 120_000 }, async ({ onTestFinished }) => {
    const { project, uid } = await remoteProject(19192, onTestFinished);
    const directory = join(project.serverRoot, 'assets');
    project.replace('assets', { type: 'local', directory });
    const first = await project.deploy(await project.release('1.0.0'));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const oldCss = await pageStylesheet(project);
    // Owned by the deploy user, readable by nginx's workers, who are another user (nobody, www-data).
    const file = statSync(join(directory, oldCss.slice('/assets/'.length)));
    expect([file.uid, file.mode & 0o777, statSync(directory).mode & 0o777]).toEqual([uid, 0o644, 0o755]);

    const second = await project.deploy(await project.release('2.0.0'));
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/\[TEST_SERVER\] {5}2 files in public\/: 3 objects to write \([\d.]+ MiB\), 2 already in /);
    const newCss = await pageStylesheet(project);
    expect(newCss).not.toBe(oldCss);
    for (const [css, version] of [[oldCss, '1.0.0'], [newCss, '2.0.0']] as const) {
      const answer = await project.get(css);
      expect([answer.status, answer.body.includes(`styles ${version}`)]).toEqual([200, true]);
    }
    const original = await project.get('/assets/app.css');
    expect([original.status, original.body.includes('styles 2.0.0')]).toEqual([200, true]);
  });
});
