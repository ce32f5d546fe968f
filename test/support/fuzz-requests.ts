import fc from 'fast-check';
import { ALL_PERMISSIONS } from '../../src/access/permissions.js';
import { ASSIGNABLE_SYSTEM_ROLES } from '../../src/access/roles.js';
import { PACKAGE_OS } from '../../src/agent-protocol/installation-package.service.js';
import { CLEAR_TYPES } from '../../src/checks/check-status.js';
import { SERVICES } from '../../src/deapi/registry.js';
import type { ParamSpec } from '../../src/deapi/service-spec.js';
import { PerformanceKind } from '../../src/history/performance-kind.js';
import { NOW } from '../factories.js';
import type { Route, RowKind, WorldIds } from './fuzz-world.js';

/**
 * Random requests for the fuzzer (test/support/fuzz.ts), as data: what to send, not yet bytes. Texts may
 * hold placeholders (`{{apikey.agent}}`, `{{csrf.super}}`) that the runner replaces with the world's
 * current credentials when it sends the request, so a shrunk request still reads well and still works
 * after the fuzzer itself has rotated a key.
 */

export type Target = 'api' | 'dashboard' | 'agent';

/**
 * How a query or form pair is written: `form` (spaces as +), `uri` (encodeURIComponent), `every-byte`
 * (%XX for every byte: `%61pikey`), `raw` (only what cannot stand in a URL escaped, so `&`, `=` and `%`
 * in a value break the pair), `latin1` (characters below 256 as one byte each: invalid UTF-8).
 */
export type Encoding = 'form' | 'uri' | 'every-byte' | 'raw' | 'latin1';
export type Pair = { name: string; value: string; encoding: Encoding; inBody: boolean };

export type Body =
  | { kind: 'none' }
  /** The request's pairs with `inBody`, url-encoded. */
  | { kind: 'form' }
  /** The request's pairs with `inBody` as a JSON object, or this value. */
  | { kind: 'json'; value?: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array };

export type FuzzRequest = {
  target: Target;
  method: string;
  path: string;
  pairs: Pair[];
  /** Written as is after the encoded query: stray separators, broken escapes, odd names. */
  queryTail: string;
  headers: [string, string][];
  body: Body;
  /** Sent gzip-compressed with Content-Encoding: gzip, or with the header and no compression. */
  compression: 'none' | 'gzip' | 'claimed';
  /** Cut the encoded body to this share of its length (an upload that stopped). */
  truncate: number | null;
  remoteAddress: string;
};

// ---------------------------------------------------------------------------------------------------
// Values

const JUNK_STRINGS = [
  '', ' ', '0', '-0', '-1', '00', '1.5', '1e3', '1e309', '-1e309', '0x1F', '0b1', '+1', ' 1', '1 ', '١٢٣', 'NaN', 'Infinity', 'null', 'undefined',
  'true', 'false', '[]', '{}', '[object Object]', '9007199254740991', '9007199254740993', '99999999999999999999', '-9223372036854775809',
  '2147483648', '4294967296', ']]>', '<![CDATA[x]]>', '<a>', '</result>', '&amp;', '&', '&#0;', '\u0000', 'a\u0000b', '\u0001', '\u001f', '\u007f',
  '\uFFFE', '\uFFFF', '\uD800', 'a\uDC00b', '\u202E', '\u00e9', '😀', '%', '%00', '%%', "' OR '1'='1", '"; drop table clients; --', '../../etc/passwd',
  '..\\..\\boot.ini', '${7*7}', '{{7*7}}', '\r\n', '\n', '\t', 'a,b,c', ',,,', '1,2,3', '1,-1', '__proto__', 'constructor', 'toString', 'hasOwnProperty',
  'javascript:alert(1)', '<script>alert(1)</script>', 'x'.repeat(255), 'x'.repeat(256), 'x'.repeat(1025),
];

const DATES = [
  '2026-11-26', '2026-11-01', '2026-02-30', '2026-13-01', '0000-00-00', '0001-01-01', '9999-12-31', '1970-01-01', '1969-12-31', '26-11-2026',
  '2026/11/26', '20261126', '2026-11-26T14:30:00Z', '2026-11-26T25:61:61Z', '2026-11-26 14:30:00', '2026-11-26T14:30:00+14:00', '+275760-09-13',
  '-000001-01-01', '2026-W48', 'yesterday', '1764167400', '-62135596800',
];

/** Text of any kind: odd constants, random strings of any code point, numbers at and past every bound, dates. */
const junkText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...JUNK_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 5 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 3 }) },
  { weight: 2, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 2, arbitrary: fc.constantFrom(...DATES) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: -5, max: 2_000_000 }), { maxLength: 6 }).map((a) => a.join(',')) },
);

/** A value past every limit: 256 characters up to more than the 1 MB body limit. */
const hugeText: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(256, 4097, 65_536, 65_537, 300_000, 1_048_577), fc.constantFrom('A', 'é', '&', '<', '%', '\u0000', '9'))
  .map(([length, char]) => char.repeat(length));

/**
 * A clean request (40 %) sends plausible values, valid credentials and well-formed bodies, so it gets past
 * authentication and validation into the services; a dirty one breaks things anywhere.
 */
const clean = fc.oneof({ weight: 2, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) });

/** Plausible when clean; otherwise mostly plausible, sometimes junk, rarely huge. */
const valueOf = (plausible: fc.Arbitrary<string>, isClean: boolean) =>
  isClean ? plausible : fc.oneof({ weight: 70, arbitrary: plausible }, { weight: 30, arbitrary: junkText }, { weight: 1, arbitrary: hugeText });

const encoding = (isClean: boolean): fc.Arbitrary<Encoding> => fc.oneof(
  { weight: 8, arbitrary: fc.constant<Encoding>('form') },
  { weight: 4, arbitrary: fc.constant<Encoding>('uri') },
  ...(isClean ? [] : [{ weight: 1, arbitrary: fc.constantFrom<Encoding>('every-byte', 'raw', 'latin1') }]),
);

