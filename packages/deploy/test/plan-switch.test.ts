import { describe, expect, it } from 'vitest';
import { planRollback, rollbackRelease } from '../src/plan-rollback';
import { planSwitch } from '../src/plan-switch';
import { factsAfterTwoDeploys, factsFresh, R1, R2, testConfig } from './fixtures';

/** Both colours up and gated (green deployed with --no-switch): idle.sock names green. */
const bothRunning = () => factsAfterTwoDeploys({ running: { blue: true, green: true }, idle: 'green' });
const kinds = (steps: { action: { kind: string } }[]) => steps.map((s) => s.action.kind);

describe('planSwitch', () => {
  it('gates the other colour, renames the socket, records, confirms — and stops nothing: the old colour is the backup', () => {
    const steps = planSwitch(testConfig(), bothRunning(), { deployId: 'd' });
    expect(kinds(steps)).toEqual(['health-gate', 'switch-socket', 'record-state', 'confirm']);
    expect(steps[1]?.action).toEqual({ kind: 'switch-socket', live: 'green', idle: 'blue' });
  });

  it('moves the worker to the new live release after the switch, where this server runs it; a canary leaves it', () => {
    const config = testConfig({ modules: ['web', 'worker'], start: { worker: ['node', 'worker.js'] } });
    const facts = { ...bothRunning(), runsWorker: true };
    const steps = planSwitch(config, facts, { deployId: 'd' });
    expect(kinds(steps)).toEqual(['health-gate', 'switch-socket', 'record-state', 'confirm', 'restart-worker']);
    expect(steps[4]?.action).toMatchObject({ kind: 'restart-worker', unit: { path: '/srv/shop/systemd/shop-worker.service' } });
    expect((steps[4]?.action as { unit: { content: string } }).unit.content).toMatch(/WorkingDirectory=\/srv\/shop\/colors\/green/);
    expect(kinds(planSwitch(config, facts, { deployId: 'd', weight: 10 }))).not.toContain('restart-worker');
    expect(kinds(planSwitch(config, bothRunning(), { deployId: 'd' }))).not.toContain('restart-worker');
  });

  it('starts nginx first when it is down, for a switch and a rollback alike', () => {
    const down = { ...bothRunning(), nginxRunning: false };
    expect(kinds(planSwitch(testConfig(), down, { deployId: 'd' }))[0]).toBe('start-nginx');
    expect(kinds(planRollback(testConfig(), down, { deployId: 'd', migrations: false }))[0]).toBe('start-nginx');
    expect(kinds(planSwitch(testConfig(), bothRunning(), { deployId: 'd' }))).not.toContain('start-nginx');
  });

  it('refuses when the other colour is not running', () => {
    expect(() => planSwitch(testConfig(), factsAfterTwoDeploys(), { deployId: 'd' })).toThrow('green is not running');
  });

  it('refuses before anything was deployed, and a switch to the live colour', () => {
    expect(() => planSwitch(testConfig(), factsFresh(), { deployId: 'd' })).toThrow('nothing is live yet');
    expect(() => planSwitch(testConfig(), bothRunning(), { deployId: 'd', to: 'blue' })).toThrow('blue is already live');
  });

  it('a canary in socket mode renames bucket links only: no reload, 10 buckets to the idle colour', () => {
    const steps = planSwitch(testConfig(), bothRunning(), { deployId: 'd', weight: 10 });
    expect(kinds(steps)).toEqual(['health-gate', 'point-buckets', 'record-state', 'confirm']);
    const point = steps[1]?.action;
    expect(point).toMatchObject({ kind: 'point-buckets', live: { live: 'blue', canary: { color: 'green', percent: 10 } } });
    const links = point?.kind === 'point-buckets' ? point.links : [];
    expect(links).toHaveLength(200);
    expect(links.filter((l) => l.path.endsWith('/run/buckets/09.sock') || l.path.endsWith('/run/buckets/10.sock'))).toEqual([
      { path: '/srv/shop/run/buckets/09.sock', target: '../idle.sock' },
      { path: '/srv/shop/run/buckets/10.sock', target: '../live.sock' },
    ]);
    expect(links.filter((l) => l.target === '../idle.sock' && !l.path.endsWith('.backup.sock'))).toHaveLength(10);
    expect(steps[2]?.action).toMatchObject({ state: { live: 'blue', switchMode: 'socket', canary: { color: 'green', percent: 10 } } });
    expect(steps[3]?.action).toMatchObject({ kind: 'confirm', expected: 'blue 90% green 10%\n' });
  });

  it('a canary first points idle.sock at its colour when it names another', () => {
    const steps = planSwitch(testConfig(), { ...bothRunning(), idle: 'blue' }, { deployId: 'd', weight: 10 });
    expect(kinds(steps)).toEqual(['health-gate', 'point-idle', 'point-buckets', 'record-state', 'confirm']);
    expect(steps[1]?.action).toEqual({ kind: 'point-idle', color: 'green' });
  });

  it('completing a canary renames live.sock (idle.sock stays on the canary colour), resets the buckets, then makes the old colour the backup', () => {
    const facts = bothRunning();
    facts.state.canary = { color: 'green', percent: 10 };
    const steps = planSwitch(testConfig(), facts, { deployId: 'd', weight: 100 });
    expect(kinds(steps)).toEqual(['health-gate', 'switch-socket', 'point-buckets', 'point-idle', 'record-state', 'confirm']);
    expect(steps[1]?.action).toEqual({ kind: 'switch-socket', live: 'green', idle: 'green' });
    expect(steps[3]?.action).toEqual({ kind: 'point-idle', color: 'blue' });
    const point = steps[2]?.action;
    expect(point?.kind === 'point-buckets' && point.links.every((l) => l.target === (l.path.endsWith('.backup.sock') ? '../idle.sock' : '../live.sock'))).toBe(true);
    const record = steps[4]?.action;
    expect(record?.kind === 'record-state' && record.state.canary).toBeUndefined();
    expect(record?.kind === 'record-state' && record.state).toMatchObject({ live: 'green', switchMode: 'socket' });
  });

  it('--weight 0 cancels a canary and only then; in socket mode by resetting the buckets', () => {
    const facts = bothRunning();
    expect(() => planSwitch(testConfig(), facts, { deployId: 'd', weight: 0 })).toThrow('no canary is in progress');
    facts.state.canary = { color: 'green', percent: 10 };
    expect(kinds(planSwitch(testConfig(), facts, { deployId: 'd', weight: 0 }))).toEqual(['point-buckets', 'record-state', 'confirm']);
  });

  it('a plain socket switch leaves the buckets alone', () => {
    expect(kinds(planSwitch(testConfig(), bothRunning(), { deployId: 'd' }))).not.toContain('point-buckets');
  });

  it('switches port-only apps and their canaries by the same renames: each colour has an nginx front on its socket', () => {
    const portConfig = testConfig({ start: { listen: { type: 'port', blue: 3001, green: 3002 } } });
    expect(planSwitch(portConfig, bothRunning(), { deployId: 'd' })).toEqual(planSwitch(testConfig(), bothRunning(), { deployId: 'd' }));
    expect(kinds(planSwitch(portConfig, bothRunning(), { deployId: 'd', weight: 10 }))).toEqual(['health-gate', 'point-buckets', 'record-state', 'confirm']);
  });
});

