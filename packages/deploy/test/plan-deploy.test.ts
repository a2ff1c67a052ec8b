import { describe, expect, it } from 'vitest';
import type { Step } from '../src/actions';
import { servingColor } from '../src/observe';
import { planDeploy, releasesToPrune } from '../src/plan-deploy';
import { factsAfterTwoDeploys, factsFresh, NEW, R1, R2, R3, testConfig } from './fixtures';

const input = { deployId: 'd1', releaseId: NEW, sha: 'ddddddd', source: { type: 'path', dir: '/src', bytes: 4096 } as const, lockfileHash: 'lock-1', switch: true };
const kinds = (steps: Step[]) => steps.map((s) => s.action.kind);
const lastState = (steps: Step[]) => steps.filter((s) => s.action.kind === 'record-state').at(-1)?.action;

describe('planDeploy', () => {
  it('first deploy: blue, gated, then switched by socket rename; nothing to drain', () => {
    const { steps, target } = planDeploy(testConfig(), factsFresh(), input);
    expect(target).toBe('blue');
    expect(kinds(steps)).toEqual([
      'preflight', 'ship-release', 'install', 'link-color', 'write-files', 'start-color', 'health-gate',
      'switch-socket', 'record-state', 'confirm',
    ]);
    expect(steps.find((s) => s.action.kind === 'install')?.action).toMatchObject({ reuseFrom: null });
    // The canary buckets' links are created with the files, all to the live/idle links.
    const write = steps.find((s) => s.action.kind === 'write-files')?.action;
    const links = write?.kind === 'write-files' ? write.links : [];
    expect(links).toHaveLength(200);
    expect(links[0]).toEqual({ path: '/srv/shop/run/buckets/00.sock', target: '../live.sock' });
    expect(links[1]).toEqual({ path: '/srv/shop/run/buckets/00.backup.sock', target: '../idle.sock' });
  });

  it('with assets: the store checked before anything ships, the release published after its install and before anything starts', () => {
    const config = { ...testConfig(), assets: { type: 'local', from: 'public', directory: '/srv/assets', precompress: [] as ('gzip' | 'br')[] } } as const;
    const { steps } = planDeploy(config, factsFresh(), input);
    expect(kinds(steps).slice(0, 6)).toEqual(['preflight', 'check-asset-store', 'ship-release', 'install', 'publish-assets', 'link-color']);
    expect(steps[4]).toEqual({ name: 'Publish assets (public)', action: { kind: 'publish-assets', releaseId: NEW, deployId: 'd1' } });
  });

  it('next deploy: the idle colour, reusing the install, then drain and stop the old colour', () => {
    const { steps, target } = planDeploy(testConfig(), factsAfterTwoDeploys(), input);
    expect(target).toBe('green');
    expect(steps.find((s) => s.action.kind === 'install')?.action).toMatchObject({ reuseFrom: R2 });
    expect(kinds(steps).slice(7)).toEqual(['switch-socket', 'record-state', 'confirm', 'watch', 'point-idle', 'drain', 'record-state']);
    // While green is watched, blue is its backup; while blue drains, a request failing on it is
    // retried on green, never on blue itself.
    expect(steps.find((s) => s.action.kind === 'switch-socket')?.action).toEqual({ kind: 'switch-socket', live: 'green', idle: 'blue' });
    expect(steps.find((s) => s.action.kind === 'point-idle')?.action).toEqual({ kind: 'point-idle', color: 'green' });
    expect(steps.find((s) => s.action.kind === 'drain')?.action).toEqual({ kind: 'drain', color: 'blue', maxWaitMs: 5000 });
    const state = lastState(steps);
    expect(state).toMatchObject({ state: { live: 'green', colors: { blue: null, green: { releaseId: NEW } } } });
  });

  it('watches the new colour after the switch, and on a failure puts traffic back on the old one and the state as before', () => {
    const facts = factsAfterTwoDeploys();
    const { steps } = planDeploy(testConfig(), facts, input);
    const watch = steps.find((s) => s.action.kind === 'watch');
    expect(watch?.name).toBe('Watch green for 5 s (blue stays up as its backup)');
    expect(watch?.action).toMatchObject({ color: 'green', previous: 'blue', ms: 5000 });
    const undo = watch?.action.kind === 'watch' ? watch.action.undo : [];
    expect(undo[0]).toEqual({ kind: 'switch-socket', live: 'blue', idle: 'blue' });
    expect(undo.at(-1)).toEqual({ kind: 'record-state', state: { ...facts.state, colors: { ...facts.state.colors, green: null } } });
  });

  it('health.watchMs 0 turns the watch off: the switch leaves idle.sock on the new colour at once', () => {
    const { steps } = planDeploy(testConfig({ health: { watchMs: 0 } }), factsAfterTwoDeploys(), input);
    expect(kinds(steps)).not.toContain('watch');
    expect(steps.find((s) => s.action.kind === 'switch-socket')?.action).toEqual({ kind: 'switch-socket', live: 'green', idle: 'green' });
  });

  it('nothing to go back to (the old colour died on its own): no watch', () => {
    const { steps } = planDeploy(testConfig(), factsAfterTwoDeploys({ running: { blue: false, green: false } }), input);
    expect(kinds(steps)).not.toContain('watch');
  });

  it('installs afresh when the lockfile changed', () => {
    const { steps } = planDeploy(testConfig(), factsAfterTwoDeploys(), { ...input, lockfileHash: 'lock-2' });
    expect(steps.find((s) => s.action.kind === 'install')?.action).toMatchObject({ reuseFrom: null });
  });

  it('never lets the colour it starts be a backup before its gate: idle.sock names the live colour first', () => {
    const { steps } = planDeploy(testConfig(), factsAfterTwoDeploys({ idle: 'green', running: { blue: true, green: true } }), input);
    expect(kinds(steps).slice(4, 9)).toEqual(['write-files', 'point-idle', 'drain', 'start-color', 'health-gate']);
    expect(steps[5]?.action).toEqual({ kind: 'point-idle', color: 'blue' });
  });

  it('keeps the old colour warm when configured, as the backup', () => {
    const { steps } = planDeploy(testConfig({ keepOldWarm: true }), factsAfterTwoDeploys(), input);
    expect(kinds(steps)).not.toContain('drain');
    expect(steps.find((s) => s.action.kind === 'switch-socket')?.action).toEqual({ kind: 'switch-socket', live: 'green', idle: 'blue' });
    expect(lastState(steps)).toMatchObject({ state: { colors: { blue: { releaseId: R2 } } } });
  });

  it('--no-switch stops after the health gate, makes the gated colour the staging route and backup, and records it as running', () => {
    const { steps } = planDeploy(testConfig(), factsAfterTwoDeploys(), { ...input, switch: false });
    expect(kinds(steps).slice(-3)).toEqual(['health-gate', 'point-idle', 'record-state']);
    expect(steps.at(-2)?.action).toEqual({ kind: 'point-idle', color: 'green' });
    expect(lastState(steps)).toMatchObject({ state: { live: 'blue', colors: { green: { releaseId: NEW } } } });
  });

  it('drains the idle colour before restarting it when it still runs (kept warm, --no-switch, a crashed deploy)', () => {
    const { steps } = planDeploy(testConfig(), factsAfterTwoDeploys({ running: { blue: true, green: true } }), input);
    const start = steps.findIndex((s) => s.action.kind === 'start-color');
    expect(steps[start - 1]?.action).toEqual({ kind: 'drain', color: 'green', maxWaitMs: 5000 });
    expect(steps[start]?.action).toEqual({ kind: 'start-color', color: 'green' });
  });

  it('trusts the symlink over state.json: after a crash past the switch, green is live', () => {
    const facts = factsAfterTwoDeploys({ live: 'green', releaseOf: { blue: R2, green: R3 }, running: { blue: true, green: true } });
    expect(planDeploy(testConfig(), facts, input).target).toBe('blue');
  });

  it('switches port-only apps by the same rename, through their nginx fronts: no reload', () => {
    const config = testConfig({ start: { listen: { type: 'port', blue: 3001, green: 3002 } } });
    const { steps } = planDeploy(config, factsAfterTwoDeploys(), input);
    expect(kinds(steps)).toContain('switch-socket');
    const write = steps.find((s) => s.action.kind === 'write-files')?.action;
    expect(write?.kind === 'write-files' && write.links).toHaveLength(200);
  });

  it('has no install step for an app that installs nothing, and a build step alone when only build is set', () => {
    const none = { ...testConfig(), build: {} };
    expect(kinds(planDeploy(none, factsAfterTwoDeploys(), input).steps)).not.toContain('install');
    const buildOnly = { ...testConfig(), build: { build: ['make'] } };
    const step = planDeploy(buildOnly, factsAfterTwoDeploys(), input).steps.find((s) => s.action.kind === 'install');
    expect(step).toMatchObject({ name: 'Build', action: { reuseFrom: null } });
  });

  it('links the shared paths into the release right after shipping it', () => {
    const config = testConfig({ shared: { dirs: ['data'], files: ['db.json'] } });
    const { steps } = planDeploy(config, factsAfterTwoDeploys(), input);
    expect(kinds(steps).slice(1, 4)).toEqual(['ship-release', 'link-shared', 'install']);
    expect(steps[2]?.action).toEqual({ kind: 'link-shared', releaseId: NEW, dirs: ['data'], files: ['db.json'] });
  });

  it('refuses while a canary is in progress', () => {
    const facts = factsAfterTwoDeploys();
    facts.state.canary = { color: 'green', percent: 10 };
    expect(() => planDeploy(testConfig(), facts, input)).toThrow(/a canary is in progress \(10% to green\)/);
  });
});

