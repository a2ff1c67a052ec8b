import { describe, expect, it } from 'vitest';
import { type FileBody, projectWith, runScript } from './support/cli';

const MARKER = 'sy-marker-7f3a9c-secret';
const GOOD = {
  $schema: './schema.json',
  app: 'shop',
  server: { type: 'local', root: '/srv' },
  start: { command: ['node', 'server.js'] },
  secrets: ['SESSION_SECRET'],
};
const withKey = (patch: Record<string, unknown>) => ({ ...GOOD, ...patch });

interface Case {
  name: string;
  files: Record<string, FileBody>;
  /** Each expected problem, as it follows "<file>: ". */
  problems: string[];
  env?: Record<string, string>;
}

const corpus: Case[] = [
  // The file itself
  { name: 'empty file', files: { 'production.json': '' }, problems: ['the file is empty; expected a JSON object'] },
  { name: 'whitespace only', files: { 'production.json': '  \n\n' }, problems: ['the file is empty; expected a JSON object'] },
  { name: 'trailing comma', files: { 'production.json': '{\n  "app": "shop",\n}' }, problems: [':2:16: invalid JSON: a trailing comma before }, which strict JSON does not allow'] },
  { name: 'missing colon', files: { 'production.json': '{\n  "app" "shop"\n}' }, problems: [':2:9: invalid JSON: expected a colon after the property name'] },
  { name: 'missing comma', files: { 'production.json': '{\n  "app": "shop"\n  "keep": 5\n}' }, problems: [':3:3: invalid JSON: expected a comma or }'] },
  { name: 'single quotes', files: { 'production.json': "{ 'app': 'shop' }" }, problems: [':1:3: invalid JSON: expected a property name in double quotes'] },
  { name: 'comment in JSON', files: { 'production.json': '{\n// hi\n"app": "shop"}' }, problems: [':2:1: invalid JSON: a comment, which strict JSON does not allow'] },
  { name: 'truncated file', files: { 'production.json': '{ "app": "sh' }, problems: [':1:10: invalid JSON: a string that does not end on its line'] },
  // Node 20's JSON.parse has no position for this one and quotes the text around it.
  { name: 'unquoted secret-like value', files: { 'production.json': `{\n  "app": "shop",\n  "password": ${MARKER}\n}` }, problems: [':3:15: invalid JSON: expected a value'] },
  { name: 'an array, not an object', files: { 'production.json': '[]' }, problems: ['expected a JSON object, got an array'] },
  { name: 'a string, not an object', files: { 'production.json': '"production"' }, problems: ['expected a JSON object, got a string'] },
  { name: 'null', files: { 'production.json': 'null' }, problems: ['expected a JSON object, got null'] },
  { name: 'a directory instead of a file', files: { 'production.json': { directory: true } }, problems: ['is a directory, expected a JSON file'] },
  { name: 'huge file', files: { 'production.json': `{"app": "${'a'.repeat(1_100_000)}"}` }, problems: ['bytes, expected at most 1048576'] },
  { name: 'bad base file', files: { 'base.json': '{ "app": ', 'production.json': GOOD }, problems: ['invalid JSON'] },
  // Missing required keys
  { name: 'missing app', files: { 'production.json': withKey({ app: undefined }) }, problems: ['app: is required'] },
  { name: 'missing server', files: { 'production.json': withKey({ server: undefined }) }, problems: ['server: is required (expected "type": "local" or "ssh")'] },
  { name: 'missing server root', files: { 'production.json': withKey({ server: { type: 'local' } }) }, problems: ['server.root: is required'] },
  { name: 'missing start', files: { 'production.json': withKey({ start: undefined }) }, problems: ['start: is required (expected an object)'] },
  { name: 'missing start command', files: { 'production.json': withKey({ start: {} }) }, problems: ['start.command: is required'] },
  { name: 'missing ssh host', files: { 'production.json': withKey({ server: { type: 'ssh', root: '/srv' } }) }, problems: ['server: expected exactly one of "host" (one server) or "hosts" (several)'] },
  { name: 'a key of another source type', files: { 'production.json': withKey({ source: { type: 'git', repository: '/srv/app.git', path: '.' } }) }, problems: ['source.path: is not a key of this "type"'] },
  { name: 'one host and several', files: { 'production.json': withKey({ server: { type: 'ssh', host: 'web1', hosts: [{ host: 'web2' }], root: '/srv' } }) }, problems: ['server: expected exactly one of "host" (one server) or "hosts" (several)'] },
  { name: 'a server listed twice', files: { 'production.json': withKey({ server: { type: 'ssh', hosts: [{ host: 'web1' }, { host: 'web1' }], root: '/srv' } }) }, problems: ['server.hosts: expected each server once'] },
  { name: 'an unknown role', files: { 'production.json': withKey({ server: { type: 'ssh', hosts: [{ host: 'web1', roles: ['db'] }], root: '/srv' } }) }, problems: ['server.hosts[0].roles[0]: expected "web" or "worker"'] },
  { name: 'a worker-only server', files: { 'production.json': withKey({ server: { type: 'ssh', hosts: [{ host: 'web1', roles: ['worker'] }], root: '/srv' } }) }, problems: ['server.hosts[0].roles: expected "web" among the roles'] },
  { name: 'ssh host with a space', files: { 'production.json': withKey({ server: { type: 'ssh', host: 'web 1', root: '/srv' } }) }, problems: ['server.host: expected a host name, an IP address or a Host alias from your SSH config'] },
  { name: 'ssh host as an option', files: { 'production.json': withKey({ server: { type: 'ssh', host: '-oProxyCommand=x', root: '/srv' } }) }, problems: ['server.host: expected a host name, an IP address or a Host alias'] },
  { name: 'a jump host with a command', files: { 'production.json': withKey({ server: { type: 'ssh', host: 'web1', root: '/srv', ssh: { jumpHost: 'bastion;id' } } }) }, problems: ['server.ssh.jumpHost: expected [user@]host[:port]'] },
  { name: 'system nginx without sudo', files: { 'production.json': withKey({ server: { type: 'ssh', host: 'web1', root: '/srv' }, nginx: { mode: 'system' } }) }, problems: ['nginx.mode: is "system", which only root can reload; expected "private", or server.privilege "sudo"'] },
  { name: 'unknown privilege', files: { 'production.json': withKey({ server: { type: 'ssh', host: 'web1', root: '/srv', privilege: 'root' } }) }, problems: ['server.privilege: expected "sudo" or "none"'] },
  // Wrong types at every level
  { name: 'app is a number', files: { 'production.json': withKey({ app: 42 }) }, problems: ['app: expected 2–32 lowercase letters, digits or "-", starting with a letter'] },
  { name: 'server is a string', files: { 'production.json': withKey({ server: 'localhost' }) }, problems: ['server: expected "type": "local" or "ssh"'] },
  { name: 'health timeout as text', files: { 'production.json': withKey({ health: { timeoutMs: '30s' } }) }, problems: ['health.timeoutMs: expected a number of milliseconds, got a string'] },
  { name: 'negative interval', files: { 'production.json': withKey({ health: { intervalMs: -5 } }) }, problems: ['health.intervalMs: expected a number of milliseconds, 0 or more'] },
  { name: 'fractional port', files: { 'production.json': withKey({ nginx: { listen: { port: 80.5 } } }) }, problems: ['nginx.listen.port: expected a whole TCP port number'] },
  { name: 'port out of range', files: { 'production.json': withKey({ nginx: { listen: { port: 70000 } } }) }, problems: ['nginx.listen.port: expected a TCP port from 1 to 65535'] },
  { name: 'check status as text', files: { 'production.json': withKey({ health: { checks: [{ name: 'db', path: '/db', expectStatus: 'ok' }] } }) }, problems: ['health.checks[0].expectStatus: expected an HTTP status code, got a string'] },
  { name: 'command as a string', files: { 'production.json': withKey({ start: { command: 'node server.js' } }) }, problems: ['start.command: expected a command as an array of arguments'] },
  { name: 'keepOldWarm as text', files: { 'production.json': withKey({ keepOldWarm: 'yes' }) }, problems: ['keepOldWarm: expected true or false, got a string'] },
  { name: 'keep too small', files: { 'production.json': withKey({ keep: 1 }) }, problems: ['keep: expected at least 2'] },
  { name: 'modules not an array', files: { 'production.json': withKey({ modules: 'web' }) }, problems: ['modules: expected an array, got a string'] },
  { name: 'listen type unknown', files: { 'production.json': withKey({ start: { command: ['node'], listen: { type: 'pipe' } } }) }, problems: ['start.listen.type: expected "type": "socket" or "port"'] },
  { name: 'same port for both colours', files: { 'production.json': withKey({ start: { command: ['node'], listen: { type: 'port', blue: 3000, green: 3000 } } }) }, problems: ['start.listen: expected different ports for blue and green'] },
  { name: 'nginx mode unknown', files: { 'production.json': withKey({ nginx: { mode: 'docker' } }) }, problems: ['nginx.mode: expected "private" or "system"'] },
  { name: 'relative deploy root', files: { 'production.json': withKey({ server: { type: 'local', root: 'srv' } }) }, problems: ['server.root: expected an absolute path'] },
  { name: 'huge value', files: { 'production.json': withKey({ app: 'a'.repeat(100_000) }) }, problems: ['app: expected 2–32 lowercase letters'] },
  // Start commands and the places an app may write
  { name: 'a shell variable in the command', files: { 'production.json': withKey({ start: { command: ['gunicorn', '--bind', '$SOCKET_PATH'] } }) }, problems: ['start.command[2]: expected letters, digits and ._/@+=,:- only, and ${NAME} for one of SOCKET_PATH, HOST, PORT, COLOR, RELEASE_ID, TMPDIR'] },
  { name: 'an unknown command variable', files: { 'production.json': withKey({ start: { command: ['app', '--home=${HOME}'] } }) }, problems: ['start.command[1]: expected letters, digits'] },
  { name: 'the port named on a socket', files: { 'production.json': withKey({ start: { command: ['app', '--port', '${PORT}'] } }) }, problems: ['start.command[2]: names ${PORT}, which a colour listening on a socket does not get'] },
  { name: 'the socket named on a port', files: { 'production.json': withKey({ start: { command: ['app', 'unix:${SOCKET_PATH}'], listen: { type: 'port', blue: 3001, green: 3002 } } }) }, problems: ['start.command[1]: names ${SOCKET_PATH}, which a colour listening on a port does not get'] },
  { name: 'a shared path twice', files: { 'production.json': withKey({ shared: { dirs: ['data'], files: ['data/db.json'] } }) }, problems: ['shared.files[0]: overlaps "data"; expected each shared path once'] },
  { name: 'a shared path over the secrets', files: { 'production.json': withKey({ shared: { files: ['env'] } }) }, problems: ['shared.files[0]: expected a path other than "env" (shared/env holds the secrets)'] },
  { name: 'a shared path outside the release', files: { 'production.json': withKey({ shared: { dirs: ['../uploads'] } }) }, problems: ['shared.dirs[0]: expected a relative path'] },
  { name: 'a relative writable path', files: { 'production.json': withKey({ systemd: { writablePaths: ['var/cache'] } }) }, problems: ['systemd.writablePaths[0]: expected an absolute path'] },
  // Unknown keys
  { name: 'unknown top-level key', files: { 'production.json': withKey({ helth: {} }) }, problems: ['helth: unknown key; did you mean "health"?'] },
  { name: 'unknown nested key', files: { 'production.json': withKey({ nginx: { drainMS: 5 } }) }, problems: ['nginx.drainMS: unknown key; did you mean "drainMs"?'] },
  { name: 'unknown key without a near match', files: { 'production.json': withKey({ systemd: { zzzzzzzz: 1 } }) }, problems: ['systemd.zzzzzzzz: unknown key; expected one of: user, hardening, stopTimeoutSec, writablePaths'] },
  { name: 'unknown key in an array item', files: { 'production.json': withKey({ health: { checks: [{ name: 'db', path: '/db', expect: 200 }] } }) }, problems: ['health.checks[0].expect: unknown key; did you mean "expectStatus"?'] },
  { name: 'a secret value pasted into JSON', files: { 'production.json': withKey({ password: MARKER }) }, problems: ['password: unknown key'] },
  // Modules
  { name: 'unknown module', files: { 'production.json': withKey({ modules: ['web', 'blog'] }) }, problems: ['modules[1]: expected one of web, api, admin, worker'] },
  { name: 'module typo', files: { 'production.json': withKey({ modules: ['wrokers', 'api'] }) }, problems: ['modules[0]: expected one of web, api, admin, worker'] },
  { name: 'module twice', files: { 'production.json': withKey({ modules: ['web', 'web'] }) }, problems: ['modules: expected each module once'] },
  { name: 'worker without a command', files: { 'production.json': withKey({ modules: ['worker'] }) }, problems: ['start.worker: expected a command, because the worker module is enabled'] },
  // Secrets
  { name: 'missing secret', files: { 'production.json': withKey({ secrets: ['SESSION_SECRET', 'DATABASE_URL'] }) }, problems: ['secrets.DATABASE_URL: required secret is not set (looked in the process environment'] },
  { name: 'secret name not an env name', files: { 'production.json': withKey({ secrets: ['database-url'] }) }, problems: ['secrets[0]: expected an environment variable name'] },
  { name: 'secret referenced but not declared', files: { 'production.json': withKey({ nginx: { staging: { header: 'X-Next', basicAuth: { user: 'team', passwordSecret: 'STAGING_PASSWORD' } } } }) }, problems: ['nginx.staging.basicAuth.passwordSecret: names secret STAGING_PASSWORD, which is not listed in "secrets"'] },
  { name: 'secret also in plain env', files: { 'production.json': withKey({ env: { SESSION_SECRET: 'x' } }) }, problems: ['env.SESSION_SECRET: is also a secret; secrets never go in JSON'] },
  { name: 'unprotected staging route', files: { 'production.json': withKey({ nginx: { staging: { header: 'X-Next' } } }) }, problems: ['nginx.staging: expected the staging route to be protected by "allow" or "basicAuth"'] },
  // Several problems at once
  {
    name: 'several problems, all reported',
    files: { 'production.json': withKey({ keep: 'x', nginx: { listen: { port: 0 } }, modules: ['blog'], helth: 1 }) },
    problems: ['nginx.listen.port: expected a TCP port from 1 to 65535', 'modules[0]: expected one of', 'keep: expected a number of releases, got a string', 'helth: unknown key'],
  },
];

describe('a malformed config, through the real command line', () => {
  it('has a corpus of at least 40 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
  });

  describe.concurrent.each(corpus)('$name', ({ files, problems, env }) => {
    it('exits 2 with one line per problem, naming the file and key, no stack, no secret', async () => {
      const root = projectWith(files);
      const result = await runScript('config-print.ts', ['--env', 'production', '--config-dir', `${root}/config`], {
        env: { SESSION_SECRET: MARKER, ...env },
      });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n').filter((line) => !line.startsWith('warning: '));
      expect(lines).toHaveLength(problems.length);
      for (const line of lines) expect(line).toMatch(new RegExp(`^${root}/config/(production|base)\\.json`));
      for (const problem of problems) expect(lines.some((line) => line.includes(problem)), `${problem}\n${lines.join('\n')}`).toBe(true);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stderr + result.stdout).not.toContain(MARKER);
    });
  });
});
