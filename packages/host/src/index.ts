export type { Host, RunOptions, RunResult, StreamOptions } from './host';
export { localHost } from './local-host';
export { runCommand } from './run';
export { COMMAND_TIMEOUT_MS } from './command-timeouts';
export { acquireLock, type HeldLock, type LockHolder, type LockOptions, type LockRequest } from './lock';
export {
  readState,
  writeState,
  initialState,
  stateSchema,
  type DeployState,
  type ReleaseRecord,
  type SwitchRecord,
  type SwitchMode,
} from './state';
export { appendAudit, readAudit, auditEntrySchema, type AuditEntry, type AuditStep } from './audit';
export { checkDeployRoot } from './preflight';
export { readEnvFiles } from './env-files';
export { type ProcessIdentity, processIdentity, isRunning, waitForExit } from './proc';
export type { ProcessDriver, ProcessRun, StopOptions } from './process-driver';
export { expandCommand, plainDriver, type PlainDriverOptions } from './plain-driver';
export { detachedProcess, type DetachedProcess, type DetachedStart } from './detached-process';
export { waitFor, type WaitOptions } from './wait-for';
export { countTcpConnections, countUnixConnections, type ListenTarget, openConnections } from './connections';
export { type Identity, type PathStat, processIdentityOf, statChain, statPaths, whyCannotConnect } from './access';
export { systemdDriver, systemdIsPid1, type SystemdDriver, type SystemdDriverOptions, type UnitFile } from './systemd-driver';
export { ensureUserManager, type UserManager } from './user-manager';
export { chooseProcessDriver, type ChooseDriverOptions } from './choose-driver';
export { httpGet, type ProbeTarget, type ProbeOptions, type ProbeResult } from './http-probe';
export { nginxDriver, type NginxDriver, type NginxDriverOptions, type NginxTestResult } from './nginx-driver';
export { CommandError, CommandTimeoutError, HostFileError, LockedError, StateFileError, DeployRootError, ProcessError, ProxyError, SourceTreeError, SshError } from './errors';
export { commitBytes, describeSourceTree, isDirectory, type SourceTree, treeBytes } from './source-tree';
export { sshHost, type SshTarget } from './ssh/ssh-host';
export { describeTarget } from './ssh/ssh-failure';
export { shellQuote } from './ssh/remote-command';
export type { UploadOptions } from './host';
export { fetchGitSource, gitCacheDir, type GitSource } from './git-source';
export { builtCommandsDir } from './commands-dir';
