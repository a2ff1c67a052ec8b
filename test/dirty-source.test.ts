import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScript } from './support/cli';
import { deployProject } from './support/deploy-project';

/*
 * A release is code someone can find again: outside the local environment, a source with
 * uncommitted changes is refused, naming them, unless --allow-dirty — and then it says so.
 */

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' }).trim();

describe('a source with uncommitted changes', () => {
  it('is refused in production, naming the files; --allow-dirty ships it as <id>-dirty and the audit line says so', async ({ onTestFinished }) => {
    const project = await deployProject(19134);
    onTestFinished(() => project.cleanup());
    const source = await project.release('1.0.0');
    git(source, 'init', '-q');
    git(source, 'add', '.');
    git(source, 'commit', '-qm', 'v1');
    writeFileSync(join(source, 'server.js'), `${readFileSync(join(source, 'server.js'), 'utf8')}// hotfix\n`);
    // "production" here is the project's local environment under another name.
    copyFileSync(join(project.configDir, 'local.json'), join(project.configDir, 'production.json'));
    const flags = ['--env', 'production', '--config-dir', project.configDir, '--source', source];

    const refused = await runScript('deploy.ts', flags);
    expect(refused.code, refused.stdout).toBe(2);
    expect(refused.stderr).toContain(`${source} has 1 uncommitted change(s): server.js. Commit them, or deploy them anyway with --allow-dirty`);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(project.colorPid('blue')).toBeUndefined();

    const allowed = await runScript('deploy.ts', [...flags, '--allow-dirty']);
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    const head = git(source, 'rev-parse', 'HEAD').slice(0, 7);
    expect(allowed.stdout).toMatch(new RegExp(`release \\d{8}T\\d{6}Z-${head}-dirty to blue \\(1 uncommitted change\\(s\\)\\)`));
    const audit = readFileSync(join(project.appRoot, 'log/deploys.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { dirty?: boolean; outcome: string });
    expect(audit.at(-1)).toMatchObject({ outcome: 'ok', dirty: true });
    expect((await project.get('/api/products')).status).toBe(200);
  });
});