const QUERY_TAILS = [
  '', '&', '&&', '=', '&=', '&==', '%', '&%', '&%G1=1', '&a=%C3%28', '&a=%FF%FE', '&%00=%00', '&a=%ED%A0%80', '&a=%E0%80%AF', '&a', '&a=', '&=a',
  '&a[b]=c', '&a[]=1&a[]=2', '&a.b=c', '&__proto__=x', '&__proto__[x]=1', '&constructor=x', '&hasOwnProperty=1', '&apikey', '&apikey=', ';apikey=x',
  '&%E2%80%AE=1', '&service', '&service=', '&service=%00', '&describe', '&+=+', '&%2B=%2B', '?', '??', '&#',
  // Many parameters: past the query parser's 1,000 keys, and one name repeated thousands of times.
  Array.from({ length: 3000 }, (_, i) => `&p${i}=${i}`).join(''), '&service=list_clients'.repeat(3000),
];

const pairsOf = (...groups: fc.Arbitrary<Pair[]>[]) => fc.tuple(...groups).map((lists) => lists.flat());

/** A pair of `name` with a value from `value`, absent at times (`presence`), repeated at times when dirty. */
function pair(name: string, value: fc.Arbitrary<string>, presence: number, isClean: boolean): fc.Arbitrary<Pair[]> {
  const one = fc.record({ name: fc.constant(name), value, encoding: encoding(isClean), inBody: fc.boolean() });
  const present = Math.round(presence * 20);
  if (present === 0) return fc.constant([]);
  return fc.oneof(
    { weight: present, arbitrary: one.map((p) => [p]) },
    ...(present < 20 ? [{ weight: 20 - present, arbitrary: fc.constant<Pair[]>([]) }] : []),
    // A repeated parameter: `a=1&a=2`.
    ...(isClean ? [] : [{ weight: 1, arbitrary: fc.tuple(one, one).map(([a, b]) => [a, { ...b, name: a.name }]) }]),
  );
}

const ipAddress = fc.oneof(
  { weight: 6, arbitrary: fc.ipV4() },
  { weight: 1, arbitrary: fc.ipV6() },
  { weight: 2, arbitrary: fc.constantFrom('127.0.0.1', '::1', '10.0.0.1', '::ffff:10.0.0.2') },
);

// ---------------------------------------------------------------------------------------------------
// Headers and bodies

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/x-www-form-urlencoded; charset=iso-8859-1',
  'application/x-www-form-urlencoded;charset=garbage', 'APPLICATION/X-WWW-FORM-URLENCODED', 'application/json', 'application/json; charset=utf-16',
  'application/vnd.api+json', 'text/plain', 'text/xml', 'application/xml', 'multipart/form-data; boundary=fuzz', 'multipart/form-data',
  'application/octet-stream', '', ';', 'a/b/c', 'application/x-www-form-urlencoded, application/json', `text/plain; ${'x'.repeat(5000)}`,
];

const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 10 }) },
  { weight: 1, arbitrary: fc.constantFrom(...['', ' ', '0', '-1', 'null', 'x'.repeat(20_000), '1.2.3.4', 'unknown', ', ,', '\t']) },
);

const COOKIE_JUNK = [
  'sl_session=', 'sl_session=junk', 'sl_session=s%3Ajunk.sig', 'sl_session=a.b.c', 'sl_session=%E0%A4%A', 'sl_session=%FF', 'sl_pre=x; sl_pre=y',
  '=;;=', ';', 'a', '%', 'sl_session="quoted"', `sl_session=${'A'.repeat(8000)}`, 'sl_session={{session.super}}x', '{{session.super}}; {{session.standard}}',
  'sl_session=\u00e9', '__proto__=1', 'constructor=1; toString=2',
];

/** Headers any client might send, with values of every kind. */
const extraHeader: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.constant('x-forwarded-for'), fc.oneof(headerValue, fc.array(ipAddress, { minLength: 1, maxLength: 4 }).map((a) => a.join(', ')))),
  fc.tuple(fc.constant('cookie'), fc.oneof(fc.constantFrom(...COOKIE_JUNK), headerValue)),
  fc.tuple(fc.constantFrom('x-api-key', 'authorization', 'x-csrf-token'), fc.oneof(headerValue, fc.constantFrom('Bearer ', 'Bearer', 'Basic Zm9vOmJhcg==', 'bearer x'))),
  // Not Content-Length or Transfer-Encoding: over app.inject a wrong one leaves the body unread; `truncate` sends a short body honestly.
  fc.tuple(fc.constantFrom('content-type', 'content-encoding'), fc.oneof(headerValue, fc.constantFrom(...CONTENT_TYPES, 'gzip', 'br', 'deflate, gzip', 'identity'))),
  fc.tuple(fc.constantFrom('hx-request', 'hx-boosted', 'hx-target', 'hx-current-url'), fc.oneof(fc.constant('true'), headerValue)),
  fc.tuple(fc.constantFrom('host', 'user-agent', 'accept', 'accept-encoding', 'accept-language', 'origin', 'referer', 'x-real-ip', 'forwarded', 'if-none-match', 'range', 'expect'), headerValue),
  fc.tuple(fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'), minLength: 1, maxLength: 20 }).map((n) => `x${n}`), headerValue),
);

