import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { SaxesParser } from 'saxes';
import { ErrorResponse } from '../../src/agent-protocol/protocol.schema.js';
import { SERVICES } from '../../src/deapi/registry.js';
import { fuzzRequest, type Encoding, type FuzzRequest, type Pair, type Target } from './fuzz-requests.js';
import type { FuzzWorld } from './fuzz-world.js';

/**
 * The fuzzer of issue 12: random requests (fuzz-requests.ts) against the real app over a seeded database
 * (fuzz-world.ts), each answer judged: never a 5xx, never an error in the log, never code 99 (the API's
 * "unexpected error", which it answers with HTTP 200), every `/api/` answer well-formed XML with a root
 * the registry documents, every `/agent/v1/` answer well-formed JSON (errors in the protocol's shape).
 * test/integration/fuzz.test.ts runs it in CI; `npm run fuzz` (scripts/fuzz.ts) runs it longer.
 */

/** What a request became on the wire (placeholders filled, pairs encoded): what a failure prints. */
export type WireRequest = { method: string; url: string; headers: Record<string, string>; payload?: Buffer; remoteAddress: string };

export type Verdict = { ok: true } | { ok: false; kind: 'server error' | 'malformed answer'; reason: string };

export type FuzzFailure = { request: FuzzRequest; wire: WireRequest; verdict: Verdict & { ok: false }; status: number; body: string; logs: string[] };

export type FuzzStats = {
  cases: number;
  byTarget: Record<Target, number>;
  serverErrors: number;
  malformed: number;
  /** Long-polls that were waiting, hung up by the runner (an agent going away). */
  abandoned: number;
  /** API calls answered with a document that is not the error envelope: how deep the fuzzer got. */
  apiOk: number;
  /** Dashboard and agent answers below 400. */
  accepted: Record<'dashboard' | 'agent', number>;
  seconds: number;
  /** CPU time of the process (main thread and scrypt's thread pool): what a loaded machine does not inflate. */
  cpuSeconds: number;
};

export type FuzzRun = {
  stats: FuzzStats;
  /** Every failure when `keepGoing`; otherwise the first one, shrunk to a smaller request that still fails. */
  failures: FuzzFailure[];
  seed: number;
  /** fast-check's path to the shrunk failure (`--path`), with `seed`. */
  path?: string;
};

export type FuzzOptions = {
  cases: number;
  seed?: number;
  /** Replays one case of a run (fast-check's counterexample path). */
  path?: string;
  /** Records every failure and goes on, instead of stopping at the first and shrinking it. */
  keepGoing?: boolean;
  /** Told every 1,000 cases. */
  progress?: (stats: FuzzStats) => void;
  /** Told of every request before it is sent (`npm run fuzz -- --trace FILE`: the last line names a request that hangs). */
  sending?: (wire: WireRequest) => void;
};

/** Shrink steps after the first failure; past them the run ends with the smallest failure found so far. */
const MAX_SHRINK_STEPS = 300;