describe('releasesToPrune', () => {
  it('removes the oldest beyond keep, never one a colour points at', () => {
    const facts = factsAfterTwoDeploys({ releases: [R1, R2, R3], releaseOf: { blue: R2, green: R1 } });
    expect(releasesToPrune(testConfig({ keep: 2 }), facts, NEW)).toEqual([]);
    const later = factsAfterTwoDeploys({ releases: [R1, R2, R3], releaseOf: { blue: R3, green: R2 } });
    expect(releasesToPrune(testConfig({ keep: 2 }), later, NEW)).toEqual([R1]);
  });
});

describe('planDeploy, after surprises', () => {
  it('records an old colour that died on its own as stopped', () => {
    const { steps } = planDeploy(testConfig(), factsAfterTwoDeploys({ running: { blue: false, green: false } }), input);
    expect(kinds(steps)).not.toContain('drain');
    expect(lastState(steps)).toMatchObject({ state: { live: 'green', colors: { blue: null } } });
  });

  it('a first deploy that nginx does not confirm has no earlier traffic to put back', () => {
    const { steps } = planDeploy(testConfig(), factsFresh(), input);
    expect(steps.find((s) => s.action.kind === 'confirm')?.action).toMatchObject({ undo: [] });
  });

  it('refuses a release id that already exists rather than redo a release a colour may run', () => {
    expect(() => planDeploy(testConfig(), factsAfterTwoDeploys(), { ...input, releaseId: R2 })).toThrow(`release ${R2} already exists`);
  });
});