const JSON_JUNK = [
  '{', '{"a":', '[1,2', 'null', '"x"', '1e999', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', '{"a":1,"a":2}',
  // Nested 100,000 deep: a recursive parser or validator would run out of stack.
  `${'['.repeat(100_000)}${']'.repeat(100_000)}`, `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
  `{"batchId":"deep-nesting-01","sentAt":1764167400,"checkResults":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
];

/** A body of another kind than the pairs: a JSON object of them, JSON that is not one, text, bytes, multipart. */
const otherBody: fc.Arbitrary<Body> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Body>({ kind: 'json' }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value): Body => ({ kind: 'json', value })) },
  { weight: 2, arbitrary: fc.oneof(junkText, hugeText, fc.constantFrom(...JSON_JUNK)).map((text): Body => ({ kind: 'text', text })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes): Body => ({ kind: 'bytes', bytes })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('apikey', 'service', 'email', 'siteToken').map((name): Body => ({
      kind: 'text',
      text: `--fuzz\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n{{apikey.agent}}\r\n--fuzz--\r\n`,
    })),
  },
);

/** A form of the request's pairs mostly, another kind of body sometimes. */
const formMostly = fc.oneof({ weight: 8, arbitrary: fc.constant<Body>({ kind: 'form' }) }, { weight: 2, arbitrary: otherBody });

function ownContentType(body: Body): [string, string][] {
  const own = body.kind === 'form' ? 'application/x-www-form-urlencoded' : body.kind === 'json' ? 'application/json' : body.kind === 'none' ? null : 'text/plain';
  return own === null ? [] : [['content-type', own]];
}

/** The Content-Type a body is sent with: mostly its own, sometimes any. */
function contentTypeFor(body: Body): fc.Arbitrary<[string, string][]> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(ownContentType(body)) },
    { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES).map((type): [string, string][] => [['content-type', type]]) },
    { weight: 1, arbitrary: fc.constant<[string, string][]>([]) },
  );
}

const METHODS = ['GET', 'POST', 'PUT', 'HEAD', 'OPTIONS', 'DELETE', 'PATCH'] as const;

/** One of the route's methods; when dirty, sometimes any method. */
const methodFor = (methods: readonly string[], isClean: boolean) =>
  isClean ? fc.constantFrom(...methods) : fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...methods) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) });

type Shell = { method: string; pairs: Pair[]; headers: [string, string][]; remoteAddress: string };

/**
 * Completes a request: its body (none for GET, HEAD and OPTIONS, whose pairs all go in the query) and,
 * when dirty, stray query text, extra headers, another Content-Type, compression and truncation.
 */
function finish(target: Target, isClean: boolean, path: fc.Arbitrary<string>, shell: fc.Arbitrary<Shell>, body: fc.Arbitrary<Body>): fc.Arbitrary<FuzzRequest> {
  const dirty = <T>(arbitrary: fc.Arbitrary<T>, none: T) => (isClean ? fc.constant(none) : arbitrary);
  return fc
    .record({
      shell,
      path,
      body,
      queryTail: dirty(fc.oneof({ weight: 9, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(...QUERY_TAILS) }), ''),
      extra: dirty(fc.array(extraHeader, { maxLength: 3 }), []),
      compression: dirty(fc.oneof({ weight: 30, arbitrary: fc.constant<FuzzRequest['compression']>('none') }, { weight: 1, arbitrary: fc.constantFrom<FuzzRequest['compression'][]>('gzip', 'claimed') }), 'none'),
      truncate: dirty(fc.oneof({ weight: 30, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) }), null),
    })
    .chain(({ shell, path, body, queryTail, extra, compression, truncate }) => {
      const bodyless = shell.method === 'GET' || shell.method === 'HEAD' || shell.method === 'OPTIONS';
      const pairs = bodyless ? shell.pairs.map((p) => ({ ...p, inBody: false })) : shell.pairs;
      const sent: Body = bodyless ? { kind: 'none' } : body;
      return (isClean ? fc.constant(ownContentType(sent)) : contentTypeFor(sent)).map((contentType): FuzzRequest => ({
        target, method: shell.method, path, pairs, queryTail, headers: [...shell.headers, ...contentType, ...extra], body: sent,
        compression: sent.kind === 'none' ? 'none' : compression, truncate: sent.kind === 'none' ? null : truncate, remoteAddress: shell.remoteAddress,
      }));
    });
}

// ---------------------------------------------------------------------------------------------------
// The Data Extraction API

/** Which rows an id parameter names (the ids of other kinds and of the other account come as junk). */
const ID_KINDS: Readonly<Record<string, RowKind>> = {
  clientid: 'client', endcustomerid: 'client', siteid: 'site', deviceid: 'device', assetid: 'device', checkid: 'check',
  license_group_id: 'licenseGroup', groupid: 'licenseGroup', servertemplate: 'template', workstationtemplate: 'template',
};

const KEYS = {
  /** Keys that authenticate: the account's, and personal keys of users with every role and reach. */
  valid: ['{{apikey.agent}}', '{{apikey.agent}}', '{{apikey.rw}}', '{{apikey.rw}}', '{{apikey.read}}', '{{apikey.standard}}', '{{apikey.restricted}}', '{{apikey.other}}', '{{apikey.otherPersonal}}'],
  mangled: ['{{apikey.old}}', ' {{apikey.agent}}', '{{apikey.agent}} ', '{{apikey.agent}}x', '{{apikey.agent}}{{apikey.agent}}', '{{apikey.rw}}0', 'slk_', 'slk_{{apikey.agent}}'],
};

const apiKey = (isClean: boolean) => isClean ? fc.constantFrom(...KEYS.valid) : fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...KEYS.valid) },
  { weight: 2, arbitrary: fc.constantFrom(...KEYS.mangled) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map((n) => n.toString(16).padStart(32, '0')) },
  { weight: 1, arbitrary: fc.oneof(junkText, hugeText) },
);

/** Where the key goes: `apikey` in the query or form, X-API-Key, Authorization: Bearer; when dirty also nowhere, or in two places. */
const keyPlacement = (isClean: boolean) => fc.constantFrom(...['param', 'param', 'param', 'x-api-key', 'bearer'], ...(isClean ? [] : ['none', 'both']));

