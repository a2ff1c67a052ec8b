import { bucketId, type Color } from '../layout';

/*
 * Names of everything a site defines at http level. All start with the app name, so that
 * several apps can share the host's nginx without clashing.
 */

export type UpstreamRole = Color | 'idle';

/**
 * The app name as an nginx identifier: variable names take only letters, digits and "_", and app
 * names may hold "-". No collision is possible, since app names never hold "_".
 */
const id = (app: string) => app.replaceAll('-', '_');

export const upstreamName = (app: string, role: UpstreamRole) => `${id(app)}_${role}`;
/** One of the canary buckets' upstreams (socket mode): <app>_b00 … <app>_b99. */
export const bucketUpstreamName = (app: string, bucket: number) => `${id(app)}_b${bucketId(bucket)}`;

/** The variable naming the upstream that takes traffic (set in live.conf). */
export const liveVariable = (app: string) => `$${id(app)}_upstream`;
/** The variable naming the idle colour's upstream, for the staging route (set in live.conf). */
export const idleVariable = (app: string) => `$${id(app)}_idle_upstream`;
export const requestIdVariable = (app: string) => `$${id(app)}_request_id`;
export const canaryKeyVariable = (app: string) => `$${id(app)}_canary_key`;
export const assetCacheVariable = (app: string) => `$${id(app)}_asset_cache`;
export const logFormatName = (app: string) => `${id(app)}_json`;

/** The cookie that pins a client to one side of a canary, when the app sets it. */
export const CANARY_COOKIE = 'switchyard_canary';

/** nginx's variable for a request header: lowercase, "-" as "_". */
export const headerVariable = (name: string) => `$http_${name.toLowerCase().replaceAll('-', '_')}`;