/** Runs `cases` random requests against the world and judges every answer. */
export async function runFuzz(world: FuzzWorld, options: FuzzOptions): Promise<FuzzRun> {
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const stats: FuzzStats = { cases: 0, byTarget: { api: 0, dashboard: 0, agent: 0 }, serverErrors: 0, malformed: 0, abandoned: 0, apiOk: 0, accepted: { dashboard: 0, agent: 0 }, seconds: 0, cpuSeconds: 0 };
  const failures: FuzzFailure[] = [];
  let shrinking = false;
  let shrinkSteps = 0;
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const elapsed = () => {
    const cpu = process.cpuUsage(cpuAtStart);
    return { seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  };
  const property = fc.asyncProperty(fuzzRequest(world.ids, world.routes), async (request) => {
    // Every request costs a round trip (some a megabyte): a long shrink would outlast the run itself.
    if (shrinking && ++shrinkSteps > MAX_SHRINK_STEPS) return true;
    const outcome = await send(world, request, options.sending);
    if (!shrinking) count(stats, request, outcome);
    if (!shrinking && stats.cases % 1000 === 0) options.progress?.({ ...stats, ...elapsed() });
    if (outcome.verdict.ok) return true;
    const failure = { request, wire: outcome.wire, verdict: outcome.verdict, status: outcome.status, body: outcome.body, logs: outcome.logs };
    if (options.keepGoing) {
      failures.push(failure);
      return true;
    }
    // While shrinking, the last failure seen is the smallest one so far.
    failures.splice(0, failures.length, failure);
    shrinking = true;
    return false;
  });
  const details = await fc.check(property, { numRuns: options.cases, seed, path: options.path });
  Object.assign(stats, elapsed());
  // A property that threw rather than judged: the runner itself (or the world's upkeep) failed.
  if (details.failed && failures.length === 0) {
    throw new Error(`the fuzzer failed on case ${stats.cases + 1} (seed ${seed}, path ${details.counterexamplePath}): ${String(details.errorInstance)}\n` +
      `${JSON.stringify(details.counterexample?.[0]).slice(0, 3000)}`, { cause: details.errorInstance });
  }
  return { stats, failures, seed, path: details.failed ? (details.counterexamplePath ?? undefined) : undefined };
}

type Outcome = { wire: WireRequest; verdict: Verdict; status: number; body: string; logs: string[]; abandoned: boolean };

function count(stats: FuzzStats, request: FuzzRequest, outcome: Outcome) {
  stats.cases++;
  stats.byTarget[request.target]++;
  if (!outcome.verdict.ok) {
    if (outcome.verdict.kind === 'server error') stats.serverErrors++;
    else stats.malformed++;
  }
  if (outcome.abandoned) stats.abandoned++;
  if (request.target === 'api' && outcome.verdict.ok && outcome.status === 200 && !outcome.body.includes('<errorcode>')) stats.apiOk++;
  if (request.target !== 'api' && outcome.status > 0 && outcome.status < 400) stats.accepted[request.target]++;
}

/** How long the runner lets a long-poll wait before hanging up, and any other request answer. */
const LONG_POLL_MS = 100;
const ANSWER_MS = 30_000;

async function send(world: FuzzWorld, request: FuzzRequest, sending?: (wire: WireRequest) => void): Promise<Outcome> {
  const wire = toWire(request, world.credentials);
  sending?.(wire);
  world.takeLogs();
  const longPoll = request.target === 'agent' && wire.method === 'GET' && wire.url.startsWith('/agent/v1/commands');
  const hangUp = new AbortController();
  const timer = setTimeout(() => hangUp.abort(), longPoll ? LONG_POLL_MS : ANSWER_MS);
  let response: LightMyRequestResponse;
  try {
    response = await world.app.inject({ ...wire, signal: hangUp.signal });
  } catch (error) {
    const logs = errorLines(world.takeLogs());
    if (hangUp.signal.aborted && longPoll) return { wire, verdict: logs.length ? serverError(`logged: ${logs[0]}`) : { ok: true }, status: 0, body: '', logs, abandoned: true };
    const reason = hangUp.signal.aborted ? `no answer in ${ANSWER_MS / 1000} s` : `the request failed: ${String(error)}`;
    return { wire, verdict: serverError(reason), status: 0, body: '', logs, abandoned: false };
  } finally {
    clearTimeout(timer);
  }
  if (request.target === 'dashboard' && request.method !== 'GET') await world.restore();
  const logs = errorLines(world.takeLogs());
  const verdict = judge(wire, response, logs);
  return { wire, verdict, status: response.statusCode, body: response.body, logs, abandoned: false };
}

// ---------------------------------------------------------------------------------------------------
// The oracle

const serverError = (reason: string): Verdict => ({ ok: false, kind: 'server error', reason });
const malformed = (reason: string): Verdict => ({ ok: false, kind: 'malformed answer', reason });

/**
 * pino lines at error level or above (50+): an unexpected error, whatever the status sent. Not fastify's
 * "request errored" for a long-poll the runner hung up on: app.inject aborts the response stream with an
 * AbortError, where a real client going away only closes the socket.
 */
function errorLines(lines: string[]): string[] {
  return lines.filter((line) => {
    const level = /"level":(\d+)/.exec(line);
    return level !== null && Number(level[1]) >= 50 && !(line.includes('"msg":"request errored"') && line.includes('"code":"ABORT_ERR"'));
  });
}

/**
 * Which rules an answer is judged by: where the request landed once the URL is parsed (`/api/%2e%2e/` is
 * `/`) and its path decoded as the router decodes it (`/%61pi/` is `/api/`).
 */
function landedOn(url: string): Target {
  const parsed = new URL(url.startsWith('//') ? `http://localhost${url}` : url, 'http://localhost').pathname;
  let path = parsed;
  try {
    path = decodeURIComponent(parsed);
  } catch {
    // Not valid UTF-8 once decoded: the router does not decode it either.
  }
  if (path.startsWith('/api')) return 'api';
  return path === '/agent/v1' || path.startsWith('/agent/v1/') ? 'agent' : 'dashboard';
}

/** The roots an API answer may have: `result` (every error, describe, most services) or a service's documented one. */
const API_ROOTS = new Set(['result', ...SERVICES.map((s) => s.root).filter((r): r is string => r !== undefined)]);

/** What the oracle reads of an answer. */
export type Answer = Pick<LightMyRequestResponse, 'statusCode' | 'headers' | 'body'>;

/** Judges one answer (see the file's comment). */
export function judge(wire: Pick<WireRequest, 'method' | 'url'>, response: Answer, errorLogs: string[]): Verdict {
  const target = landedOn(wire.url);
  if (errorLogs.length > 0) return serverError(`logged: ${errorLogs[0]!.slice(0, 500)}`);
  if (response.statusCode >= 500) return serverError(`HTTP ${response.statusCode}`);
  if (wire.method === 'HEAD') return { ok: true };
  const type = String(response.headers['content-type'] ?? '');
  if (target === 'api') {
    if (type.startsWith('application/xml')) {
      const problem = xmlProblem(response.body);
      if (problem) return malformed(`XML: ${problem}`);
      if (/<errorcode>99<\/errorcode>/.test(response.body)) return serverError('code 99 (unexpected error)');
      return { ok: true };
    }
    // get_site_installation_package's file, the one answer that is not XML.
    if (response.statusCode === 200 && String(response.headers['content-disposition'] ?? '').startsWith('attachment')) return { ok: true };
    // Fastify's own refusal of a request it cannot route or read (404, 400, 413, 415), before any API code ran.
    if (response.statusCode >= 400 && isFastifyError(type, response.body)) return { ok: true };
    return malformed(`HTTP ${response.statusCode} ${type || 'without Content-Type'} is neither XML nor fastify's own refusal`);
  }
  if (target === 'agent') {
    if (!type.startsWith('application/json')) return malformed(`Content-Type ${type || '(none)'}`);
    let value: unknown;
    try {
      value = JSON.parse(response.body);
    } catch (error) {
      return malformed(`JSON: ${String(error)}`);
    }
    if (response.statusCode >= 400 && !ErrorResponse.safeParse(value).success) return malformed(`HTTP ${response.statusCode} without the protocol's error shape`);
  }
  return { ok: true };
}

/** Why a text is not a well-formed XML document with a documented root, or null. */
function xmlProblem(body: string): string | null {
  const parser = new SaxesParser();
  let root: string | undefined;
  parser.on('opentag', (tag) => {
    root ??= tag.name;
  });
  try {
    parser.write(body).close();
  } catch (error) {
    return (error as Error).message;
  }
  if (root === undefined) return 'no root element';
  return API_ROOTS.has(root) ? null : `root <${root}>`;
}

function isFastifyError(type: string, body: string): boolean {
  if (!type.startsWith('application/json')) return false;
  try {
    const value = JSON.parse(body) as Record<string, unknown>;
    return typeof value.statusCode === 'number' && typeof value.message === 'string';
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// The wire

/** Headers Node keeps only the first of when repeated (http.IncomingMessage); the others it joins. */
const FIRST_ONLY = new Set([
  'age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since', 'if-unmodified-since',
  'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after', 'server', 'user-agent',
]);

/** The request as bytes: placeholders filled with the world's current credentials, pairs encoded. */
export function toWire(request: FuzzRequest, credentials: ReadonlyMap<string, string>): WireRequest {
  const fill = (text: string) => text.replace(/\{\{([A-Za-z.]+)\}\}/g, (whole, name: string) => credentials.get(name) ?? whole);
  const encodePair = (p: Pair) => `${encode(fill(p.name), p.encoding)}=${encode(fill(p.value), p.encoding)}`;
  const query = request.pairs.filter((p) => !p.inBody).map(encodePair).join('&') + request.queryTail;
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) {
    // A header value is bytes 0x20-0xFF (and tab) on the wire; Node reads them as latin1.
    const text = fill(value).replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
    const existing = headers[name];
    if (existing === undefined) headers[name] = text;
    else if (!FIRST_ONLY.has(name)) headers[name] = `${existing}${name === 'cookie' ? '; ' : ', '}${text}`;
  }
  let payload = bodyBytes(request, fill, encodePair);
  if (payload && request.truncate !== null) payload = payload.subarray(0, Math.floor(payload.length * request.truncate));
  if (payload && request.compression !== 'none') {
    headers['content-encoding'] = 'gzip';
    if (request.compression === 'gzip') payload = gzipSync(payload);
  }
  return { method: request.method, url: `${request.path}${query ? `?${query}` : ''}`, headers, payload, remoteAddress: request.remoteAddress };
}

function bodyBytes(request: FuzzRequest, fill: (text: string) => string, encodePair: (p: Pair) => string): Buffer | undefined {
  const body = request.body;
  const bodyPairs = request.pairs.filter((p) => p.inBody);
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'form':
      return Buffer.from(bodyPairs.map(encodePair).join('&'));
    case 'json': {
      const fillJson = (value: unknown): unknown =>
        typeof value === 'string' ? fill(value)
          : Array.isArray(value) ? value.map(fillJson)
            : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [fill(k), fillJson(v)])) : value;
      const value = body.value !== undefined ? fillJson(body.value) : Object.fromEntries(bodyPairs.map((p) => [fill(p.name), fill(p.value)]));
      return Buffer.from(JSON.stringify(value) ?? 'null');
    }
    case 'text':
      return Buffer.from(fill(body.text));
    case 'bytes':
      return Buffer.from(body.bytes);
  }
}