function plausibleParam(name: string, spec: ParamSpec | undefined, ids: WorldIds): fc.Arbitrary<string> {
  const kind = ID_KINDS[name];
  // Another kind's id, or the other account's.
  const anyId = fc.constantFrom(...Object.values(ids).flat()).map(String);
  if (kind) return fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...ids[kind]).map(String) }, { weight: 1, arbitrary: anyId });
  if (name === 'patchids') return fc.array(fc.constantFrom(...ids.patch), { minLength: 1, maxLength: 4 }).map((a) => a.join(','));
  if (spec?.values?.includes('|')) {
    const values = spec.values.split('|');
    return fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.constantFrom(...values).map((v) => v.toUpperCase()) });
  }
  if (spec?.type === 'integer' || spec?.type === 'number') return fc.integer({ min: -3, max: 120 }).map(String);
  if (spec?.type === 'boolean') return fc.constantFrom('true', 'false', '1', '0', 'True', 'yes');
  if (spec?.type === 'datetime' || /date|start|end|from|until/.test(name)) return fc.constantFrom(...DATES.slice(0, 8));
  if (spec?.type === 'xml') return fc.constantFrom('<licenses/>', '<licenses><license type="x" count="3"/></licenses>', '<a><b>', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', '');
  if (name === 'guids') return fc.constantFrom('6F9619FF-8B86-D011-B42D-00C04FC964FF', '00000000-0000-0000-0000-000000000000', 'x,y', '');
  return fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('Fuzz Client', 'Head Office', 'bitdefender', 'vipre', '7.98765'));
}

/** Every parameter name of the registry: a service is sometimes sent another's. */
const ALL_PARAM_NAMES = [...new Set(SERVICES.flatMap((s) => Object.keys(s.params)))];

const JUNK_SERVICES = ['', ' ', 'LIST_CLIENTS', 'list_clients ', 'list_clients\u0000', 'mob/', '/list_clients', 'mob/../list_clients', 'list_clients/', 'describe', '__proto__', 'constructor', 'toString'];

/** A request to `/api/`: a service of the registry (or junk), a key somewhere, its parameters and others. */
function apiRequest(ids: WorldIds): fc.Arbitrary<FuzzRequest> {
  const service = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...SERVICES) }, { weight: 1, arbitrary: fc.constant(null) });
  return fc.tuple(service, clean).chain(([spec, isClean]) => {
    const name = !spec ? fc.oneof(fc.constantFrom(...JUNK_SERVICES), junkText)
      : isClean ? fc.constant(spec.name)
        : fc.oneof({ weight: 12, arbitrary: fc.constant(spec.name) }, { weight: 1, arbitrary: fc.constantFrom(spec.name.toUpperCase(), `${spec.name} `, `${spec.name}\u0000`, `mob/${spec.name}`) });
    const own = Object.entries(spec?.params ?? {}).map(([p, ps]) => pair(p, valueOf(plausibleParam(p, ps, ids), isClean), ps.required ? 0.95 : 0.5, isClean));
    const others = isClean ? fc.constant([]) : fc.array(fc.constantFrom(...ALL_PARAM_NAMES, 'describe', 'apikey', 'service', 'format', 'callback'), { maxLength: 2 })
      .chain((names) => pairsOf(...names.map((n) => pair(n, valueOf(plausibleParam(n, undefined, ids), false), 1, false))));
    const shell = fc.record({
      method: methodFor(['GET', 'POST'], isClean),
      service: pair('service', name, isClean ? 1 : 0.95, isClean),
      key: apiKey(isClean),
      placement: keyPlacement(isClean),
      second: apiKey(false),
      secondWhere: fc.constantFrom('x-api-key', 'bearer'),
      params: pairsOf(...own),
      others,
      describe: pair('describe', fc.constantFrom('true', 'True', '1', 'false', 'TRUE', ''), 0.05, isClean),
      remoteAddress: ipAddress,
    }).chain((r) => {
      const headers: [string, string][] = [];
      const keyPairs: fc.Arbitrary<Pair[]>[] = [];
      if (r.placement === 'param' || r.placement === 'both') keyPairs.push(pair('apikey', fc.constant(r.key), 1, isClean));
      const header = (where: string, key: string) => headers.push(where === 'x-api-key' ? ['x-api-key', key] : ['authorization', `Bearer ${key}`]);
      if (r.placement === 'x-api-key' || r.placement === 'bearer') header(r.placement, r.key);
      if (r.placement === 'both') header(r.secondWhere, r.second);
      return pairsOf(...keyPairs).map((keyPair): Shell => ({
        method: r.method, remoteAddress: r.remoteAddress, headers,
        pairs: [...r.service, ...keyPair, ...r.params, ...r.others, ...r.describe],
      }));
    });
    const path = isClean ? fc.constantFrom('/api', '/api/', '/api/default.php') : fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom('/api', '/api/', '/api/default.php') },
      { weight: 1, arbitrary: fc.constantFrom('/api//', '/API/', '/%61pi/', '/api/./', '/api/default.php/', '/api/default.php%00', '/api/%2e%2e/', '//api/', '/api;x=1') },
    );
    return finish('api', isClean, path, shell, isClean ? fc.constant<Body>({ kind: 'form' }) : formMostly);
  });
}

// ---------------------------------------------------------------------------------------------------
// The dashboard

