import { BlockList, isIP } from 'node:net';

/** Most networks one allow-list may hold. */
const MAX_NETWORKS = 100;

export type NetworkListError = { error: string };

/**
 * Parses a comma-separated list of CIDR networks (`203.0.113.0/24, 2001:db8::/32`; a bare address means
 * that one host). Returns the normalised text to store, or the first problem.
 */
export function normaliseNetworks(text: string): string | NetworkListError {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length > MAX_NETWORKS) return { error: `at most ${MAX_NETWORKS} networks` };
  const out: string[] = [];
  for (const part of parts) {
    const [address = '', prefixText] = part.split('/');
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (family === 0 || !/^\d{1,3}$/.test(String(prefix)) || prefix > max) return { error: `"${part}" is not an address or CIDR network` };
    out.push(`${address}/${prefix}`);
  }
  return out.join(',');
}

const cache = new Map<string, BlockList>();

function blockListOf(networks: string): BlockList {
  let list = cache.get(networks);
  if (!list) {
    list = new BlockList();
    for (const network of networks.split(',')) {
      const [address = '', prefix = ''] = network.split('/');
      list.addSubnet(address, Number(prefix), isIP(address) === 6 ? 'ipv6' : 'ipv4');
    }
    // Few distinct lists exist (one per account); the bound only guards against unbounded growth.
    if (cache.size > 1000) cache.clear();
    cache.set(networks, list);
  }
  return list;
}

/** Whether `address` may call the API under this allow-list (null or empty = any address). */
export function isAddressAllowed(networks: string | null, address: string): boolean {
  if (!networks) return true;
  const list = blockListOf(networks);
  // IPv4 peers on a dual-stack socket appear as ::ffff:a.b.c.d.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ipv4 = mapped?.[1] ?? (isIP(address) === 4 ? address : null);
  if (ipv4 !== null) return list.check(ipv4, 'ipv4');
  return isIP(address) === 6 && list.check(address, 'ipv6');
}

/**
 * Fastify's `trustProxy` for a list of trusted proxy networks: a hop's forwarded address is believed only
 * when the hop itself is one of them, so `request.ip` is the first address, walking back from the socket,
 * that is not a trusted proxy. No list: nothing forwarded is believed (`false`).
 */
export function trustedProxies(networks: readonly string[]): false | ((address: string, hop: number) => boolean) {
  if (networks.length === 0) return false;
  const list = networks.join(',');
  return (address) => isAddressAllowed(list, address);
}
