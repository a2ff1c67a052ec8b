import { basename } from 'node:path';
import type { Config } from '@switchyard/config';
import { BROTLI_STATIC_MODULE, nginxModules } from '@switchyard/templates';
import type { VersionRange } from './version-range';

/** How a requirement is found: a program on PATH (and how it tells its version), or a file. */
export type Locate =
  | {
      readonly kind: 'command';
      readonly command: string;
      /** Arguments that make it print its version, and the pattern whose first group is that version. */
      readonly version?: { readonly args: readonly string[]; readonly pattern: RegExp };
    }
  | { readonly kind: 'file'; readonly path: string };

/** One thing this machine needs before Switchyard can deploy the config here. */
export interface Requirement {
  readonly name: string;
  /** Why it is needed: the config key that asks for it, or the part of Switchyard that runs it. */
  readonly why: string;
  readonly locate: Locate;
  readonly version?: VersionRange;
  /** The Debian package that provides it. */
  readonly aptPackage?: string;
  /** Where no Debian package will do: what to run or do instead. */
  readonly fix?: string;
}

/** What the project's root package.json says about its toolchain. */
export interface ProjectToolchain {
  readonly engines?: { readonly node?: string };
  readonly packageManager?: string;
}

/** Each nginx module the site may load (a file, not a program): what asks for it, and its Debian package. */
const NGINX_MODULES: Readonly<Record<string, { why: string; aptPackage: string }>> = {
  [BROTLI_STATIC_MODULE]: { why: 'nginx sends the brotli twins of the assets (assets.precompress: ["br"])', aptPackage: 'libnginx-mod-http-brotli-static' },
};

/** The upstreams set keepalive_time (templates' upstreams.ts), which nginx has since 1.19.10. */
const NGINX_MIN = '1.19.10';

// Debian 12's nodejs is 18 and its npm needs that nodejs: neither apt package will do.
const nodeFix = (range: VersionRange | undefined) =>
  `install Node.js ${range ? `${range.atLeast} or later ` : ''}from https://nodejs.org/en/download (Debian's nodejs package is too old)`;

const dotted = (group: string) => ({ args: ['--version'], pattern: new RegExp(`${group}(\\d+(?:\\.\\d+)+)`) });

function nodeRequirement(toolchain: ProjectToolchain, programWhy: readonly string[]): Requirement {
  const engine = toolchain.engines?.node;
  const atLeast = engine?.match(/^>=\s*(\d+(?:\.\d+)*)$/)?.[1];
  const range = atLeast ? { atLeast } : undefined;
  return {
    name: 'node',
    why: [`runs Switchyard${engine ? ` (package.json engines.node "${engine}")` : ''}`, ...programWhy].join('; '),
    locate: { kind: 'command', command: 'node', version: dotted('^v') },
    ...(range ? { version: range } : {}),
    fix: nodeFix(range),
  };
}

function pnpmRequirement(toolchain: ProjectToolchain): Requirement {
  const major = toolchain.packageManager?.match(/^pnpm@(\d+)\./)?.[1];
  return {
    name: 'pnpm',
    why: `installs the workspace${major ? ` (package.json packageManager "${toolchain.packageManager}")` : ''}`,
    locate: { kind: 'command', command: 'pnpm', version: dotted('^') },
    // corepack's signature check fails against registries whose pnpm metadata has no signatures.
    ...(major ? { version: { atLeast: major, below: String(Number(major) + 1) }, fix: `npm install -g pnpm@${major}` } : { fix: 'npm install -g pnpm' }),
  };
}

/** The program each configured command runs, by config key; only bare names (a path is inside the release). */
function configuredPrograms(config: Config): Map<string, string[]> {
  const commands: [string, readonly string[] | undefined][] = [
    ['start.command', config.start.command],
    ['start.worker', config.modules.includes('worker') ? config.start.worker : undefined],
    ['build.install', config.build.install],
    ['build.build', config.build.build],
    ['migrations.command', config.migrations?.command],
    ['migrations.contractCommand', config.migrations?.contractCommand],
  ];
  const programs = new Map<string, string[]>();
  for (const [key, argv] of commands) {
    const program = argv?.[0];
    if (program === undefined || !/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(program)) continue;
    programs.set(program, [...(programs.get(program) ?? []), `${key}: ["${program}", …]`]);
  }
  return programs;
}