/** The fields each form route reads (test/integration/fuzz.test.ts checks every POST route has an entry). */
export const FORM_FIELDS: Readonly<Record<string, readonly string[]>> = {
  '/login': ['email', 'password'],
  '/logout': [],
  '/devices/:id/mav/scan': [],
  '/devices/:id/patches/approve': ['patchid'],
  '/devices/:id/patches/ignore': ['patchid'],
  '/devices/:id/checks/clear': ['checkid', 'private_note', 'public_note', 'clear_type', 'clear_until'],
  '/devices/:id/checks/note': ['checkid', 'private_note', 'public_note'],
  '/devices/:id/checks/run': ['checkid'],
  '/settings/account/password': ['current', 'password', 'repeat'],
  '/settings/account/personal-keys': ['name', 'scope', 'expires'],
  '/settings/account/personal-keys/revoke': ['name'],
  '/settings/general/api/key': [],
  '/settings/general/api/personal-keys': ['name', 'scope', 'expires'],
  '/settings/general/api/personal-keys/revoke': ['name'],
  '/settings/general/api/email': ['to', 'key'],
  '/settings/users/agent-key': ['confirm', 'enabled'],
  '/settings/users/add': ['confirm', 'email', 'role', 'group', 'password'],
  '/settings/users/groups': ['confirm', 'name', 'clients', 'clients'],
  '/settings/users/groups/:id': ['confirm', 'name', 'clients', 'clients'],
  '/settings/users/roles': ['confirm', 'name', 'base', ...[...ALL_PERMISSIONS].map((p) => `perm:${p}`)],
  '/settings/users/:id': ['confirm', 'role', 'group'],
  '/settings/users/:id/delete': ['confirm'],
  '/settings/users/:id/disable': ['confirm'],
  '/settings/users/:id/enable': ['confirm'],
  '/sites/:id/package': ['os'],
  '/sites/:id/tokens': ['expires'],
  '/sites/:id/tokens/revoke': ['prefix'],
};

/** Query parameters the dashboard's pages read. */
const PAGE_QUERY = ['tab', 'user', 'action', 'done', 'signedout', 'site', 'client', 'after', 'v'];

/** A password that is wrong, or breaks the policy (8+ characters, upper and lower case, a digit, no space). */
const OTHER_PASSWORDS = ['wrong', 'Another-Passw0rd', 'short', 'no digits Here', 'nodigitsHere'];

/**
 * Fields whose right value costs a full scrypt (the world's users are stored at a low cost, see
 * fuzz-world.ts): a log-in rehashes the password it accepts, a new user's or a changed password is hashed.
 * These get the right password rarely, so a run spends its time fuzzing, not hashing.
 */
const COSTLY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  '/login': ['password'],
  '/settings/users/add': ['password'],
  '/settings/account/password': ['password', 'repeat'],
};

function plausibleField(name: string, ids: WorldIds, route = ''): fc.Arbitrary<string> {
  const id = (kind: RowKind) => fc.constantFrom(...ids[kind]).map(String);
  if (COSTLY_FIELDS[route]?.includes(name)) return fc.oneof({ weight: 1, arbitrary: fc.constant('{{password}}') }, { weight: 6, arbitrary: fc.constantFrom('', ...OTHER_PASSWORDS) });
  switch (name) {
    case 'confirm': case 'current': case 'password': case 'repeat':
      return fc.oneof({ weight: 3, arbitrary: fc.constant('{{password}}') }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_PASSWORDS) });
    case 'email':
      // Log-ins name the world's own users mostly: an unknown one costs a full scrypt (the decoy hash).
      if (route === '/login') return fc.oneof({ weight: 6, arbitrary: fc.constantFrom('fuzz-super@acme.test', 'fuzz-standard@acme.test', 'FUZZ-SCOPED@acme.test ') }, { weight: 1, arbitrary: fc.emailAddress() });
      return fc.oneof(fc.emailAddress(), fc.constantFrom('fuzz-super@acme.test', 'victim1@acme.test', 'admin@globex.test', 'a@b', '@', 'a@b.c\r\nBcc: x@y.z'));
    case 'to':
      return fc.oneof(fc.emailAddress(), fc.constantFrom('a@b', '@', 'a@b.c\r\nBcc: x@y.z'));
    case 'role': case 'base':
      return fc.constantFrom(...ASSIGNABLE_SYSTEM_ROLES, 'agent-key', 'custom', 'Superuser', 'Fuzz role');
    case 'group':
      return fc.constantFrom('All Clients', 'Beta only', 'Nope', '');
    case 'clients': case 'checkid': case 'patchid': case 'site': case 'client':
      return id(name === 'checkid' ? 'check' : name === 'patchid' ? 'patch' : name === 'site' ? 'site' : 'client');
    case 'clear_type':
      return fc.constantFrom(...CLEAR_TYPES);
    case 'clear_until': case 'expires':
      return fc.constantFrom(...DATES.slice(0, 10), '30', '365', 'never');
    case 'os':
      return fc.constantFrom(...PACKAGE_OS);
    case 'enabled':
      return fc.constantFrom('1', '0', 'on');
    case 'scope':
      return fc.constantFrom('read', 'read-write', 'write', 'admin');
    case 'key':
      return fc.constantFrom('{{apikey.agent}}', '{{apikey.old}}');
    case 'prefix':
      return fc.constantFrom('{{siteToken.revokedPrefix}}', 'slt_', 'slt_AAAAAAAA');
    case 'tab':
      return fc.constantFrom('accounts', 'groups', 'roles', 'audit', 'workstations', 'servers');
    case 'done':
      return fc.constantFrom('user-added', 'group-created', 'password-changed', '<b>hi</b>');
    case 'after':
      return fc.tuple(fc.string({ maxLength: 10 }), fc.oneof(fc.integer(), fc.double(), fc.constant(null))).map((c) => Buffer.from(JSON.stringify(c)).toString('base64url'));
    case 'name':
      return fc.constantFrom('r', 'rw', 'Fuzz key', 'Fuzz group', 'Beta only', 'All Clients', ' ');
    default:
      if (name.startsWith('perm:')) return fc.constantFrom('', 'allow', 'deny');
      return fc.string({ maxLength: 30 });
  }
}

/** The world's signed-in sessions (fuzz-world.ts), the superuser's most often. */
const SIGNED_IN = ['super', 'super', 'super', 'standard', 'scoped'] as const;

