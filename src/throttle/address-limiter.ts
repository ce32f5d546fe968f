import { isIP } from 'node:net';
import type { Clock } from '../lib/clock.js';

/** Addresses one limiter tracks at most; beyond this it forgets the idle ones, then the oldest. */
const MAX_ADDRESSES = 100_000;

export type LimiterVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * A token bucket per source address, in this process's memory: `perMinute` tries, refilled evenly over a
 * minute, a full minute's worth at once. It guards work an unauthenticated request can trigger (scrypt
 * runs on every password check) before any of it happens, with no database read or write, so a flood
 * costs a map lookup per request. Per process by design: it bounds load, and N processes admit N times
 * the rate; the lockout (per user and address, in the database) is the control every process shares.
 *
 * IPv6 addresses count per /64, the block one customer line usually holds, so a client cannot pick a new
 * address for every try.
 */
export function createAddressLimiter(deps: { clock: Clock; perMinute: number }) {
  const { clock, perMinute } = deps;
  const refillPerMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  function current(key: string, now: number): { tokens: number; at: number } {
    const bucket = buckets.get(key);
    if (!bucket) return { tokens: perMinute, at: now };
    return { tokens: Math.min(perMinute, bucket.tokens + (now - bucket.at) * refillPerMs), at: now };
  }

  function store(key: string, bucket: { tokens: number; at: number }): void {
    if (!buckets.has(key) && buckets.size >= MAX_ADDRESSES) forgetSome(bucket.at);
    buckets.set(key, bucket);
  }

  /** Frees a tenth of the map: buckets full again first (they hold nothing), then the oldest entries. */
  function forgetSome(now: number): void {
    const target = MAX_ADDRESSES - MAX_ADDRESSES / 10;
    for (const [key, bucket] of buckets) {
      if (buckets.size <= target) return;
      if (bucket.tokens + (now - bucket.at) * refillPerMs >= perMinute) buckets.delete(key);
    }
    for (const key of buckets.keys()) {
      if (buckets.size <= target) return;
      buckets.delete(key);
    }
  }

  return {
    /** Takes one try for the address, or says how long until one is available. */
    take(address: string): LimiterVerdict {
      const key = addressKey(address);
      const now = clock.now().getTime();
      const bucket = current(key, now);
      if (bucket.tokens < 1) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)) };
      store(key, { tokens: bucket.tokens - 1, at: now });
      return { ok: true };
    },

    /** Gives a try back (the password was right): only failures use up an address's tries. */
    giveBack(address: string): void {
      const key = addressKey(address);
      const now = clock.now().getTime();
      const bucket = current(key, now);
      if (bucket.tokens + 1 >= perMinute) buckets.delete(key);
      else store(key, { tokens: bucket.tokens + 1, at: now });
    },

    /** How many addresses have no try left right now (a gauge for /metrics; walks the map, so not per request). */
    limitedCount(): number {
      const now = clock.now().getTime();
      let limited = 0;
      for (const bucket of buckets.values()) if (bucket.tokens + (now - bucket.at) * refillPerMs < 1) limited++;
      return limited;
    },
  };
}

export type AddressLimiter = ReturnType<typeof createAddressLimiter>;

/** What an address counts as: IPv4 (also when mapped into IPv6) itself, IPv6 its /64 prefix. */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6 || address.includes('.')) return address;
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
