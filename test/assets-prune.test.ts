import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createS3Client, s3Store } from '@switchyard/assets/s3';
import { waitFor } from '@switchyard/host';
import { startTestS3 } from '@switchyard/testbed';
import { describe, expect, it } from 'vitest';
import { deployProject, type DeployProject, spawnScript } from './support/deploy-project';
import { remoteProject } from './support/remote-project';

/*
 * `pnpm assets prune` through the real command line, after real deploys with `keep: 3`: what only
 * releases gone from the server referenced goes; every file a release still there references stays
 * and is served. Ages are made, not waited for: the objects' mtimes (a folder's files, s3rver's
 * object files, which it reports as LastModified) are set two hours back, then --older-than 1h.
 */

const HOUR_MS = 3_600_000;

/** Every file under dir, relative, sorted. */
function filesUnder(dir: string, relative = ''): string[] {
  if (!existsSync(join(dir, relative))) return [];
  return readdirSync(join(dir, relative), { withFileTypes: true })
    .flatMap((entry) => {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      return entry.isDirectory() ? filesUnder(dir, path) : [path];
    })
    .sort();
}

/** Every file under dir last written `ms` ago. */
function age(dir: string, ms: number): void {
  const then = new Date(Date.now() - ms);
  for (const file of filesUnder(dir)) utimesSync(join(dir, file), then, then);
}

interface Deployed {
  release: string;
  /** The stylesheet's URL in the manifest: /assets/app.<hash>.css, or the bucket's URL. */
  css: string;
}

/** Deploys each version and returns, per deploy, the release id and its stylesheet, from the live release's manifest. */
async function deployAll(project: DeployProject, versions: readonly string[]): Promise<Deployed[]> {
  const deployed: Deployed[] = [];
  for (const version of versions) {
    const result = await project.deploy(await project.release(version));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const live = await project.liveColor();
    const manifest = JSON.parse(readFileSync(join(project.appRoot, 'colors', live, '.switchyard/assets-manifest.json'), 'utf8')) as { release: string; assets: Record<string, string> };
    deployed.push({ release: manifest.release, css: manifest.assets['app.css']! });
  }
  return deployed;
}

const prune = (project: DeployProject, ...args: string[]) => project.run('assets.ts', ['prune', ...args]);

/** The keys a dry run lists, one a line under "would delete". */
const listedKeys = (stdout: string) => [...stdout.matchAll(/^ {6}(\S+)$/gm)].map((match) => match[1]!);

const releasesOn = (project: DeployProject) => readdirSync(join(project.appRoot, 'releases')).sort();