/** The id of a dashboard path: a row of the kind the route names or, when dirty, sometimes junk. */
function pathId(url: string, ids: WorldIds, isClean: boolean): fc.Arbitrary<string> {
  const kind: RowKind = url.startsWith('/devices') ? 'device' : url.startsWith('/sites') ? 'site' : url.startsWith('/settings/users/groups') ? 'clientGroup' : 'victim';
  const row = fc.constantFrom(...ids[kind]).map(String);
  return isClean ? row : fc.oneof(
    { weight: 6, arbitrary: row },
    { weight: 1, arbitrary: fc.constantFrom(...ids.foreign).map(String) },
    { weight: 1, arbitrary: fc.constantFrom('0', '-1', 'abc', '1e3', '1.0', '99999999999999999999', '%00', '%ZZ', '%C3%28', '١', ' 1', '0x1', 'groups', '..') },
  );
}

/** A request to the dashboard: any route, signed in as one of the world's users or not, with or without the CSRF token. */
function dashboardRequest(ids: WorldIds, routes: Route[]): fc.Arbitrary<FuzzRequest> {
  const pages = routes.filter((r) => !r.url.startsWith('/api') && !r.url.startsWith('/agent/'));
  return fc.tuple(fc.constantFrom(...pages), clean).chain(([route, isClean]) => {
    const post = route.methods.includes('POST');
    const fields = FORM_FIELDS[route.url] ?? [];
    const shell = fc.record({
      method: methodFor(route.methods.filter((m) => m !== 'HEAD'), isClean),
      session: isClean ? fc.constantFrom(...SIGNED_IN) : fc.constantFrom(...SIGNED_IN, 'pre', 'none', 'junk'),
      csrf: isClean ? fc.constantFrom('own', 'header') : fc.constantFrom('own', 'own', 'header', 'none', 'junk', 'other'),
      junkCookie: fc.constantFrom(...COOKIE_JUNK),
      query: pairsOf(...PAGE_QUERY.map((q) => pair(q, valueOf(plausibleField(q, ids), isClean), post ? 0.05 : 0.25, isClean))),
      form: pairsOf(...fields.map((f) => pair(f, valueOf(plausibleField(f, ids, route.url), isClean), 0.9, isClean))),
      others: isClean ? fc.constant<[string, string][]>([]) : fc.array(fc.tuple(fc.constantFrom<string>('_csrf', 'email', 'x', '__proto__', 'confirm'), junkText), { maxLength: 2 }),
      htmx: fc.constantFrom('no', 'no', 'no', 'request', 'boosted'),
      // Log-ins come from two addresses only: each try of an unknown user costs a full scrypt, and the
      // per-address limit is what bounds them (as it bounds an attacker).
      remoteAddress: route.url === '/login' ? fc.constantFrom('203.0.113.1', '203.0.113.2') : fc.integer({ min: 0, max: 63 }).map((n) => `10.9.${n >> 3}.${n & 7}`),
    }).map((r): Shell => {
      const name = r.session === 'none' || r.session === 'junk' ? 'super' : r.session;
      const token = r.csrf === 'junk' ? 'junk' : r.csrf === 'other' ? `{{csrf.${name === 'super' ? 'standard' : 'super'}}}` : `{{csrf.${name}}}`;
      const headers: [string, string][] = [];
      if (r.session === 'junk') headers.push(['cookie', r.junkCookie]);
      else if (r.session !== 'none') headers.push(['cookie', `{{session.${r.session}}}`]);
      if (r.csrf === 'header') headers.push(['x-csrf-token', token]);
      if (r.htmx !== 'no') headers.push(['hx-request', 'true']);
      if (r.htmx === 'boosted') headers.push(['hx-boosted', 'true']);
      const csrfPair: Pair[] = r.csrf === 'none' || r.csrf === 'header' ? [] : [{ name: '_csrf', value: token, encoding: 'form', inBody: true }];
      const others = r.others.map(([n, v]): Pair => ({ name: n, value: v, encoding: 'form', inBody: true }));
      return { method: r.method, remoteAddress: r.remoteAddress, headers, pairs: [...r.query, ...csrfPair, ...r.form.map((p) => ({ ...p, inBody: true })), ...others] };
    });
    const suffix = isClean ? fc.constant('') : fc.constantFrom('', '', '', '', '', '', '/', '//', '/..', '%2F', '?');
    const path = fc.tuple(pathId(route.url, ids, isClean), suffix).map(([id, end]) => route.url.replace(':id', id) + end);
    return finish('dashboard', isClean, path, shell, isClean ? fc.constant<Body>({ kind: 'form' }) : formMostly);
  });
}

// ---------------------------------------------------------------------------------------------------
// The agent protocol

/** The values of agent bodies: valid when clean; otherwise past their bounds at times. */
function agentValues(isClean: boolean) {
  const valid = {
    epoch: fc.integer({ min: NOW - 400 * 86400, max: NOW + 200 }),
    count: fc.nat(100_000),
    text: (_max: number, min = 0) => fc.string({ minLength: min, maxLength: 20 }),
  };
  if (isClean) return valid;
  return {
    epoch: fc.oneof({ weight: 6, arbitrary: valid.epoch }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 946_684_799, NOW + 301, 2 ** 31, 2 ** 53, 1e20, 1.5, -1e308) }),
    count: fc.oneof({ weight: 6, arbitrary: valid.count }, { weight: 1, arbitrary: fc.constantFrom(-1, 2 ** 53, 2 ** 63, 1e308, 0.5) }),
    text: (max: number, min = 0) => fc.oneof({ weight: 8, arbitrary: valid.text(max, min) }, { weight: 1, arbitrary: junkText }, { weight: 1, arbitrary: fc.constant('y'.repeat(max + 1)) }),
  };
}

