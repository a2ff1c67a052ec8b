import { z } from 'zod';
import { MODULE_NAMES } from './modules';
import { EMBEDDED_DATABASE_VARIABLE } from './names';
import {
  absolutePath,
  anyPath,
  appName,
  cidr,
  command,
  commandVariables,
  envVarName,
  hostName,
  httpHeaderName,
  ipAddress,
  milliseconds,
  plainValue,
  port,
  relativePath,
  seconds,
  secretName,
  size,
  startCommand,
  unixUser,
  urlPath,
} from './values';

const localServer = z
  .strictObject({
    type: z.literal('local').describe('Deploy onto this machine'),
    root: absolutePath.describe('Deploy root: releases, colours, state and logs live under <root>/<app>/'),
  })
  .describe('This machine');

/** What `ssh` accepts as a destination: a DNS name, an address, or an alias from the SSH config (any case, "_"). */
const sshDestination = z.union(
  [
    z
      .string()
      .max(253)
      .regex(/^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/),
    ipAddress,
  ],
  { error: 'expected a host name, an IP address or a Host alias from your SSH config' },
);

const sshOptions = z
  .strictObject({
    configFile: anyPath
      .optional()
      .describe('SSH config file read instead of ~/.ssh/config (ssh -F), on the deploying machine, relative to the project root or absolute'),
    identityFile: anyPath.optional().describe('Private key to log in with, on the deploying machine; default: ssh-agent and the SSH config'),
    jumpHost: z
      .string()
      .regex(/^([a-z_][a-z0-9_-]*@)?[A-Za-z0-9_.-]+(:\d{1,5})?$/, { error: 'expected [user@]host[:port]' })
      .optional()
      .describe('Bastion to connect through (ssh -J)'),
    connectTimeoutSec: seconds.default(10).describe('How long to wait for the SSH connection'),
  })
  .describe('How the deploying machine reaches the server; anything not said here is left to the SSH config');

const ROLES = ['web', 'worker'] as const;

const sshHostEntry = z
  .strictObject({
    host: sshDestination.describe('What ssh connects to: a host name, an address, or a Host alias from the SSH config'),
    user: unixUser.optional().describe('SSH user on this server, when it differs from server.user'),
    port: port.optional().describe('SSH port of this server, when it differs from server.port'),
    root: absolutePath.optional().describe("This server's deploy root, when it differs from server.root"),
    roles: z
      .array(z.enum(ROLES, { error: 'expected "web" or "worker"' }))
      .min(1, { error: 'expected at least one role' })
      .refine((roles) => new Set(roles).size === roles.length, { error: 'expected each role once' })
      .refine((roles) => roles.includes('web'), { error: 'expected "web" among the roles: a server with the worker alone is not supported yet' })
      .default(['web'])
      .describe('web: runs the colours behind nginx; worker: runs the worker module'),
  })
  .describe('One of several servers');

const sshServer = z
  .strictObject({
    type: z.literal('ssh').describe('Deploy over SSH'),
    host: sshDestination
      .optional()
      .describe('One server: what ssh connects to, a host name, an address, or a Host alias from the SSH config (it has every role)'),
    hosts: z
      .array(sshHostEntry)
      .min(1, { error: 'expected at least one server' })
      .optional()
      .describe('Several servers: a deploy prepares every web server, then switches them all or none'),
    parallel: z
      .number({ error: 'expected a number of servers' })
      .int({ error: 'expected a whole number' })
      .min(1, { error: 'expected at least 1' })
      .max(64, { error: 'expected at most 64' })
      .default(8)
      .describe('How many servers are prepared at once'),
    user: unixUser.optional().describe('SSH user; default: the SSH config, else your own user name'),
    port: port.optional().describe('SSH port; default: the SSH config, else 22'),
    root: absolutePath.describe('Deploy root on the server: releases, colours, state and logs live under <root>/<app>/'),
    ssh: sshOptions.prefault({}),
    privilege: z
      .enum(['sudo', 'none'], { error: 'expected "sudo" or "none"' })
      .default('none')
      .describe(
        'sudo: the SSH user runs `sudo -n` for exactly the steps that need root (the system nginx, system systemd units); none: no sudo at all — a systemd user manager (lingering) and a private nginx',
      ),
  })
  .refine((s) => (s.host === undefined) !== (s.hosts === undefined), { error: 'expected exactly one of "host" (one server) or "hosts" (several)' })
  .refine((s) => new Set(s.hosts?.map((h) => `${h.host}:${h.port ?? ''}:${h.root ?? ''}`)).size === (s.hosts?.length ?? 0), {
    error: 'expected each server once',
    path: ['hosts'],
  })
  .describe('The server or servers, reached over SSH from the deploying machine');

