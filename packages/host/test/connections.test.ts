import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countTcpConnections, countUnixConnections, openConnections } from '../src/connections';
import { localHost } from '../src/local-host';
import { onCleanup, tempDir } from './helpers';

const host = localHost();

const UNIX = `Num       RefCount Protocol Flags    Type St Inode Path
000000008700a0ef: 00000002 00000000 00010000 0001 01 386849 /srv/app/run/blue.sock
000000005fd80901: 00000003 00000000 00000000 0001 03 386853 /srv/app/run/blue.sock
00000000c3d96514: 00000003 00000000 00000000 0001 03 386852 /srv/app/run/blue.sock
00000000c3d96515: 00000003 00000000 00000000 0001 03 386854 /srv/app/run/green.sock
00000000c3d96516: 00000003 00000000 00000000 0001 03 386855
`;

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0BB9 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 0100007F:0BB9 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1
   2: 0100007F:D2F0 0100007F:0BB9 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1
   3: 0100007F:0BB9 0100007F:D2F2 06 00000000:00000000 00:00000000 00000000     0        0 4 1 0 20 4 30 10 -1
`;

describe('open connections of a colour', () => {
  it('counts the connections accepted on a socket path, not its listener nor other paths', () => {
    expect(countUnixConnections(UNIX, '/srv/app/run/blue.sock')).toBe(2);
    expect(countUnixConnections(UNIX, '/srv/app/run/green.sock')).toBe(1);
    expect(countUnixConnections(UNIX, '/srv/app/run/live.sock')).toBe(0);
  });

  it("counts the server's side of established connections to a port, not the client's, the listener or TIME_WAIT", () => {
    expect(countTcpConnections(TCP, 3001)).toBe(1);
    expect(countTcpConnections(TCP, 3002)).toBe(0);
  });

  it('sees real connections come and go on a unix socket', async () => {
    const path = join(await tempDir(), 'app.sock');
    const server = createServer(() => {});
    await new Promise((resolve) => server.listen(path, () => resolve(undefined)));
    const clients: Socket[] = [];
    onCleanup(() => {
      for (const client of clients) client.destroy();
      server.close();
    });
    expect(await openConnections(host, { socketPath: path })).toBe(0);
    for (let i = 0; i < 3; i++) {
      const client = connect(path);
      clients.push(client);
      await new Promise((resolve) => client.once('connect', resolve));
    }
    expect(await openConnections(host, { socketPath: path })).toBe(3);
    for (const client of clients) client.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await openConnections(host, { socketPath: path })).toBe(0);
  });
});