const hex = (byte: number) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/** Each byte as an encoding writes it in UTF-8 (`latin1` differs for characters 128-255 only). */
const BYTE_TABLES: Record<Exclude<Encoding, 'latin1'>, string[]> = {
  form: byteTable((c) => /[A-Za-z0-9*\-._]/.test(c), { ' ': '+' }),
  uri: byteTable((c) => /[A-Za-z0-9!'()*\-._~]/.test(c)),
  'every-byte': byteTable(() => false),
  // Everything printable but '#' as is: `&`, `=`, `+` and `%` in a value change what the server reads.
  raw: byteTable((c) => c > ' ' && c < '\x7f' && c !== '#'),
};

function byteTable(keep: (char: string) => boolean, special: Record<string, string> = {}): string[] {
  return Array.from({ length: 256 }, (_, byte) => {
    const char = String.fromCharCode(byte);
    return special[char] ?? (byte < 0x80 && keep(char) ? char : hex(byte));
  });
}

/** One side of a pair as the encoding writes it (see `Encoding`). Huge values are common: byte tables, no per-byte regex. */
function encode(text: string, encoding: Encoding): string {
  const bytes = encoding === 'latin1' && /^[\x00-\xff]*$/.test(text) ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
  const table = BYTE_TABLES[encoding === 'latin1' ? 'uri' : encoding];
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = table[bytes[i]!]!;
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------------
// Reports

/** The line the test and `npm run fuzz` print. */
export function summaryLine(stats: FuzzStats): string {
  const { api, dashboard, agent } = stats.byTarget;
  return `fuzz: ${stats.cases} cases (api ${api}, dashboard ${dashboard}, agent ${agent}), ${stats.serverErrors} server errors, ${stats.malformed} malformed answers, in ${stats.seconds.toFixed(1)} s`;
}

/** How deep the requests went: answers past authentication and validation. */
export function depthLine(stats: FuzzStats): string {
  const share = (n: number, of: number) => `${of ? Math.round((100 * n) / of) : 0} %`;
  return `fuzz depth: api ${stats.apiOk} OK documents (${share(stats.apiOk, stats.byTarget.api)}), dashboard ${stats.accepted.dashboard} answers below 400 ` +
    `(${share(stats.accepted.dashboard, stats.byTarget.dashboard)}), agent ${stats.accepted.agent} (${share(stats.accepted.agent, stats.byTarget.agent)}), ` +
    `${stats.abandoned} long-polls hung up; ${stats.cpuSeconds.toFixed(1)} s of CPU`;
}

/** A long text shortened for a report, control characters visible. */
function short(text: string, max = 400): string {
  const cut = text.length > max ? `${text.slice(0, max - 80)}…(${text.length} characters)…${text.slice(-40)}` : text;
  return JSON.stringify(cut).slice(1, -1);
}

/** A failure as text: why, the request as sent (and as generated), the answer. */
export function describeFailure(failure: FuzzFailure, run?: { seed: number; path?: string }): string {
  const { wire } = failure;
  const lines = [
    `${failure.verdict.kind}: ${failure.verdict.reason}`,
    `request: ${wire.method} ${short(wire.url, 2000)} from ${wire.remoteAddress}`,
    ...Object.entries(wire.headers).map(([name, value]) => `  ${name}: ${short(value)}`),
    ...(wire.payload ? [`  body (${wire.payload.length} bytes): ${short(wire.payload.toString('latin1'), 2000)}`] : []),
    `answer: HTTP ${failure.status} ${short(failure.body, 1000)}`,
    ...failure.logs.map((line) => `log: ${short(line, 2000)}`),
    `generated: ${short(JSON.stringify(failure.request, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value)), 3000)}`,
  ];
  if (run) lines.push(`reproduce: npm run fuzz -- --seed ${run.seed}${run.path ? ` --path ${run.path}` : ''}`);
  return lines.join('\n');
}