describe('pnpm assets prune, a folder nginx serves', () => {
  it('removes what only releases gone from the server referenced; every kept release keeps its files, served', { timeout: 300_000 }, async ({ onTestFinished }) => {
    const project = await deployProject(19194, { keep: 3 });
    onTestFinished(() => project.cleanup());
    const folder = join(project.serverRoot, 'assets');
    const deployed = await deployAll(project, ['1.0.0', '2.0.0', '3.0.0', '4.0.0', '5.0.0']);
    expect(new Set(deployed.map((d) => d.css)).size).toBe(5);
    const [gone1, gone2, ...kept] = deployed as [Deployed, Deployed, ...Deployed[]];
    // The deploys pruned the two oldest releases from the server; their assets are still published.
    expect(releasesOn(project)).toEqual(kept.map((d) => d.release));
    const keyOf = (css: string) => css.slice('/assets/'.length);
    for (const { css } of deployed) expect(existsSync(join(folder, keyOf(css))), css).toBe(true);

    writeFileSync(join(folder, 'unreferenced.txt'), 'left by hand\n');
    age(folder, 2 * HOUR_MS);
    // Written just now, referenced by nothing: may belong to a publish whose manifest is not written yet.
    writeFileSync(join(folder, 'just-written.txt'), 'a publish in progress\n');
    const expected = [keyOf(gone1.css), keyOf(gone2.css), `.switchyard/manifests/${gone1.release}.json`, `.switchyard/manifests/${gone2.release}.json`, 'unreferenced.txt'].sort();
    const before = filesUnder(folder);

    const dryRun = await prune(project, '--older-than', '1h', '--dry-run');
    expect(dryRun.code, dryRun.stdout + dryRun.stderr).toBe(0);
    expect(listedKeys(dryRun.stdout)).toEqual(expected);
    expect(dryRun.stdout).toMatch(new RegExp(`^  ${folder}: 3 releases on the server keep what they reference$`, 'm'));
    expect(dryRun.stdout).toMatch(/^ {4}would delete 5 objects \([\d.]+ (B|KiB)\):$/m);
    expect(dryRun.stdout).toMatch(/^ {4}kept: \d+ objects a release references, 1 object written within 1h$/m);
    expect(dryRun.stdout).toMatch(/^Dry run: nothing was deleted\.$/m);
    expect(filesUnder(folder)).toEqual(before);

    const json = await prune(project, '--older-than', '1h', '--dry-run', '--json');
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { dryRun: boolean; stores: { location: string; releases: string[]; remove: string[]; bytes: number; keptByRelease: number; tooRecent: number }[] };
    expect(report.dryRun).toBe(true);
    expect(report.stores).toHaveLength(1);
    const store = report.stores[0]!;
    expect([store.location, store.releases, store.remove, store.tooRecent]).toEqual([folder, kept.map((d) => d.release), expected, 1]);
    expect(store.bytes).toBe(expected.reduce((sum, key) => sum + statSync(join(folder, key)).size, 0));
    // Three stylesheets, app.css (every release's original), the favicon's two names, three manifests.
    expect(store.keptByRelease).toBe(9);
    expect(filesUnder(folder)).toEqual(before);

    const real = await prune(project, '--older-than', '1h');
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(real.stdout).toMatch(/^ {4}deleted 5 objects \([\d.]+ (B|KiB)\)$/m);
    expect(real.stdout).toMatch(/^Finished in [\d.]+ s$/m);
    // Gone with their metadata; nothing else touched.
    const meta = expected.map((key) => `.switchyard-meta/${key}.json`).filter((path) => before.includes(path));
    expect(meta.length).toBeGreaterThan(0);
    expect(filesUnder(folder)).toEqual(before.filter((path) => !expected.includes(path) && !meta.includes(path)));
    for (const { css } of [gone1, gone2]) expect((await project.get(css)).status, css).toBe(404);
    for (const [i, { css }] of kept.entries()) {
      const answer = await project.get(css);
      expect([css, answer.status, answer.body.includes(`styles ${i + 3}.0.0`)]).toEqual([css, 200, true]);
    }
    expect((await project.get('/assets/app.css')).status).toBe(200);
    expect(existsSync(join(folder, 'just-written.txt'))).toBe(true);

    const audit = readFileSync(join(project.appRoot, 'log/deploys.jsonl'), 'utf8').trim().split('\n').at(-1)!;
    expect(JSON.parse(audit)).toMatchObject({ command: 'assets prune', outcome: 'ok' });
    const again = await prune(project, '--older-than', '1h');
    expect([again.code, again.stdout.includes('    nothing to delete')]).toEqual([0, true]);
  });
});

