import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NGINX_TEMP_KINDS, nginxModules, renderAll, renderNginxMain, serverLayout } from '../src/index';
import { matrixCases, RELEASE, reroot, run, shippedCases, tempDir, writeFiles } from './support';

/*
 * The real nginx checks every rendered set: own prefix, loopback ports, nothing read from
 * /etc/nginx (pid, error log and temp paths all under the temp directory).
 */

const NGINX = '/usr/sbin/nginx';

describe('nginx -t accepts every rendered set', () => {
  const cases = [...shippedCases(), ...matrixCases()];
  cases.forEach(({ name, config, live }, i) => {
    it(name, () => {
      const dir = tempDir('nginx');
      const rerooted = reroot(config, dir, 20_000 + 10 * i);
      const layout = serverLayout(rerooted);
      writeFiles(renderAll(rerooted, live, { releases: { blue: RELEASE } }));
      mkdirSync(layout.logDir, { recursive: true });
      const main = join(dir, 'nginx.conf');
      writeFileSync(
        main,
        renderNginxMain({
          title: 'test',
          pidFile: join(dir, 'nginx.pid'),
          errorLog: join(dir, 'error.log'),
          tempPath: (kind) => join(dir, `${kind}_temp`),
          siteConf: layout.siteConf,
          modules: nginxModules(rerooted),
        }),
      );
      const result = run(NGINX, ['-t', '-q', '-e', join(dir, 'error.log'), '-p', dir, '-c', main]);
      expect(result.output).toBe('');
      expect(result.status).toBe(0);

      if (rerooted.nginx.mode === 'private') {
        // The private nginx's own main config works as it stands, from its own prefix.
        const own = run(NGINX, ['-t', '-q', '-e', layout.nginxErrorLog, '-p', layout.nginxDir, '-c', layout.privateNginxConf]);
        expect(own.output).toBe('');
        expect(own.status).toBe(0);
        for (const kind of NGINX_TEMP_KINDS) expect(layout.privateNginxTemp(kind).startsWith(layout.nginxDir)).toBe(true);
      }
    });
  });
});
