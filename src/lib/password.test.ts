import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from './password.js';

describe('password hashing', () => {
  it('hashes at the current advice (scrypt N=2^17, r=8, p=1) within the memory limit it sets', async () => {
    const stored = await hashPassword('Correct1Horse');
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('Correct1Horse', stored)).toBe(true);
    expect(await verifyPassword('Correct1Horsf', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(false);
  }, 30_000);

  it('still verifies an older, cheaper hash, and says it needs replacing', async () => {
    const salt = randomBytes(16);
    const old = `scrypt$16384$8$1$${salt.toString('base64')}$${scryptSync('Correct1Horse', salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64')}`;
    expect(await verifyPassword('Correct1Horse', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
  });

  it('refuses stored parameters beyond its bounds instead of running them, and checks a missing hash against a decoy', async () => {
    const salt = randomBytes(16).toString('base64');
    for (const stored of [`scrypt$1073741824$8$1$${salt}$AAAA`, `scrypt$1000$8$1$${salt}$AAAA`, `scrypt$16384$64$1$${salt}$AAAA`, `bcrypt$x`, '']) {
      expect(await verifyPassword('Correct1Horse', stored), stored).toBe(false);
    }
    expect(await verifyPassword('Correct1Horse', null)).toBe(false);
  }, 30_000);
});
