import { isWellFormedPersonalKey, sha256Hex } from '../../src/lib/secrets.js';

/** The kinds of secret Sightline handles; each must never rest in a database file or reach a log in the clear. */
export type SecretKind =
  | 'account API key'
  | 'personal API key'
  | 'site enrolment token'
  | 'device secret'
  | 'session token'
  | 'password'
  | 'configuration secret';

export type Secret = { kind: SecretKind; value: string; note: string };

/** Bytes to search, named for the report (a database file, a table dump, a log). */
export type Haystack = { name: string; bytes: Buffer };

export type Finding = { where: string; kind: SecretKind; note: string; encoding: string; offset: number };

/** Every secret a test has seen (made by the server, typed by a user, sent as a bad key), with where it came from. */
export function secretCollector() {
  const secrets: Secret[] = [];
  return {
    secrets,
    add(kind: SecretKind, value: string, note: string): string {
      if (value.length < 8) throw new Error(`"${note}" is too short to search for without false matches`);
      if (!secrets.some((s) => s.value === value)) secrets.push({ kind, value, note });
      return value;
    },
    kinds: () => new Set(secrets.map((s) => s.kind)),
  };
}

/**
 * A base64 run that holds `value` whatever precedes it: base64 encodes 3 bytes as 4 characters, so a
 * secret's encoding depends on its offset modulo 3 in the encoded data. For each offset, the characters
 * that mix in neighbouring bytes (or padding) are dropped.
 */
function base64Runs(value: Buffer, alphabet: 'base64' | 'base64url'): string[] {
  return [0, 1, 2].map((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), value]).toString(alphabet).replace(/=+$/, '');
    const mixedAtStart = [0, 2, 3][offset]!;
    const mixedAtEnd = (offset + value.length) % 3 === 0 ? 0 : 1;
    return encoded.slice(mixedAtStart, encoded.length - mixedAtEnd);
  });
}

/** Every byte as %XX: what a client that encodes everything (or `?%61pikey=`-style evasion) sends. */
const percentEveryByte = (value: string) => [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/**
 * The forms a secret can take in stored or logged bytes: as typed, percent-encoded (URL and form
 * encoding, and every byte), JSON-escaped (log lines), hex (PostgreSQL's bytea text), upper-case
 * (a hex key), lower-case (a field that folds case), and base64 / base64url at each of the three alignments.
 */
export function encodingsOf(value: string): Array<{ encoding: string; text: string }> {
  const bytes = Buffer.from(value, 'utf8');
  const forms: Array<[string, string]> = [
    ['plain', value],
    ['percent-encoded', encodeURIComponent(value)],
    ['form-encoded', new URLSearchParams({ v: value }).toString().slice(2)],
    ['every byte percent-encoded', percentEveryByte(value)],
    ['every byte percent-encoded', percentEveryByte(value).toUpperCase()],
    ['JSON-escaped', JSON.stringify(value).slice(1, -1)],
    ['hex', bytes.toString('hex')],
    ...(/^[0-9a-f]+$/.test(value) ? [['upper-case', value.toUpperCase()] as [string, string]] : []),
    // A field that folds case (a log-in name) keeps a secret typed into it in lower case.
    ['lower-case', value.toLowerCase()],
    ...base64Runs(bytes, 'base64').map((run): [string, string] => ['base64', run]),
    ...base64Runs(bytes, 'base64url').map((run): [string, string] => ['base64url', run]),
  ];
  const seen = new Set<string>();
  return forms.filter(([, text]) => !seen.has(text) && seen.add(text)).map(([encoding, text]) => ({ encoding, text }));
}

/**
 * The formats of Sightline's secrets, to catch one the test never saw (the simulator's device secrets, a
 * token made inside a package): an account key is 32 lower-case hex characters standing alone (a sha256
 * is 64), the others carry a prefix. Session tokens and passwords have no recognisable format.
 */
export const SECRET_PATTERNS: ReadonlyArray<{ kind: SecretKind; pattern: RegExp; confirm?: (match: string) => boolean }> = [
  { kind: 'account API key', pattern: /(?<![0-9A-Za-z])[0-9a-f]{32}(?![0-9A-Za-z])/g },
  { kind: 'personal API key', pattern: /slk_[a-z2-7]{32}[0-9a-f]{6}/g, confirm: isWellFormedPersonalKey },
  { kind: 'site enrolment token', pattern: /slt_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g },
  { kind: 'device secret', pattern: /sld_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g },
];

/**
 * Searches the haystacks for every encoding of every secret, and for every match of the secret formats
 * that is not a known public value (`notSecret`: e.g. the 32-hex GUIDs of AD users, stored on purpose).
 */
export function scanForSecrets(haystacks: readonly Haystack[], secrets: readonly Secret[], notSecret: ReadonlySet<string> = new Set()): Finding[] {
  const findings: Finding[] = [];
  const known = new Set(secrets.map((s) => s.value));
  for (const haystack of haystacks) {
    for (const secret of secrets) {
      for (const { encoding, text } of encodingsOf(secret.value)) {
        const offset = haystack.bytes.indexOf(text, 0, 'utf8');
        if (offset !== -1) findings.push({ where: haystack.name, kind: secret.kind, note: secret.note, encoding, offset });
      }
    }
    // latin1 maps every byte to one character, so offsets are byte offsets and binary pages cannot throw.
    const text = haystack.bytes.toString('latin1');
    for (const { kind, pattern, confirm } of SECRET_PATTERNS) {
      for (const match of text.matchAll(pattern)) {
        // A secret the test knows is reported above, once per place, by its first occurrence.
        if (notSecret.has(match[0]) || known.has(match[0]) || (confirm && !confirm(match[0]))) continue;
        findings.push({ where: haystack.name, kind, note: `an unknown ${kind} (${match[0].slice(0, 8)}…)`, encoding: 'pattern', offset: match.index });
      }
    }
  }
  return findings;
}

/** The sha256 of each secret: what the database does hold, so a scan that finds none of them has not seen the tables. */
export const storedHashesOf = (secrets: readonly Secret[]) => secrets.map((s) => ({ ...s, hash: sha256Hex(s.value) }));

const size = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} KB`);

/** The summary line the test prints, e.g. `secrets: 37 secrets of 6 kinds, scanned 2 database files (4.1 MB) and 3 logs (812 KB): 0 found in the clear`. */
export function scanSummary(secrets: readonly Secret[], stores: { label: string; haystacks: readonly Haystack[] }[], findings: readonly Finding[]): string {
  const kinds = new Set(secrets.map((s) => s.kind)).size;
  const scanned = stores.map(({ label, haystacks }) => `${haystacks.length} ${label} (${size(haystacks.reduce((n, h) => n + h.bytes.length, 0))})`);
  const listed = scanned.length > 1 ? `${scanned.slice(0, -1).join(', ')} and ${scanned.at(-1)}` : scanned.join('');
  return `secrets: ${secrets.length} secrets of ${kinds} kinds, scanned ${listed}: ${findings.length} found in the clear`;
}