function programRequirement(program: string, why: readonly string[], nodeRange: VersionRange | undefined): Requirement {
  return {
    name: program,
    why: why.join('; '),
    // npm says its version with --version; another program's way of saying it is unknown, so it is only looked for.
    locate: { kind: 'command', command: program, ...(program === 'npm' ? { version: dotted('^') } : {}) },
    // npm comes with Node.js; anything else is the app's own business.
    fix: program === 'npm' ? nodeFix(nodeRange) : `install ${program}, or change ${why.map((line) => line.split(':')[0]).join(' and ')}`,
  };
}

/** rsync ships a path source's releases, copies a local asset folder, and fetches built assets from a server. */
function rsyncReasons(config: Config): string[] {
  return [
    ...(config.source.type === 'path' ? ['ships each release (source.type: "path")'] : []),
    ...(config.assets?.type === 'local' ? ['publishes the assets into their folder (assets.type: "local")'] : []),
    ...(config.server.type === 'ssh' && config.assets ? ['fetches the built assets from the server (assets)'] : []),
  ];
}

/**
 * Everything this machine needs to deploy `config` here, in the order worth checking. With
 * `server.type: "ssh"` only the deploying side is listed: the server's own needs are server:init's.
 */
export function requirementsOf(config: Config, toolchain: ProjectToolchain): Requirement[] {
  const local = config.server.type === 'local';
  const programs = local ? configuredPrograms(config) : new Map<string, string[]>();
  const node = nodeRequirement(toolchain, programs.get('node') ?? []);
  programs.delete('node');
  const rsync = rsyncReasons(config);
  const requirements: Requirement[] = [node, pnpmRequirement(toolchain)];
  if (local) {
    requirements.push({
      name: 'nginx',
      why: `the proxy in front of the colours (nginx.mode: "${config.nginx.mode}"); ${NGINX_MIN} or later for the upstreams' keepalive_time`,
      locate: { kind: 'command', command: 'nginx', version: { args: ['-v'], pattern: /nginx\/(\d+(?:\.\d+)+)/ } },
      version: { atLeast: NGINX_MIN },
      aptPackage: 'nginx',
    });
    for (const module of nginxModules(config)) {
      const known = NGINX_MODULES[module];
      requirements.push({ name: basename(module, '.so'), why: known?.why ?? 'the site loads it (load_module)', locate: { kind: 'file', path: module }, aptPackage: known?.aptPackage });
    }
  }
  if (rsync.length > 0) requirements.push({ name: 'rsync', why: rsync.join('; '), locate: { kind: 'command', command: 'rsync', version: dotted('version ') }, aptPackage: 'rsync' });
  if (config.source.type === 'git')
    requirements.push({ name: 'git', why: 'mirrors the repository and archives each release (source.type: "git")', locate: { kind: 'command', command: 'git', version: dotted('version ') }, aptPackage: 'git' });
  if (config.server.type === 'ssh')
    requirements.push({ name: 'ssh', why: 'reaches the server (server.type: "ssh")', locate: { kind: 'command', command: 'ssh', version: { args: ['-V'], pattern: /OpenSSH_(\d+(?:\.\d+)+)/ } }, aptPackage: 'openssh-client' });
  if (local) {
    const utilLinux = { version: dotted('util-linux '), aptPackage: 'util-linux' };
    requirements.push(
      { name: 'flock', why: 'holds deploy.lock for the whole deploy', locate: { kind: 'command', command: 'flock', version: utilLinux.version }, aptPackage: utilLinux.aptPackage },
      { name: 'setsid', why: 'starts plain processes and the private systemd user manager in their own session', locate: { kind: 'command', command: 'setsid', version: utilLinux.version }, aptPackage: utilLinux.aptPackage },
      // BusyBox's ps has no --ppid.
      { name: 'ps', why: "finds nginx's workers (ps --ppid) where the kernel does not list a process's children in /proc", locate: { kind: 'command', command: 'ps', version: dotted('procps-ng ') }, aptPackage: 'procps' },
    );
  }
  for (const [program, why] of programs) requirements.push(programRequirement(program, why, node.version));
  return requirements;
}