const server = z
  .discriminatedUnion('type', [localServer, sshServer], { error: 'expected "type": "local" or "ssh"' })
  .describe('Where the app runs');

const pathSource = z.strictObject({
  type: z.literal('path'),
  path: anyPath.describe('Directory holding the app, relative to the project root or absolute'),
});

const gitSource = z.strictObject({
  type: z.literal('git'),
  repository: z
    .string()
    .regex(/^(https:\/\/|ssh:\/\/|git@|file:\/\/|\/)[A-Za-z0-9._/@:~+-]+$/, {
      error: 'expected a git URL (https://, ssh://, git@host:path, file://) or an absolute path',
    })
    .describe('Git repository to ship'),
  ref: z
    .string()
    .regex(/^[A-Za-z0-9._/-]{1,200}$/, { error: 'expected a branch, tag or commit' })
    .refine((r) => !r.startsWith('-') && !r.includes('..'), { error: 'expected a branch, tag or commit' })
    .default('main')
    .describe('Branch, tag or commit'),
});

const source = z
  .discriminatedUnion('type', [pathSource, gitSource], { error: 'expected "type": "path" or "git"' })
  .describe('Where a release comes from');

const build = z
  .strictObject({
    install: command
      .optional()
      .describe('Installs dependencies inside the release, such as ["npm", "ci", "--omit=dev"]; none when absent'),
    build: command.optional().describe('Builds the release after install (optional)'),
    lockfile: relativePath
      .optional()
      .describe("File whose hash decides whether the previous release's node_modules can be reused instead of installing"),
  })
  .describe('Install and build commands, run in the release directory');

const listen = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({
        type: z.literal('socket').describe('Each colour listens on <root>/<app>/run/<colour>.sock; switch without reload'),
      }),
      z.strictObject({
        type: z.literal('port'),
        address: ipAddress.default('127.0.0.1').describe('Address the colours bind to'),
        blue: port.describe('Port of the blue colour'),
        green: port.describe('Port of the green colour'),
      }),
    ],
    { error: 'expected "type": "socket" or "port"' },
  )
  .refine((l) => l.type !== 'port' || l.blue !== l.green, {
    error: 'expected different ports for blue and green',
  });

const start = z
  .strictObject({
    command: startCommand.describe(
      'Starts one colour; it receives SOCKET_PATH (or HOST and PORT), COLOR, RELEASE_ID and TMPDIR, which arguments may name as ${SOCKET_PATH} …',
    ),
    worker: startCommand.optional().describe('Starts the worker unit (required when the worker module is enabled)'),
    listen: listen.prefault({ type: 'socket' }).describe('How a colour listens'),
  })
  .describe('How the app starts and listens');

const httpCheck = {
  path: urlPath.describe('URL path requested on the colour itself'),
  expectStatus: z
    .number({ error: 'expected an HTTP status code' })
    .int({ error: 'expected an HTTP status code' })
    .min(100, { error: 'expected an HTTP status code from 100 to 599' })
    .max(599, { error: 'expected an HTTP status code from 100 to 599' })
    .default(200)
    .describe('Status the check must answer'),
  expectText: plainValue.optional().describe('Text the body must contain'),
};