describe('a lost live link', () => {
  it('nginx serves the backup when live.sock is missing or leads to a dead colour: that is the live colour', () => {
    expect(servingColor(null, 'blue', { blue: true, green: true })).toBe('blue');
    expect(servingColor('green', 'blue', { blue: true, green: false })).toBe('blue');
    expect(servingColor('green', 'blue', { blue: true, green: true })).toBe('green');
    expect(servingColor(null, 'blue', { blue: false, green: true })).toBeNull();
    expect(servingColor('green', 'blue', { blue: false, green: false })).toBe('green');
  });

  it('a deploy repairs the link first and never restarts the colour that serves', () => {
    // Kept warm: green live, blue its backup; live.sock deleted, so nginx serves blue.
    const facts = factsAfterTwoDeploys({ live: 'blue', liveLink: null, idle: 'blue', running: { blue: true, green: true }, releaseOf: { blue: R2, green: R3 } });
    const { steps, target } = planDeploy(testConfig({ keepOldWarm: true }), facts, input);
    expect(target).toBe('green');
    expect(steps[1]).toEqual({
      name: 'Repair run/live.sock (it was missing; nginx serves blue through the backup)',
      action: { kind: 'switch-socket', live: 'blue', idle: 'blue' },
    });
    expect(steps.some((s) => (s.action.kind === 'start-color' || s.action.kind === 'drain') && s.action.color === 'blue')).toBe(false);
  });
});

