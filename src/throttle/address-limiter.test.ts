import { describe, expect, it } from 'vitest';
import { addressKey, createAddressLimiter } from './address-limiter.js';

describe('per-address limiter', () => {
  it('counts IPv4 (also mapped into IPv6) by address and IPv6 by its /64', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::99')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });

  it('allows perMinute tries at once, then one per refill interval; a try given back is available again', () => {
    let now = Date.parse('2026-11-26T14:30:00Z');
    const limiter = createAddressLimiter({ clock: { now: () => new Date(now) }, perMinute: 3 });
    for (let i = 0; i < 3; i++) expect(limiter.take('192.0.2.1')).toEqual({ ok: true });
    expect(limiter.take('192.0.2.1')).toEqual({ ok: false, retryAfterSeconds: 20 });
    expect(limiter.take('2001:db8::1')).toEqual({ ok: true });
    now += 20_000;
    expect(limiter.take('192.0.2.1')).toEqual({ ok: true });
    expect(limiter.take('192.0.2.1').ok).toBe(false);
    limiter.giveBack('192.0.2.1');
    expect(limiter.take('::ffff:192.0.2.1')).toEqual({ ok: true });
  });

  it('counts the addresses that have no try left, until their bucket refills', () => {
    let now = Date.parse('2026-11-26T14:30:00Z');
    const limiter = createAddressLimiter({ clock: { now: () => new Date(now) }, perMinute: 2 });
    limiter.take('192.0.2.1');
    limiter.take('192.0.2.1');
    limiter.take('192.0.2.2');
    expect(limiter.limitedCount()).toBe(1);
    now += 30_000;
    expect(limiter.limitedCount()).toBe(0);
  });
});
