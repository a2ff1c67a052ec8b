#!/usr/bin/env node
// A trivial background worker: a heartbeat line every HEARTBEAT_MS (default 5000); exits 0 on
// SIGTERM or SIGINT after finishing the current tick.
import { log } from './lib/log.js';
import { readRelease } from './lib/release.js';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const { version } = readRelease(dirname(fileURLToPath(import.meta.url)));
const color = process.env.COLOR || 'none';
const everyMs = Number(process.env.HEARTBEAT_MS) > 0 ? Number(process.env.HEARTBEAT_MS) : 5000;

let beats = 0;
const timer = setInterval(() => log('worker heartbeat', { beats: ++beats, version, color }), everyMs);
log('worker started', { version, color, pid: process.pid, everyMs });

/** @param {NodeJS.Signals} signal */
const stop = (signal) => {
  clearInterval(timer);
  log('worker stopped', { signal, beats });
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
