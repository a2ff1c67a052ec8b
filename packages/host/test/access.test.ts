import { describe, expect, it } from 'vitest';
import { whyCannotConnect, type PathStat } from '../src/access';

const dir = (path: string, mode: number, uid = 0, gid = 0): PathStat => ({ path, uid, gid, mode });
const nobody = { uid: 65534, gids: [65534] };

describe("whether nginx's workers can connect to a colour's socket", () => {
  const chain = (socketMode: number, socketGid = 0, runMode = 0o755) => [dir('/', 0o755), dir('/srv', 0o755), dir('/srv/app/run', runMode, 0, socketGid), dir('/srv/app/run/blue.sock', socketMode, 0, socketGid)];

  it("refuses a socket that only its owner's group may write (umask 0007) when the workers are not in that group", () => {
    expect(whyCannotConnect(chain(0o770), nobody)).toBe('/srv/app/run/blue.sock (mode 770, owner 0:0) is not writable');
  });

  it('accepts it when the socket belongs to the workers’ group (a set-group-id run directory)', () => {
    expect(whyCannotConnect(chain(0o770, 65534, 0o2775), nobody)).toBeUndefined();
  });

  it('names a directory on the way that others cannot traverse', () => {
    expect(whyCannotConnect([dir('/', 0o755), dir('/srv', 0o700), dir('/srv/blue.sock', 0o777)], nobody)).toBe('/srv (mode 700, owner 0:0) cannot be traversed');
  });

  it('applies the owner bits alone to the owner, as the kernel does', () => {
    expect(whyCannotConnect([dir('/', 0o755), dir('/s.sock', 0o077, 65534, 65534)], nobody)).toMatch(/not writable/);
  });

  it('lets root through', () => {
    expect(whyCannotConnect(chain(0o700), { uid: 0, gids: [0] })).toBeUndefined();
  });
});