/** The agent protocol's bodies (protocol.schema.ts): enrolment facts, report sections, acknowledgements. */
function agentBodies(ids: WorldIds, isClean: boolean) {
  const { epoch, count, text } = agentValues(isClean);
  const some = <T>(item: fc.Arbitrary<T>) => fc.array(item, { maxLength: 3 });
  const nullable = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: null });
  const facts = fc.record({
    hostname: text(255, 1), deviceType: fc.constantFrom('server', 'workstation'),
    os: fc.record({ name: text(255, 1), version: text(100), family: fc.constantFrom('linux', 'mac', 'windows') }),
    manufacturer: text(255), model: text(255), serialNumber: text(100),
    cpu: fc.record({ model: text(255), count: isClean ? fc.integer({ min: 1, max: 64 }) : fc.integer({ min: 0, max: 5000 }) }), memoryMb: count, bootedAt: nullable(epoch),
    ipAddresses: some(fc.oneof(fc.ipV4(), text(64))), macAddresses: some(text(32)), username: text(255), domain: text(255), agentVersion: text(32),
  }, { requiredKeys: ['hostname', 'deviceType', 'os', 'cpu', 'memoryMb', 'agentVersion'] });
  const checkId = isClean ? fc.constantFrom(...ids.check) : fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids.check) }, { weight: 1, arbitrary: fc.integer() });
  const value = isClean ? fc.double({ noNaN: true, noDefaultInfinity: true }) : fc.double();
  const checkResult = fc.record({ checkId, at: epoch, status: fc.constantFrom('pass', 'fail'), output: text(2000), value }, { requiredKeys: ['checkId', 'at', 'status', 'output'] });
  const sections = {
    checkResults: some(checkResult),
    performance: some(fc.record({
      kind: fc.constantFrom(...PerformanceKind), target: text(255), at: epoch,
      values: fc.dictionary(fc.constantFrom('load', 'queue', 'available', 'total', 'transmit', 'receive', 'disk_time', ...(isClean ? [] : ['x'.repeat(33)])), value, { maxKeys: 3 }),
    })),
    driveSpace: some(fc.record({ drive: text(255, 1), at: epoch, totalMb: count, usedMb: count })),
    hardware: some(fc.record({ hardwareType: isClean ? fc.integer({ min: 1, max: 16 }) : fc.integer({ min: 0, max: 17 }), name: text(255), manufacturer: text(255), details: text(1000), status: text(64) })),
    software: some(fc.record({ name: text(255, 1), publisher: text(255), version: text(100), installedAt: nullable(epoch) })),
    patches: some(fc.record({
      key: fc.constantFrom('KB5031356', 'KB0000001', 'openssl 3.0.2'), title: text(500), product: text(255), severity: isClean ? fc.integer({ min: 0, max: 4 }) : fc.integer({ min: -1, max: 5 }),
      status: fc.constantFrom('missing', 'pending', 'installed', 'failed', 'reboot_required'), installedAt: nullable(epoch),
    })),
    antivirus: fc.record({ product: text(255), running: fc.boolean(), definitionsVersion: text(100), definitionsReleasedAt: nullable(epoch) }),
    mavScans: some(fc.record({
      scanKey: fc.constantFrom('scan-1', 'scan-2'), engine: fc.constantFrom('vipre', 'bitdefender'), kind: fc.constantFrom('quick', 'deep', 'custom'),
      state: fc.constantFrom('finished', 'canceled', 'error', 'paused', 'running'), startedAt: epoch, endedAt: nullable(epoch),
      filesScanned: count, foldersScanned: count,
      threats: some(fc.record({ name: text(255), category: text(100), status: text(64), quarantineGuid: fc.constantFrom('6F9619FF-8B86-D011-B42D-00C04FC964FF', 'q-1') })),
    })),
    backupSessions: some(fc.record({
      type: fc.constantFrom('BACKUP', 'RESTORE'), plugin: text(64), startedAt: epoch, endedAt: epoch, status: text(32),
      selectionSize: count, processedSize: count, transferredSize: count, errorCount: count,
    })),
    adUsers: some(fc.record({
      objectGuid: fc.constantFrom('guid-1', 'guid-2'), samaccountname: text(255), displayname: text(255), mail: text(255), department: text(255), title: text(255),
      lastLogonAt: nullable(epoch), enabled: fc.boolean(),
    })),
  };
  const bodies: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
    '/agent/v1/enrol': fc.record({
      siteToken: isClean ? fc.constant('{{siteToken.valid}}') : fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...SITE_TOKENS) }, { weight: 1, arbitrary: junkText }),
      machineId: fc.oneof(fc.constantFrom('fuzz-machine-0001', 'fuzz-machine-0002', 'fuzz-machine-0003'), text(128, 8)),
      facts,
    }),
    '/agent/v1/reports': fc.record({
      batchId: isClean ? fc.oneof(fc.uuid(), fc.constantFrom('fuzz-batch-0001', 'fuzz-batch-0002')) : fc.oneof(fc.uuid(), fc.constantFrom('fuzz-batch-0001', 'short', 'bad batch id!')),
      sentAt: epoch,
      facts,
      ...sections,
    }, { requiredKeys: ['batchId', 'sentAt'] }),
    '/agent/v1/commands/:id/ack': fc.record({
      outcome: fc.constantFrom('succeeded', 'failed', 'unsupported'), message: text(2000), checkResult,
      report: fc.record(sections, { requiredKeys: [] }),
    }, { requiredKeys: ['outcome'] }),
  };
  return bodies;
}

type Mutation = { at: number; op: 'replace' | 'delete' | 'add' | 'explode'; junk: unknown };

const jsonJunk = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1.5, 2 ** 53 + 2, -(2 ** 63), 1e308, -0, '', '0', [], {}, [null], { a: 1 }),
  junkText,
  fc.jsonValue({ maxDepth: 2 }),
);

