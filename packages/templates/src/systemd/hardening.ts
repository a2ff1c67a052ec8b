import type { Config } from '@switchyard/config';

export type HardeningProfile = Config['systemd']['hardening'];

/*
 * Sandboxing of every unit. Never MemoryDenyWriteExecute: V8's JIT needs writable, executable
 * memory and Node aborts under it.
 */
const COMMON = [
  'NoNewPrivileges=yes',
  'CapabilityBoundingSet=',
  'AmbientCapabilities=',
  'PrivateDevices=yes',
  'DevicePolicy=closed',
  'ProtectSystem=strict',
  'ProtectKernelModules=yes',
  'ProtectControlGroups=yes',
  'ProtectClock=yes',
  'ProtectHostname=yes',
  'ProtectProc=invisible',
  'ProcSubset=pid',
  'RestrictNamespaces=yes',
  'RestrictRealtime=yes',
  'RestrictSUIDSGID=yes',
  'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
  'LockPersonality=yes',
  'RemoveIPC=yes',
  'PrivateUsers=yes',
  'SystemCallArchitectures=native',
  'SystemCallFilter=@system-service',
  'SystemCallFilter=~@privileged @resources',
  'SystemCallErrorNumber=EPERM',
  // Group-readable files, so nginx (in the app's group) can connect to the colour's socket.
  'UMask=0007',
];

/**
 * These need a mount namespace that systemd cannot set up where it is not PID 1 (containers, CI):
 * units fail there with 226/NAMESPACE. The "reduced" profile leaves them out, by config only.
 */
const NEEDS_PID1 = ['ProtectHome=yes', 'ProtectKernelTunables=yes', 'ProtectKernelLogs=yes', 'InaccessiblePaths=-/boot -/media -/mnt'];

const TEMP_DIRS = ['/tmp/', '/var/tmp/'];

/**
 * Hardening lines for a unit whose files live under `appRoot`; it may write only below
 * `writable` (its run and log dirs). A private /tmp would hide a deploy root that lies in /tmp
 * (the local environment's): the unit then fails with 226/NAMESPACE, so it is left out there.
 */
export function hardening(profile: HardeningProfile, appRoot: string, writable: readonly string[]): string[] {
  const privateTmp = TEMP_DIRS.some((dir) => `${appRoot}/`.startsWith(dir)) ? [] : ['PrivateTmp=yes'];
  return [...COMMON, ...privateTmp, ...(profile === 'strict' ? NEEDS_PID1 : []), `ReadWritePaths=${writable.join(' ')}`];
}