const health = z
  .strictObject({
    ...httpCheck,
    path: httpCheck.path.default('/health'),
    intervalMs: milliseconds.default(250).describe('Pause between attempts'),
    timeoutMs: milliseconds.default(30_000).describe('How long the colour has to pass every check'),
    requestTimeoutMs: milliseconds.default(2_000).describe('Timeout of one attempt, from connecting to the last byte of the answer'),
    watchMs: milliseconds
      .default(5_000)
      .describe(
        'After a deploy or rollback switches to the colour it started: how long that colour is watched while the old one stays up; traffic goes back if it fails or restarts (0: not watched)',
      ),
    checks: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, { error: 'expected a short lowercase name' }),
          ...httpCheck,
        }),
      )
      .default([])
      .describe('Further checks that must pass, such as the database or the cache'),
    warmup: z
      .strictObject({
        paths: z
          .array(urlPath)
          .max(16, { error: 'expected at most 16 paths' })
          .default([])
          .describe('Paths to GET (default: the health path alone); pages every visitor loads warm the most'),
        requests: z
          .number({ error: 'expected a number of requests' })
          .int({ error: 'expected a whole number of requests' })
          .min(0, { error: 'expected 0 or more requests (0: no warm-up)' })
          .max(1000, { error: 'expected at most 1000 requests per path' })
          .default(32)
          .describe('GET requests to each path, 4 at a time'),
      })
      .prefault({})
      .describe(
        "A colour a command started gets these requests on its own socket once it passes the gate, before any traffic: its first real requests then find the code compiled and the app's caches and pools filled",
      ),
  })
  .describe('Health gate a new colour must pass before it takes traffic');

const staging = z
  .strictObject({
    host: hostName.optional().describe('Host name that reaches the idle colour'),
    header: httpHeaderName.optional().describe('Request header that, when present, reaches the idle colour'),
    allow: z.array(cidr).default([]).describe('Addresses allowed on the staging route'),
    basicAuth: z
      .strictObject({
        user: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'expected a user name of letters, digits and ._-' }),
        passwordSecret: secretName.describe('Name of the secret holding the password'),
      })
      .optional()
      .describe('HTTP basic auth on the staging route'),
  })
  .refine((s) => (s.host === undefined) !== (s.header === undefined), {
    error: 'expected exactly one of "host" or "header"',
  })
  .refine((s) => s.allow.length > 0 || s.basicAuth !== undefined, {
    error: 'expected the staging route to be protected by "allow" or "basicAuth"',
  })
  .describe('A route to the idle colour, so a person can try a release before the switch');

const nginx = z
  .strictObject({
    mode: z
      .enum(['private', 'system'], { error: 'expected "private" or "system"' })
      .default('private')
      .describe("private: Switchyard runs its own nginx under the deploy root; system: the host's nginx"),
    serverNames: z.array(hostName).min(1, { error: 'expected at least one server name' }).default(['localhost']),
    listen: z
      .strictObject({
        address: ipAddress.default('127.0.0.1').describe('Address nginx listens on'),
        port: port.default(8080).describe('HTTP port'),
      })
      .prefault({})
      .describe('Where nginx listens for HTTP'),
    tls: z
      .strictObject({
        certificate: absolutePath.describe('PEM certificate chain'),
        certificateKey: absolutePath.describe('PEM private key'),
        port: port.default(443),
      })
      .optional()
      .describe('HTTPS, with HTTP redirected to it'),
    staging: staging.optional(),
    clientMaxBodySize: size.default('10m').describe('Largest request body'),
    drainMs: milliseconds.default(5_000).describe('How long the old colour may take to finish its requests'),
    upstreamKeepaliveMs: milliseconds
      .default(1_000)
      .describe("How long nginx keeps an idle connection to a colour; shorter than the app's own keep-alive timeout (gunicorn: 2 s, Node: 5 s)"),
  })
  .prefault({})
  .describe('The nginx site in front of the colours');

