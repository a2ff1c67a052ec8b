export { type ExecResult } from './exec';
export {
  createTestNetwork,
  netnsUnavailable,
  NetnsUnavailable,
  type TestNetwork,
  type TestNetworkHost,
  type TestNetworkOptions,
} from './netns';
export { ensureUser, knownHostsName, sshConfigBlock, startTestSshd, type HostBlock, type TestSshd, type TestSshdOptions } from './sshd';
export { postgresBinDir, postgresUnavailable, startTestPostgres, type TestPostgres } from './postgres';
export { startTestS3, type TestS3 } from './s3';