describe('planRollback', () => {
  it('goes back to the idle colour’s release, instantly when it is warm', () => {
    const facts = factsAfterTwoDeploys({ live: 'green', releaseOf: { blue: R1, green: R2 }, running: { blue: true, green: true } });
    expect(rollbackRelease(facts)).toBe(R1);
    const steps = planRollback(testConfig(), facts, { deployId: 'd', migrations: false });
    expect(kinds(steps)).toEqual(['health-gate', 'switch-socket', 'record-state', 'confirm', 'drain', 'record-state']);
    // green is drained: a request failing on it is retried on blue, never on green itself.
    expect(steps[1]?.action).toEqual({ kind: 'switch-socket', live: 'blue', idle: 'blue' });
  });

  it('starts, gates and switches when the previous release is not running, then watches it with the live colour as its backup', () => {
    const steps = planRollback(testConfig(), factsAfterTwoDeploys(), { deployId: 'd', migrations: false });
    expect(kinds(steps)).toEqual([
      'link-color', 'write-files', 'start-color', 'health-gate', 'switch-socket', 'record-state', 'confirm', 'watch', 'point-idle', 'drain', 'record-state',
    ]);
    expect(steps[0]?.action).toEqual({ kind: 'link-color', color: 'green', releaseId: R1 });
    expect(steps[7]?.action).toMatchObject({ kind: 'watch', color: 'green', previous: 'blue' });
  });

  it('a switch, and a rollback to a warm colour, move to a colour already running: no watch', () => {
    expect(kinds(planSwitch(testConfig(), bothRunning(), { deployId: 'd' }))).not.toContain('watch');
    const warm = factsAfterTwoDeploys({ live: 'green', releaseOf: { blue: R1, green: R2 }, running: { blue: true, green: true } });
    expect(kinds(planRollback(testConfig(), warm, { deployId: 'd', migrations: false }))).not.toContain('watch');
  });

  it('takes the colour it restarts out of idle.sock first', () => {
    const steps = planRollback(testConfig(), factsAfterTwoDeploys({ idle: 'green' }), { deployId: 'd', migrations: false });
    expect(kinds(steps).slice(0, 5)).toEqual(['link-color', 'write-files', 'point-idle', 'start-color', 'health-gate']);
    const warmElsewhere = planRollback(testConfig(), factsAfterTwoDeploys({ idle: 'green', running: { blue: true, green: true }, releaseOf: { blue: R2, green: R2 } }), { deployId: 'd', migrations: false });
    expect(kinds(warmElsewhere).slice(0, 5)).toEqual(['link-color', 'write-files', 'point-idle', 'drain', 'start-color']);
    expect(steps[2]?.action).toEqual({ kind: 'point-idle', color: 'blue' });
  });

  it('with SQL migrations, checks the journal before anything else; with --migrations, reverts around the switch and stops the old colour even when kept warm', () => {
    const facts = factsAfterTwoDeploys({ runsMigrations: true });
    const checked = planRollback(testConfig(), facts, { deployId: 'd', migrations: false });
    expect(checked[0]?.action).toEqual({ kind: 'rollback-migrations', stage: 'before-start', from: R2, to: R1, revert: false, deployId: 'd' });
    expect(kinds(checked).filter((kind) => kind === 'rollback-migrations')).toHaveLength(1);

    const reverting = planRollback(testConfig({ keepOldWarm: true }), facts, { deployId: 'd', migrations: true });
    expect(kinds(reverting)[0]).toBe('rollback-migrations');
    expect(kinds(reverting).slice(-3)).toEqual(['drain', 'record-state', 'rollback-migrations']);
    expect(reverting.at(-1)?.action).toMatchObject({ stage: 'after-stop', revert: true });
    // Kept warm without --migrations: the old colour stays up, and nothing is reverted.
    expect(kinds(planRollback(testConfig({ keepOldWarm: true }), facts, { deployId: 'd', migrations: false }))).not.toContain('drain');
  });

  it('leaves an app’s own migration tool, and a server that is not the primary, alone', () => {
    const own = testConfig({ migrations: { command: ['python3', 'manage.py', 'migrate'] } });
    expect(kinds(planRollback(own, factsAfterTwoDeploys({ runsMigrations: true }), { deployId: 'd', migrations: false }))).not.toContain('rollback-migrations');
    expect(kinds(planRollback(testConfig(), factsAfterTwoDeploys(), { deployId: 'd', migrations: true }))).not.toContain('rollback-migrations');
  });

  it('refuses when there is no earlier release', () => {
    const facts = factsAfterTwoDeploys({ releaseOf: { blue: R1, green: null }, releases: [R1] });
    expect(() => planRollback(testConfig(), facts, { deployId: 'd', migrations: false })).toThrow('no earlier release');
  });
});