describe('pnpm assets prune, an S3-compatible bucket (s3rver)', () => {
  it('one bucket, kept by the releases on the server; the deploy secrets never printed', { timeout: 300_000 }, async ({ onTestFinished }) => {
    const s3 = await startTestS3('catalog-assets');
    onTestFinished(() => s3.stop());
    const project = await deployProject(19195, { keep: 3 });
    onTestFinished(() => project.cleanup());
    const secretKey = 'prune-only-secret-7d41e2';
    writeFileSync(join(project.dir, '.env'), `AWS_ACCESS_KEY_ID=${s3.credentials.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${secretKey}\n`, { mode: 0o600 });
    project.configure({ deploySecrets: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] });
    project.replace('assets', { type: 's3', bucket: s3.bucket, prefix: 'static/', region: s3.region, endpoint: s3.endpoint, credentials: {} });

    const deployed = await deployAll(project, ['1.0.0', '2.0.0', '3.0.0', '4.0.0']);
    const [gone, ...kept] = deployed as [Deployed, ...Deployed[]];
    expect(releasesOn(project)).toEqual(kept.map((d) => d.release));
    const base = `${s3.endpoint}/${s3.bucket}/static/`;
    const keyOf = (css: string) => {
      expect(css.startsWith(base), css).toBe(true);
      return css.slice(base.length);
    };
    const client = createS3Client({ region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials });
    onTestFinished(() => client.destroy());
    const bucket = s3Store({ client, bucket: s3.bucket, prefix: 'static/' });
    const keys = async () => (await bucket.list()).map((object) => object.key).sort();

    age(s3.dataDir, 2 * HOUR_MS);
    const expected = [keyOf(gone.css), `.switchyard/manifests/${gone.release}.json`].sort();
    const before = await keys();
    for (const key of expected) expect(before).toContain(key);

    const dryRun = await prune(project, '--older-than', '1h', '--dry-run');
    expect(dryRun.code, dryRun.stdout + dryRun.stderr).toBe(0);
    expect(listedKeys(dryRun.stdout)).toEqual(expected);
    expect(dryRun.stdout).toContain(`  s3://${s3.bucket}/static/: 3 releases on the server keep what they reference`);
    expect(await keys()).toEqual(before);

    const real = await prune(project, '--older-than', '1h', '--json');
    expect(real.code, real.stdout + real.stderr).toBe(0);
    const report = JSON.parse(real.stdout) as { dryRun: boolean; stores: { remove: string[]; keptByRelease: number; tooRecent: number }[] };
    expect([report.dryRun, report.stores[0]!.remove, report.stores[0]!.tooRecent]).toEqual([false, expected, 0]);
    expect(await keys()).toEqual(before.filter((key) => !expected.includes(key)));
    expect((await fetch(gone.css)).status).toBe(404);
    for (const [i, { css }] of kept.entries()) {
      const object = await fetch(css);
      expect([css, object.status, (await object.text()).includes(`styles ${i + 2}.0.0`)]).toEqual([css, 200, true]);
    }
    for (const output of [dryRun, real]) expect(output.stdout + output.stderr).not.toContain(secretKey);

    // A wrong bucket: exit 1, naming it and the operation; nothing on the server changed.
    project.replace('assets', { type: 's3', bucket: 'no-such-bucket', prefix: 'static/', region: s3.region, endpoint: s3.endpoint, credentials: {} });
    const missing = await prune(project, '--older-than', '1h');
    expect(missing.code, missing.stdout + missing.stderr).toBe(1);
    expect(missing.stderr).toMatch(/^ListObjectsV2 on s3:\/\/no-such-bucket\/static\/ failed: NoSuchBucket/m);
    expect(missing.stderr).not.toMatch(/^\s+at /m);
    expect(missing.stdout + missing.stderr).not.toContain(secretKey);
  });
});

