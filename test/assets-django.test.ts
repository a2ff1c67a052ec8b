import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployProject, type DeployProject, requestLoop } from './support/deploy-project';

/*
 * A Django site as Django's documentation sets it up: django.contrib.staticfiles with
 * ManifestStaticFilesStorage, `collectstatic` as the build, STATIC_URL from the environment, the
 * page naming its stylesheet with {% static %}. Switchyard publishes STATIC_ROOT to the folder its
 * nginx serves at /assets/, and keeps Django's own hashed names: the URL Django renders is the one
 * published, and our manifest agrees with Django's.
 */

const DJANGO = join(import.meta.dirname, '..', 'examples/django-site');
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The site as a release: a copy, without what running it by hand leaves in the checkout. */
function copySite(project: DeployProject, name: string): string {
  const dir = join(project.dir, 'src', name);
  cpSync(DJANGO, dir, { recursive: true, filter: (path) => !['data', 'staticfiles', '__pycache__'].includes(basename(path)) });
  return dir;
}

async function pageStylesheet(project: DeployProject): Promise<string> {
  const page = await project.get('/');
  expect(page.status, page.body).toBe(200);
  const href = /<link rel="stylesheet" href="([^"]+)">/.exec(page.body)?.[1];
  expect(href, page.body).toBeDefined();
  return href!;
}

const releaseFile = (project: DeployProject, color: 'blue' | 'green', path: string) => JSON.parse(readFileSync(join(project.appRoot, 'colors', color, path), 'utf8'));

describe('a Django site with ManifestStaticFilesStorage, assets in the folder nginx serves', () => {
  it("publishes Django's hashed names as they are; the old stylesheet answers through the next deploy", { timeout: 180_000 }, async ({ onTestFinished }) => {
    const project = await deployProject(
      19197,
      {
        start: { command: ['/usr/bin/gunicorn', '--bind', 'unix:${SOCKET_PATH}', '--workers', '2', 'mysite.wsgi'] },
        build: { build: ['/usr/bin/python3', 'manage.py', 'collectstatic', '--noinput'] },
        shared: { dirs: ['data'] },
        secrets: ['DJANGO_SECRET_KEY'],
        migrations: { command: ['/usr/bin/python3', 'manage.py', 'migrate', '--noinput'] },
        health: { path: '/health', expectText: 'ok', checks: [] },
      },
      { base: { app: 'shop' } },
    );
    onTestFinished(() => project.cleanup());
    const published = join(project.dir, 'assets');
    project.configure({ assets: { type: 'local', directory: published, from: 'staticfiles' } });
    writeFileSync(join(project.dir, '.env'), 'DJANGO_SECRET_KEY=a-test-key-for-the-django-example-site-0123456789\n', { mode: 0o600 });

    const first = await project.deploy(copySite(project, 'v1'));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const lines = first.stdout.split('\n');
    const publishing = lines.findIndex((line) => line.includes('▸ Publish assets (staticfiles)'));
    expect(publishing).toBeGreaterThan(lines.findIndex((line) => /1 static file copied to '.*', 2 post-processed/.test(line)));
    expect(publishing).toBeLessThan(lines.findIndex((line) => line.includes('▸ Start blue')));
    // staticfiles.json, site.css and Django's site.<hash>.css: 5 objects with our manifest and a copy of Django's.
    expect(first.stdout).toMatch(/ {4}3 files in staticfiles\/: 5 objects to write/);

    // The page names Django's hashed file, under ASSETS_BASE_URL, and our manifest says the same.
    const oldCss = await pageStylesheet(project);
    const django = releaseFile(project, 'blue', 'staticfiles/staticfiles.json').paths['shop/site.css'] as string;
    expect(django).toMatch(/^shop\/site\.[0-9a-f]{12}\.css$/);
    expect(oldCss).toBe(`/assets/${django}`);
    expect(releaseFile(project, 'blue', '.switchyard/assets-manifest.json').assets['shop/site.css']).toBe(oldCss);
    // No second fingerprint: Django's two names, nothing of ours.
    expect(readdirSync(join(published, 'shop')).sort()).toEqual([basename(django), 'site.css']);
    const served = await project.get(oldCss);
    expect([served.status, served.headers['cache-control']]).toEqual([200, IMMUTABLE]);
    expect(served.body).toBe(readFileSync(join(DJANGO, 'shop/static/shop/site.css'), 'utf8'));

    // Release 2 changes the stylesheet; pages of release 1 already in browsers keep asking for its own.
    const v2 = copySite(project, 'v2');
    writeFileSync(join(v2, 'shop/static/shop/site.css'), `${readFileSync(join(v2, 'shop/static/shop/site.css'), 'utf8')}\nh1 { color: rebeccapurple; }\n`);
    const oldPages = requestLoop(project.port, oldCss);
    const second = await project.deploy(v2);
    const during = await oldPages.stop();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(during.failures, during.failures.join('\n')).toEqual([]);
    expect(during.total).toBeGreaterThan(0);
    expect(await project.liveColor()).toBe('green');

    const newCss = await pageStylesheet(project);
    expect(newCss).not.toBe(oldCss);
    expect(newCss).toBe(`/assets/${releaseFile(project, 'green', 'staticfiles/staticfiles.json').paths['shop/site.css']}`);
    for (const [css, purple] of [[oldCss, false], [newCss, true]] as const) {
      const answer = await project.get(css);
      expect([answer.status, answer.headers['cache-control'], answer.body.includes('rebeccapurple')]).toEqual([200, IMMUTABLE, purple]);
    }
    // The unhashed name holds the newest release's file and is revalidated.
    const original = await project.get('/assets/shop/site.css');
    expect([original.status, original.headers['cache-control'], original.body.includes('rebeccapurple')]).toEqual([200, 'no-cache', true]);
    expect(readdirSync(join(published, 'shop')).sort()).toEqual([basename(oldCss), basename(newCss), 'site.css'].sort());
    console.log(`${during.total} GETs of the old stylesheet during the second deploy, ${during.failures.length} failed`);
  });
});
