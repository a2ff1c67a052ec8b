import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveProject } from './support/live-project';

/*
 * health.warmup: a colour a command started gets GETs on its own socket once it passes the gate,
 * before the switch (config/base.json warms the sample app's / and /api/products, 32 each). A
 * switch between two running colours warms nothing: the one it moves to has run since its start.
 */

const requestsIn = (log: string, path: string) => log.split('\n').filter((line) => line.includes('"msg":"request"') && line.includes(`"path":"${path}"`)).length;

describe('warming a new colour up before it takes traffic', { timeout: 90_000 }, () => {
  it('a deploy sends each warm-up path its requests through the new colour alone, and says so; a switch does not', async (ctx) => {
    const project = await liveProject(ctx, 19142, { keepOldWarm: true });
    const deployed = await project.deploy(await project.release('2.0.0'));
    expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
    expect(deployed.stdout).toMatch(/warmed up: 64 GET \/, \/api\/products in \d+\.\d\d s\n/);
    // Before the switch: nothing but the gate and the warm-up reached green, and nothing of it blue.
    const green = readFileSync(join(project.appRoot, 'log', 'green.log'), 'utf8');
    expect(requestsIn(green, '/api/products')).toBe(32);
    expect(requestsIn(green, '/')).toBe(32);
    const switched = await project.run('switch.ts');
    expect(switched.code, switched.stdout + switched.stderr).toBe(0);
    expect(switched.stdout).not.toContain('warmed up');
    expect(requestsIn(readFileSync(join(project.appRoot, 'log', 'blue.log'), 'utf8'), '/api/products')).toBe(32);
  });

  it('warmup.requests 0 sends none', async (ctx) => {
    const project = await liveProject(ctx, 19143, { health: { warmup: { requests: 0 } } });
    expect(requestsIn(readFileSync(join(project.appRoot, 'log', 'blue.log'), 'utf8'), '/api/products')).toBe(0);
    const deployed = await project.deploy(await project.release('2.0.0'));
    expect(deployed.stdout).not.toContain('warmed up');
  });
});