/** Every place in a JSON value (objects' keys and arrays' items, depth first), as parent and key. */
function placesIn(value: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []) {
  if (Array.isArray(value)) value.forEach((item, i) => { out.push([value, i]); placesIn(item, out); });
  else if (value && typeof value === 'object') for (const [k, item] of Object.entries(value)) { out.push([value as Record<string, unknown>, k]); placesIn(item, out); }
  return out;
}

/** A valid body broken in a few places: a value replaced by junk, a field dropped or added, a list grown past its bound. */
function mutated(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    at: fc.nat(),
    op: fc.oneof({ weight: 30, arbitrary: fc.constantFrom<Mutation['op'][]>('replace', 'delete', 'add') }, { weight: 1, arbitrary: fc.constant<'explode'>('explode') }),
    junk: jsonJunk,
  });
  return fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([value, mutations]) => {
    const copy = structuredClone(value);
    for (const m of mutations) {
      const places = placesIn(copy);
      if (places.length === 0) break;
      const [parent, key] = places[m.at % places.length]!;
      const target = parent as Record<string | number, unknown>;
      if (m.op === 'replace') target[key] = m.junk;
      else if (m.op === 'delete') delete target[key];
      else if (m.op === 'add' && !Array.isArray(parent)) target[`fuzz_${m.at % 7}`] = m.junk;
      else if (m.op === 'explode') {
        // Past MAX_ITEMS_PER_LIST (20,000): a list of copies of one item. The last mutation: another would
        // walk (or explode) 20,000 items again, and two explosions make 400 million.
        target[key] = Array.from({ length: 20_001 }, () => target[key]);
        break;
      }
    }
    return copy;
  });
}

const SITE_TOKENS = ['{{siteToken.valid}}', '{{siteToken.valid}}', '{{siteToken.valid}}', '{{siteToken.revoked}}', '{{siteToken.expiring}}', '{{siteToken.other}}', 'slt_', '{{device.secret}}', '{{apikey.agent}}'];

const AGENT_AUTH = [
  '', 'Bearer {{device.other}}', 'Bearer ', 'Bearer', 'bearer {{device.secret}}', 'Bearer  {{device.secret}}  ', 'Basic Zm9vOmJhcg==',
  'Bearer sld_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'Bearer {{siteToken.valid}}',
];

/** A request to `/agent/v1/`: every endpoint, with or without the world's device secret, bodies valid or broken. */
function agentRequest(ids: WorldIds, routes: Route[]): fc.Arbitrary<FuzzRequest> {
  const endpoints = routes.filter((r) => r.url.startsWith('/agent/'));
  const strays = ['/agent/v1/', '/agent/v1/nope', '/agent/v2/config', '/agent/v1/commands/1', '/agent/v1/config/'].map((url) => ({ url, methods: ['GET', 'POST'] }));
  const bodiesOf = { clean: agentBodies(ids, true), dirty: agentBodies(ids, false) };
  return fc.tuple(clean, fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...endpoints) }, { weight: 1, arbitrary: fc.constantFrom(...strays) }))
    .chain(([isClean, route]) => {
      const json = (isClean ? bodiesOf.clean : bodiesOf.dirty)[route.url];
      // A long-poll that waits is abandoned by the runner after a moment; rarely ask for one.
      const noWait = isClean ? fc.constantFrom('0', '') : fc.oneof(fc.constantFrom('0', '', '-1', '61', '1.5', 'abc', '00', '-0', '1e9', '0x0'), junkText).filter((v) => !isWait(v));
      const wait = fc.oneof({ weight: 12, arbitrary: noWait }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }).map(String) });
      const shell = fc.record({
        method: methodFor(route.methods.filter((m) => m !== 'HEAD'), isClean),
        auth: isClean ? fc.constant('Bearer {{device.secret}}') : fc.oneof(
          { weight: 6, arbitrary: fc.constant('Bearer {{device.secret}}') },
          { weight: 3, arbitrary: fc.constantFrom(...AGENT_AUTH) },
          { weight: 1, arbitrary: fc.oneof(junkText, hugeText).map((t) => `Bearer ${t}`) },
        ),
        wait: pair('wait', wait, route.url.endsWith('/commands') ? 0.7 : isClean ? 0 : 0.05, isClean),
        remoteAddress: ipAddress,
      }).map((r): Shell => ({ method: r.method, remoteAddress: r.remoteAddress, headers: r.auth ? [['authorization', r.auth]] : [], pairs: r.wait.map((p) => ({ ...p, inBody: false })) }));
      const row = fc.integer({ min: 1, max: 40 }).map(String);
      const id = isClean ? row : fc.oneof({ weight: 6, arbitrary: row }, { weight: 1, arbitrary: fc.constantFrom('0', '-1', 'abc', '9007199254740992', '1e3', '%00', '١') });
      const path = id.map((i) => route.url.replace(':id', i));
      const toBody = (value: Record<string, unknown>): Body => ({ kind: 'json', value });
      const body = !json ? otherBody
        : isClean ? json.map(toBody)
          : fc.oneof({ weight: 3, arbitrary: json.map(toBody) }, { weight: 3, arbitrary: mutated(json).map(toBody) }, { weight: 1, arbitrary: otherBody });
      return finish('agent', isClean, path, shell, body);
    });
}

/** Whether a `wait` value would make the long-poll wait (which the generator keeps rare). */
function isWait(value: string): boolean {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 60;
}

// ---------------------------------------------------------------------------------------------------

/** The share of each target in a run: 60 % API, 25 % dashboard, 15 % agent. */
export function fuzzRequest(ids: WorldIds, routes: Route[]): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    { weight: 12, arbitrary: apiRequest(ids) },
    { weight: 5, arbitrary: dashboardRequest(ids, routes) },
    { weight: 3, arbitrary: agentRequest(ids, routes) },
  );
}
