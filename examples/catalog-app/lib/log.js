/** One JSON object per line on stdout: requests, start-up and drain events. */

/** @param {string} msg @param {Record<string, unknown>} [fields] */
export function log(msg, fields = {}) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...fields })}\n`);
}

/** @param {string} msg @param {Record<string, unknown>} [fields] */
export function logError(msg, fields = {}) {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg, ...fields })}\n`,
  );
}
