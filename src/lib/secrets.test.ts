import { describe, expect, it } from 'vitest';
import { isWellFormedPersonalKey, newPersonalApiKey, personalKeyDisplayPrefix } from './secrets.js';

describe('personal API key format', () => {
  it('is slk_ + 32 base32 characters + a 6-hex checksum, different every time', () => {
    const a = newPersonalApiKey();
    expect(a).toMatch(/^slk_[a-z2-7]{32}[0-9a-f]{6}$/);
    expect(newPersonalApiKey()).not.toBe(a);
    expect(isWellFormedPersonalKey(a)).toBe(true);
    expect(personalKeyDisplayPrefix(a)).toBe(a.slice(0, 12));
  });

  it('rejects a key with one character changed (the checksum catches typos before any lookup)', () => {
    const key = newPersonalApiKey();
    const flipped = key.slice(0, 10) + (key[10] === 'a' ? 'b' : 'a') + key.slice(11);
    expect(isWellFormedPersonalKey(flipped)).toBe(false);
    expect(isWellFormedPersonalKey(key.toUpperCase())).toBe(false);
    expect(isWellFormedPersonalKey('0123456789abcdef0123456789abcdef')).toBe(false);
  });
});