describe('migrations in a deploy', () => {
  it('expand after the install and before the new colour starts; contract once the old colour has stopped', () => {
    const { steps } = planDeploy(testConfig(), factsAfterTwoDeploys({ runsMigrations: true }), input);
    const k = kinds(steps);
    expect(k.indexOf('migrate')).toBeGreaterThan(k.indexOf('install'));
    expect(k.indexOf('migrate')).toBeLessThan(k.indexOf('start-color'));
    const [expand, contract] = steps.filter((s) => s.action.kind === 'migrate');
    expect(expand?.action).toMatchObject({ phase: 'expand', deployId: 'd1' });
    expect(contract?.action).toMatchObject({ phase: 'contract' });
    expect(steps.indexOf(contract!)).toBeGreaterThan(k.lastIndexOf('drain'));
  });

  it('the old colour kept warm still runs the old code: its contract migrations wait for the next deploy, which runs them once it has stopped, before its own expand ones', () => {
    const warm = factsAfterTwoDeploys({ runsMigrations: true, running: { blue: true, green: true } });
    const live = warm.live!;
    const idle = live === 'blue' ? 'green' : 'blue';
    const { steps } = planDeploy(testConfig({ keepOldWarm: true }), warm, input);
    const migrations = steps.flatMap((s) => (s.action.kind === 'migrate' ? [s.action] : []));
    expect(migrations.map((m) => [m.phase, m.source === 'on-server' ? m.releaseId : 'new'])).toEqual([
      ['contract', warm.releaseOf[live]],
      ['expand', 'new'],
    ]);
    const k = kinds(steps);
    expect(k.filter((kind) => kind === 'drain')).toHaveLength(1);
    expect(steps.findIndex((s) => s.action.kind === 'drain' && s.action.color === idle)).toBeLessThan(k.indexOf('migrate'));
    expect(k.indexOf('start-color')).toBeGreaterThan(k.lastIndexOf('migrate'));
  });

  it('a first deploy has no old colour: both phases; --no-switch: expand only', () => {
    const first = planDeploy(testConfig(), { ...factsFresh(), runsMigrations: true }, input).steps;
    expect(first.filter((s) => s.action.kind === 'migrate')).toHaveLength(2);
    const gated = planDeploy(testConfig(), factsAfterTwoDeploys({ runsMigrations: true }), { ...input, switch: false }).steps;
    expect(gated.filter((s) => s.action.kind === 'migrate').map((s) => s.action.kind === 'migrate' && s.action.phase)).toEqual(['expand']);
  });
});

describe("an app's own migration tool", () => {
  it('expand always; a contract phase only with its contractCommand', () => {
    const phases = (migrations: Record<string, unknown>) =>
      planDeploy(testConfig({ migrations }), factsAfterTwoDeploys({ runsMigrations: true }), input).steps.flatMap((s) => (s.action.kind === 'migrate' ? [s.action.phase] : []));
    expect(phases({ command: ['python3', 'manage.py', 'migrate'] })).toEqual(['expand']);
    expect(phases({ command: ['python3', 'manage.py', 'migrate'], contractCommand: ['python3', 'manage.py', 'contract'] })).toEqual(['expand', 'contract']);
  });
});
