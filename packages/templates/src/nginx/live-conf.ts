import type { Config } from '@switchyard/config';
import { BUCKETS } from '../buckets';
import { safe } from '../guard';
import { block, file, header, type Lines } from './syntax';
import { bucketUpstreamName, CANARY_COOKIE, canaryKeyVariable, idleVariable, liveVariable, upstreamName } from './names';

type LiveConfConfig = Pick<Config, 'app'>;

/** A variable that is the same for every request: a map over an empty string. */
function constant(variable: string, value: string): Lines {
  return block(`map "" ${variable}`, [`default ${value};`]);
}

/**
 * The sticky key: the client's cookie (set by the app, if it wants), else its address and user
 * agent. Both modes hash the same key from the low end, so the same clients form the first P%.
 */
function canaryKey(app: string): Lines {
  return block(`map $cookie_${CANARY_COOKIE} ${canaryKeyVariable(app)}`, ['"" "$remote_addr$http_user_agent";', `default $cookie_${CANARY_COOKIE};`]);
}

function splitOnKey(app: string, entries: Lines): Lines {
  return [...canaryKey(app), '', ...block(`split_clients "\${${canaryKeyVariable(app).slice(1)}}" ${liveVariable(app)}`, entries)];
}

/** A fixed split into 1% buckets; which colour a bucket reaches is up to its links. */
function bucketSplit(app: string): Lines {
  const entries: Lines = [];
  for (let bucket = 0; bucket < BUCKETS - 1; bucket++) entries.push(`${100 / BUCKETS}% ${bucketUpstreamName(app, bucket)};`);
  // "*" takes the remainder, so rounding in nginx's percent arithmetic never leaves a gap.
  entries.push(`* ${bucketUpstreamName(app, BUCKETS - 1)};`);
  return splitOnKey(app, entries);
}

/**
 * live.conf: the bucket split and the upstream the staging route reaches (variables only). It
 * never changes, canary or not: clients are split into fixed buckets whose links a switch or
 * canary renames (run/live.sock, run/idle.sock, run/buckets/), so nginx is never reloaded.
 */
export function renderLiveConf(config: LiveConfConfig): string {
  const app = safe.app(config.app, 'app');
  return file(
    header(`Live colour of ${app}: the colour run/live.sock points to; canary buckets in run/buckets/ (this file never changes)`),
    bucketSplit(app),
    constant(idleVariable(app), upstreamName(app, 'idle')),
  );
}