const systemd = z
  .strictObject({
    user: unixUser.optional().describe('User the units run as (system manager only)'),
    hardening: z
      .enum(['strict', 'reduced'], { error: 'expected "strict" or "reduced"' })
      .default('strict')
      .describe('reduced drops the namespace options that fail where systemd is not PID 1 (containers, CI)'),
    stopTimeoutSec: seconds.default(30).describe('How long systemd waits after SIGTERM; longer than the drain'),
    writablePaths: z
      .array(absolutePath)
      .default([])
      .describe('Further paths the app may write to (the release itself is read-only under systemd); each must exist'),
  })
  .prefault({})
  .describe('systemd units');

const sharedPath = relativePath.refine((p) => p.split('/')[0] !== 'env', {
  error: 'expected a path other than "env" (shared/env holds the secrets)',
});

const shared = z
  .strictObject({
    dirs: z.array(sharedPath).default([]).describe('Directories kept across releases (uploads, data), linked into every release'),
    files: z.array(sharedPath).default([]).describe('Files kept across releases (a SQLite or JSON data file), linked into every release'),
  })
  .describe('Persistent paths under <root>/<app>/shared/, seeded from the first release that has them; writable by the app');


const migrations = z
  .strictObject({
    directory: relativePath.default('migrations').describe('Versioned SQL files inside the release'),
    database: z
      .enum(['postgres', 'pglite'], { error: 'expected "postgres" or "pglite"' })
      .default('postgres')
      .describe('"postgres": the server at the URL in urlSecret; "pglite": an embedded database under the deploy root (this machine only), which Switchyard serves to the app on a unix socket and names in its DATABASE_URL'),
    urlSecret: secretName.default('DATABASE_URL').describe('Secret holding the database URL (postgres)'),
    command: command
      .optional()
      .describe(
        "The app's own migration tool instead of SQL files (Django's manage.py migrate, prisma migrate deploy): run in the new release on the server, with its environment, before it starts; the safety check does not apply",
      ),
    contractCommand: command.optional().describe('With command: run in the new release once the old colour has stopped'),
    seed: relativePath
      .optional()
      .describe("SQL file in the release loaded once into the environment's database by pnpm dev:setup, after the migrations (a developer's sample data); no deploy runs it"),
  })
  .describe('Database migrations: expand before the new colour starts, contract once the old one has stopped');

const assetsFrom = relativePath
  .default('public')
  .describe("The release's built assets folder, after install and build (a bundler's output, Django's collectstatic STATIC_ROOT)");

