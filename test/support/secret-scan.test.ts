import { describe, expect, it } from 'vitest';
import { newAccountApiKey, newPersonalApiKey, newPrefixedSecret, sha256Hex, SITE_TOKEN_PREFIX } from '../../src/lib/secrets.js';
import { scanForSecrets, secretCollector, type Secret } from './secret-scan.js';

const PASSWORD = 'Zq7!pass/wörd+=&"';
const at = (name: string, text: string) => ({ name, bytes: Buffer.from(text, 'utf8') });
const password: Secret = { kind: 'password', value: PASSWORD, note: 'typed' };

// The scan is only as good as what it recognises: each encoding a secret could be written in is found.
describe('secret scan', () => {
  it('finds a secret plain, percent-encoded, form-encoded, JSON-escaped, as hex and inside base64 at every alignment', () => {
    const bytes = Buffer.from(PASSWORD, 'utf8');
    const hidden = [
      `x ${PASSWORD} y`,
      `/api/?p=${encodeURIComponent(PASSWORD)}&x=1`,
      `body=${new URLSearchParams({ p: PASSWORD }).toString().slice(2)}`,
      `%${[...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('%')}`,
      JSON.stringify({ msg: PASSWORD }),
      `\\x${bytes.toString('hex')}`,
      ...['', 'a', 'ab'].map((before) => Buffer.from(`${before}${PASSWORD}tail`).toString('base64')),
      Buffer.from(`?${PASSWORD}`).toString('base64url'),
    ];
    for (const text of hidden) expect(scanForSecrets([at('log', text)], [password]), text).toHaveLength(1);
    expect(scanForSecrets([at('log', 'Zq7!pass/wörd+=')], [password])).toEqual([]);
  });

  it('finds secrets it was not told about by their format, but not a sha256 or a known hash', () => {
    const key = newAccountApiKey();
    const texts = [`k=${key};`, `"${newPersonalApiKey()}"`, `${newPrefixedSecret(SITE_TOKEN_PREFIX)}\n`, `Bearer ${newPrefixedSecret('sld_')}`];
    for (const text of texts) expect(scanForSecrets([at('db', text)], []).map((f) => f.encoding), text).toEqual(['pattern']);
    const harmless = `${sha256Hex(key)} slk_abcdefgh… ${'a'.repeat(31)} slk_${'a'.repeat(32)}000000`;
    expect(scanForSecrets([at('db', harmless)], [])).toEqual([]);
    expect(scanForSecrets([at('db', `id=${key}`)], [], new Set([key]))).toEqual([]);
    // A known secret is reported by name, once per place, however often it occurs there.
    expect(scanForSecrets([at('log', `${key} ${key}`)], [{ kind: 'account API key', value: key, note: 'k' }]).map((f) => f.note)).toEqual(['k']);
  });

  it('refuses a secret too short to search for', () => {
    expect(() => secretCollector().add('password', 'Ab1', 'short')).toThrow(/too short/);
  });
});
