import { dirname, join, resolve } from 'node:path';
import { UsageError } from '@switchyard/config';
import { localHost } from '@switchyard/host';
import { COLORS, nginxModules, renderAll, renderNginxMain, serverLayout } from '@switchyard/templates';
import { loadConfigOrThrow, parseCommandLine, print, runCommand } from './lib/cli';

const USAGE = `usage: pnpm render --env NAME --out DIR [--live blue|green] [--config-dir DIR] [--json]
Writes every file the server needs for an environment under DIR, plus DIR/nginx.conf, so that
  nginx -t -p DIR -c DIR/nginx.conf
checks the set as rendered. DIR stands for the server's "/": server paths are re-rooted under it,
both where files are written and inside them (--out / renders in place). Paths the config names
outside the deploy root (TLS certificates, the assets directory) are left as they are.
Secrets come from the environment or .env files; the env file is written with mode 0600.`;

/** The wrapper nginx.conf: its own pid, log and temp paths in DIR, nothing read from /etc/nginx. */
function checkConf(out: string, siteConf: string, modules: readonly string[]): string {
  return renderNginxMain({
    title: `Checks the rendered set: nginx -t -p ${out} -c ${join(out, 'nginx.conf')}`,
    pidFile: join(out, 'nginx.pid'),
    errorLog: join(out, 'nginx-error.log'),
    tempPath: (kind) => join(out, `${kind}_temp`),
    siteConf,
    modules,
  });
}

const host = localHost();

/**
 * As a deploy writes them: a temp file created with the file's own mode, then renamed over the old
 * one. Writing into an existing 0644 file and then tightening it would leave the secrets of the env
 * file or htpasswd readable by anyone in between.
 */
async function write(path: string, content: string, mode: number): Promise<void> {
  await host.mkdirp(dirname(path));
  await host.writeFileAtomic(path, content, mode);
}

await runCommand(async () => {
  const args = parseCommandLine(USAGE, { out: { type: 'string' }, live: { type: 'string', default: 'blue' } });
  if (typeof args.out !== 'string' || args.out === '') throw new UsageError(`--out DIR is required\n${USAGE}`);
  const live = COLORS.find((color) => color === args.live);
  if (!live) throw new UsageError(`--live: expected blue or green\n${USAGE}`);
  const out = resolve(args.out);
  const loaded = await loadConfigOrThrow(args.env, args['config-dir']);
  const config = { ...loaded, server: { ...loaded.server, root: join(out, loaded.server.root) } };
  const files = renderAll(config, { live });
  for (const file of files) await write(file.path, file.content, file.mode);
  const layout = serverLayout(config);
  // nginx -t opens the access log and creates the temp directories: their parents must exist.
  await host.mkdirp(layout.logDir);
  await write(join(out, 'nginx.conf'), checkConf(out, layout.siteConf, nginxModules(config)), 0o644);
  const listing = [...files.map((f) => ({ path: f.path, mode: f.mode })), { path: join(out, 'nginx.conf'), mode: 0o644 }];
  if (args.json) for (const f of listing) print(JSON.stringify({ path: f.path, mode: `0${f.mode.toString(8)}` }));
  else {
    for (const f of listing) print(`0${f.mode.toString(8)}  ${f.path}`);
    print(`Check with: nginx -t -p ${out} -c ${join(out, 'nginx.conf')}`);
  }
});
