/**
 * The app's settings, read once from the environment. Bad values are reported all at once and
 * stop the process (exit 2), so that a deploy's health gate shows why the instance did not start.
 */

/** @param {NodeJS.ProcessEnv} env */
export function readConfig(env = process.env) {
  const errors = [];

  /** @param {string} name @param {number} fallback @param {number} min @param {number} max */
  const int = (name, fallback, min, max) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      errors.push(`${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  };

  const socketPath = env.SOCKET_PATH || undefined;
  const config = {
    socketPath,
    port: socketPath ? undefined : int('PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    color: env.COLOR || 'none',
    drainGraceMs: int('DRAIN_GRACE_MS', 1500, 0, 600_000),
    drainTimeoutMs: int('DRAIN_TIMEOUT_MS', 10_000, 0, 3_600_000),
    keepAliveTimeoutMs: int('KEEP_ALIVE_TIMEOUT_MS', 5000, 1, 3_600_000),
    logRequests: env.LOG_REQUESTS !== '0' && env.LOG_REQUESTS !== 'false',
    catalogStore: env.CATALOG_STORE || 'memory',
    databaseUrl: env.DATABASE_URL || undefined,
  };
  if (config.catalogStore !== 'memory' && config.catalogStore !== 'postgres')
    errors.push(`CATALOG_STORE: expected "memory" or "postgres", got ${JSON.stringify(config.catalogStore)}`);
  if (config.catalogStore === 'postgres' && !config.databaseUrl)
    errors.push('CATALOG_STORE=postgres: expected DATABASE_URL, the database whose products table holds the catalog');
  if (config.drainGraceMs > config.drainTimeoutMs)
    errors.push(
      `DRAIN_GRACE_MS (${config.drainGraceMs}) must not exceed DRAIN_TIMEOUT_MS (${config.drainTimeoutMs})`,
    );
  if (config.color !== 'none' && !/^[a-z][a-z0-9-]{0,31}$/.test(config.color))
    errors.push(`COLOR: expected a short lower-case name such as "blue", got ${JSON.stringify(config.color)}`);
  return { config, errors };
}
