export { ensureUser, startTestSshd, type TestSshd, type TestSshdOptions } from './sshd';