describe('when nginx does not confirm a switch', () => {
  it('the confirm step carries the way back: old links, old state', () => {
    const facts = bothRunning();
    const steps = planSwitch(testConfig(), facts, { deployId: 'd' });
    const confirm = steps.find((s) => s.action.kind === 'confirm')?.action;
    expect(confirm).toMatchObject({
      undo: [{ kind: 'switch-socket', live: 'blue', idle: 'green' }, { kind: 'point-buckets', live: { live: 'blue' } }, { kind: 'record-state', state: facts.state }],
    });
  });
});

describe('rollback targets', () => {
  it('skip a release that failed its gate, even though the idle colour points at it', () => {
    const facts = factsAfterTwoDeploys({ releaseOf: { blue: R2, green: '20261103T000000Z-fffffff' }, releases: [R1, R2, '20261103T000000Z-fffffff'] });
    expect(rollbackRelease(facts)).toBe(R1);
  });

  it('prefer the release that was live before, per the switch history', () => {
    const facts = factsAfterTwoDeploys();
    facts.state.history = [
      { at: '2026-11-01T00:00:00.000Z', deployId: 'a', from: null, to: 'green', mode: 'socket', releaseId: R1 },
      { at: '2026-11-02T00:00:00.000Z', deployId: 'b', from: 'green', to: 'blue', mode: 'socket', releaseId: R2 },
    ];
    expect(rollbackRelease(facts)).toBe(R1);
  });
});