/** The pids of flock(1) processes holding or waiting for a lock on `path` (their descriptor 9, as both lock scripts open it). */
function flocksOn(path: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'flock' && readlinkSync(`/proc/${pid}/fd/9`) === path;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('pnpm assets prune, a folder on a server over SSH', () => {
  it('exit 2 for bad input or no assets; exit 3 while a deploy holds the lock; a release without a manifest keeps nothing; deletes on the server', { timeout: 240_000 }, async ({ onTestFinished }) => {
    const { project, sshd } = await remoteProject(19196, onTestFinished);
    const folder = join(project.serverRoot, 'assets');
    project.replace('assets', undefined);
    const first = await project.deploy(await project.release('1.0.0'));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const [old] = releasesOn(project);

    const unconfigured = await prune(project, '--older-than', '30d');
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.stderr.trim()).toBe(`${join(project.configDir, 'local.json')}: no "assets" section: this environment publishes no assets, so there are none to prune`);

    project.replace('assets', { type: 'local', directory: folder });
    const usage = [
      [['--older-than', '30x'], /^--older-than "30x": expected a positive whole number and a unit, m, h, d or w \(30d\)$/],
      [['--older-than', '0d'], /^--older-than "0d": expected a positive whole number/],
      [[], /^pnpm assets prune: expected --older-than AGE \(such as 30d, 12h, 2w or 90m\)/],
      [['--older-than', '30d', '--wait', 'soon'], /^--wait: expected a whole number of seconds from 0 to 3600, got "soon"$/],
      [['--older-than', '30d', '--frobnicate'], /^Unknown option '--frobnicate'/],
    ] as const;
    for (const [args, message] of usage) {
      const result = await prune(project, ...args);
      expect([args, result.code], result.stderr).toEqual([args, 2]);
      // One line that says what is wrong, then (for misuse) the usage.
      expect(result.stderr.split('\n')[0]).toMatch(message);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
    const noAction = await project.run('assets.ts', ['tidy', '--older-than', '30d']);
    expect([noAction.code, noAction.stderr.split('\n')[0]]).toEqual([2, 'pnpm assets: expected an action (prune), got "tidy"']);

    // Deployed before assets were configured: said, and nothing kept for it; the folder is not there yet.
    const before = await prune(project, '--older-than', '30d', '--dry-run');
    expect(before.code, before.stdout + before.stderr).toBe(0);
    expect(before.stdout).toContain(`  ${sshd.alias}:${folder}: 1 release on the server keeps what it references`);
    expect(before.stdout).toContain(`    release ${old} has no assets manifest (deployed before assets were configured): it references nothing`);
    expect(before.stdout).toContain('    nothing would be deleted');

    const second = await project.deploy(await project.release('2.0.0'));
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const css = JSON.parse(readFileSync(join(project.appRoot, 'colors', await project.liveColor(), '.switchyard/assets-manifest.json'), 'utf8')).assets['app.css'] as string;
    writeFileSync(join(folder, 'unreferenced.txt'), 'left by hand\n');
    age(folder, 2 * HOUR_MS);

    // A deploy holds the lock (flock on deploy.lock, as it does): the prune waits for it or stops with 3.
    const lockFile = join(project.appRoot, 'deploy.lock');
    // The shell takes the lock on its own descriptor and becomes the sleep: killing that one pid frees it.
    const script = 'exec 9>>"$1" && flock -x 9 && echo locked && exec sleep 60';
    const holder = spawn('sh', ['-c', script, 'sh', lockFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    onTestFinished(() => {
      holder.kill('SIGKILL');
    });
    await new Promise<void>((resolve, reject) => {
      holder.stdout.once('data', () => resolve());
      holder.once('exit', (code) => reject(new Error(`flock exited ${code}`)));
    });
    const locked = await prune(project, '--older-than', '1h');
    expect(locked.code, locked.stdout + locked.stderr).toBe(3);
    expect(locked.stderr).toContain(`${lockFile} is held by another command`);
    expect(existsSync(join(folder, 'unreferenced.txt'))).toBe(true);
    const waiting = spawnScript('assets.ts', [...project.flags(), 'prune', '--older-than', '1h', '--wait', '30']);
    // Released only once the prune waits for it: a flock on the server (run through SSH) waits on the same file.
    expect(await waitFor(async () => flocksOn(lockFile).length > 0, { timeoutMs: 20_000, intervalMs: 20 }), waiting.output).toBe(true);
    holder.kill('SIGKILL');
    const waited = await waiting.exited;
    expect(waited.code, waited.output).toBe(0);
    expect(waited.output).toMatch(/^ {4}deleted 1 object \(\d+ B\)$/m);

    expect(existsSync(join(folder, 'unreferenced.txt'))).toBe(false);
    expect(existsSync(join(folder, '.switchyard-meta/unreferenced.txt.json'))).toBe(false);
    const served = await project.get(css);
    expect([served.status, served.body.includes('styles 2.0.0')]).toEqual([200, true]);
    expect((await project.get('/assets/app.css')).status).toBe(200);
  });
});
