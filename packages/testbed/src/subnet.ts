import { randomInt } from 'node:crypto';
import { ip } from './exec';

interface Route {
  dst: string;
  dev?: string;
}

const toInt = (address: string) => address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);

/** Every IPv4 prefix routed on this machine (all tables), but the default route, which overlaps everything. */
async function routes(): Promise<Array<{ network: number; bits: number; dev?: string }>> {
  const parsed = JSON.parse((await ip('-4', '-j', 'route', 'show', 'table', 'all')) || '[]') as Route[];
  return parsed
    .filter((route) => route.dst !== 'default' && /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(route.dst))
    .map((route) => {
      const [address = '', bits = '32'] = route.dst.split('/');
      return { network: toInt(address), bits: Number(bits), dev: route.dev };
    });
}

function overlaps(a: number, b: number, bits: number): boolean {
  if (bits === 0) return true;
  const shift = 32 - bits;
  return Math.floor(a / 2 ** shift) === Math.floor(b / 2 ** shift);
}

/** The routes other than `dev`'s that overlap 10.x.y.0/24. */
export async function conflicts(subnet: string, dev?: string): Promise<number> {
  const network = toInt(`${subnet}.0`);
  return (await routes()).filter((route) => route.dev !== dev && overlaps(network, route.network, Math.min(24, route.bits))).length;
}

/** A random 10.x.y (the first three octets of a /24) that no route on this machine touches yet. */
export async function freeSubnet(): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const subnet = `10.${randomInt(0, 256)}.${randomInt(0, 256)}`;
    if ((await conflicts(subnet)) === 0) return subnet;
  }
  throw new Error('no free 10.x.y.0/24 subnet: every candidate overlaps a route');
}
