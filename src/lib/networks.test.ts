import { describe, expect, it } from 'vitest';
import { isAddressAllowed, normaliseNetworks } from './networks.js';

describe('API address allow-list', () => {
  it('normalises CIDR lists and single addresses, and rejects anything else', () => {
    expect(normaliseNetworks(' 203.0.113.0/24, 198.51.100.7 ,2001:db8::/32')).toBe('203.0.113.0/24,198.51.100.7/32,2001:db8::/32');
    expect(normaliseNetworks('10.0.0.0/33')).toEqual({ error: expect.stringContaining('10.0.0.0/33') });
    expect(normaliseNetworks('example.com')).toEqual({ error: expect.any(String) });
  });

  it('allows only addresses inside a listed network; no list allows everyone', () => {
    const list = '203.0.113.0/24,2001:db8::/32';
    expect(isAddressAllowed(null, '192.0.2.1')).toBe(true);
    expect(isAddressAllowed(list, '203.0.113.9')).toBe(true);
    expect(isAddressAllowed(list, '::ffff:203.0.113.9')).toBe(true);
    expect(isAddressAllowed(list, '2001:db8::1')).toBe(true);
    expect(isAddressAllowed(list, '203.0.114.1')).toBe(false);
    expect(isAddressAllowed(list, '127.0.0.1')).toBe(false);
    expect(isAddressAllowed(list, 'not-an-ip')).toBe(false);
  });
});