const assets = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({
        type: z.literal('local'),
        from: assetsFrom,
        directory: absolutePath.describe('Folder on each server the assets are published into, served by nginx at /assets/'),
        precompress: z
          .array(z.enum(['gzip', 'br'], { error: 'expected "gzip" or "br"' }))
          .default([])
          .refine((list) => new Set(list).size === list.length, { error: 'expected each encoding once' })
          .describe('Compressed twins published beside each text file (app.css.gz, app.css.br), which nginx sends to clients that accept them (gzip_static; brotli_static, from the package libnginx-mod-http-brotli-static)'),
      }),
      z.strictObject({
        type: z.literal('s3'),
        from: assetsFrom,
        bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'expected an S3 bucket name' }),
        prefix: z.string().regex(/^[A-Za-z0-9._/-]{0,256}$/, { error: 'expected a key prefix' }).default(''),
        region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'expected an AWS region such as "eu-west-1"' }),
        endpoint: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
        baseUrl: z
          .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
          .optional()
          .describe("The URL pages load the prefix from (a CDN in front of the bucket); the bucket's own URL when absent"),
        cloudfrontDistribution: z
          .string()
          .regex(/^[A-Z0-9]{8,20}$/, { error: 'expected a CloudFront distribution id' })
          .optional(),
        credentials: z
          .strictObject({
            accessKeyIdSecret: secretName.default('AWS_ACCESS_KEY_ID').describe('The deploy secret holding the access key id'),
            secretAccessKeySecret: secretName.default('AWS_SECRET_ACCESS_KEY').describe('The deploy secret holding the secret access key'),
          })
          .optional()
          .describe("An access key from two deploy secrets (listed in deploySecrets); the AWS SDK's default chain (environment, ~/.aws, an instance role) when absent"),
      }),
    ],
    { error: 'expected "type": "local" or "s3"' },
  )
  .describe('Where static assets are published');

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path to this JSON Schema, for editors'),
    app: appName,
    server,
    source: source.prefault({ type: 'path', path: '.' }),
    build: build.prefault({}),
    start,
    health: health.prefault({}),
    nginx,
    systemd,
    supervisor: z
      .enum(['auto', 'systemd', 'plain'], { error: 'expected "auto", "systemd" or "plain"' })
      .default('auto')
      .describe('What runs the colours: systemd, plain processes, or auto (systemd where a manager answers)'),
    modules: z
      .array(z.enum(MODULE_NAMES, { error: `expected one of ${MODULE_NAMES.join(', ')}` }))
      .default(['web'])
      .refine((m) => new Set(m).size === m.length, { error: 'expected each module once' })
      .describe('Modules enabled in this environment'),
    env: z
      .record(envVarName, plainValue)
      .default({})
      .describe('Plain (non-secret) environment variables for the app'),
    secrets: z
      .array(secretName)
      .default([])
      .describe('Secrets the app receives (written to the server\'s 0600 env file), read from the environment or .env files'),
    deploySecrets: z
      .array(secretName)
      .default([])
      .describe('Secrets only Switchyard uses on the deploying machine (the S3 keys that publish assets): read like secrets, never written to a server'),
    shared: shared.prefault({}),
    migrations: migrations.optional(),
    assets: assets.optional(),
    keep: z
      .number({ error: 'expected a number of releases' })
      .int({ error: 'expected a whole number of releases' })
      .min(2, { error: 'expected at least 2 (the live release and one to roll back to)' })
      .max(100, { error: 'expected at most 100' })
      .default(5)
      .describe('How many releases to keep'),
    keepOldWarm: z.boolean({ error: 'expected true or false' }).default(false).describe('Keep the old colour running for instant rollback'),
  })
  .superRefine((config, ctx) => {
    const needsSecret = (name: string, path: (string | number)[]) => {
      if (!config.secrets.includes(name))
        ctx.addIssue({ code: 'custom', path, message: `names secret ${name}, which is not listed in "secrets"` });
    };
    const needsDeploySecret = (name: string, path: (string | number)[]) => {
      if (config.secrets.includes(name))
        ctx.addIssue({ code: 'custom', path, message: `names secret ${name}, which is listed in "secrets" and so written to the server for the app; move it to "deploySecrets"` });
      else if (!config.deploySecrets.includes(name)) ctx.addIssue({ code: 'custom', path, message: `names secret ${name}, which is not listed in "deploySecrets"` });
    };
    if (config.assets?.type === 's3' && config.assets.credentials) {
      needsDeploySecret(config.assets.credentials.accessKeyIdSecret, ['assets', 'credentials', 'accessKeyIdSecret']);
      needsDeploySecret(config.assets.credentials.secretAccessKeySecret, ['assets', 'credentials', 'secretAccessKeySecret']);
    }
    if (config.assets?.type === 's3' && config.assets.cloudfrontDistribution && !config.assets.baseUrl)
      ctx.addIssue({ code: 'custom', path: ['assets', 'baseUrl'], message: "expected the distribution's URL, because cloudfrontDistribution is set: pages load the assets through it" });
    config.deploySecrets.forEach((name, i) => {
      if (config.secrets.includes(name)) ctx.addIssue({ code: 'custom', path: ['deploySecrets', i], message: `is also in "secrets"; expected each secret in one list` });
    });
    const auth = config.nginx.staging?.basicAuth;
    if (auth) needsSecret(auth.passwordSecret, ['nginx', 'staging', 'basicAuth', 'passwordSecret']);
    // The app's own tool reads its own settings; SQL files need the URL.
    if (config.migrations?.database === 'postgres' && !config.migrations.command) needsSecret(config.migrations.urlSecret, ['migrations', 'urlSecret']);
    if (config.migrations?.database === 'pglite' && config.server.type !== 'local')
      ctx.addIssue({
        code: 'custom',
        path: ['migrations', 'database'],
        message: 'expected "postgres" for a server reached by SSH: "pglite" is an embedded database that Switchyard keeps and serves on this machine, under the deploy root',
      });
    if (config.migrations?.database === 'pglite') {
      // Switchyard serves the embedded database and gives the app its URL; a second one would win or lose by file order.
      const served = 'is set by Switchyard to the embedded database (migrations.database "pglite"); expected it nowhere else';
      config.secrets.forEach((name, i) => {
        if (name === EMBEDDED_DATABASE_VARIABLE) ctx.addIssue({ code: 'custom', path: ['secrets', i], message: `${name} ${served}` });
      });
      if (EMBEDDED_DATABASE_VARIABLE in config.env) ctx.addIssue({ code: 'custom', path: ['env', EMBEDDED_DATABASE_VARIABLE], message: served });
    }
    if (config.modules.includes('worker') && !config.start.worker)
      ctx.addIssue({ code: 'custom', path: ['start', 'worker'], message: 'expected a command, because the worker module is enabled' });
    if (config.systemd.stopTimeoutSec * 1000 <= config.nginx.drainMs)
      ctx.addIssue({
        code: 'custom',
        path: ['systemd', 'stopTimeoutSec'],
        message: `expected more than the drain (nginx.drainMs = ${config.nginx.drainMs} ms)`,
      });
    if (config.nginx.upstreamKeepaliveMs >= config.nginx.drainMs)
      ctx.addIssue({
        code: 'custom',
        path: ['nginx', 'upstreamKeepaliveMs'],
        message: `expected less than the drain (nginx.drainMs = ${config.nginx.drainMs} ms), so nginx drops idle connections first`,
      });
    const listening = config.start.listen.type;
    const notSet = listening === 'socket' ? ['HOST', 'PORT'] : ['SOCKET_PATH'];
    for (const key of ['command', 'worker'] as const)
      config.start[key]?.forEach((arg, i) => {
        for (const name of commandVariables(arg))
          if (notSet.includes(name))
            ctx.addIssue({ code: 'custom', path: ['start', key, i], message: `names \${${name}}, which a colour listening on a ${listening} does not get` });
      });
    const sharedPaths = [...config.shared.dirs, ...config.shared.files];
    sharedPaths.forEach((path, i) => {
      const clash = sharedPaths.find((other, j) => j !== i && (other === path || path.startsWith(`${other}/`)));
      if (clash !== undefined) {
        const [key, index] = i < config.shared.dirs.length ? ['dirs', i] : ['files', i - config.shared.dirs.length];
        ctx.addIssue({ code: 'custom', path: ['shared', key, index], message: `overlaps "${clash}"; expected each shared path once` });
      }
    });
    if (config.server.type === 'ssh' && config.server.privilege === 'none' && config.nginx.mode === 'system')
      ctx.addIssue({
        code: 'custom',
        path: ['nginx', 'mode'],
        message: 'is "system", which only root can reload; expected "private", or server.privilege "sudo"',
      });
    for (const key of Object.keys(config.env))
      if (config.secrets.includes(key) || config.deploySecrets.includes(key))
        ctx.addIssue({ code: 'custom', path: ['env', key], message: 'is also a secret; secrets never go in JSON' });
  })
  .describe('A Switchyard environment');

export type ConfigInput = z.input<typeof configSchema>;
export type AppConfig = z.output<typeof configSchema>;
