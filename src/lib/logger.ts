import pino, { type DestinationStream, type Logger } from 'pino';

/** Parameter names whose values are secrets, compared after decoding as the query parser decodes them. */
const SECRET_NAMES = new Set(['apikey', 'key', 'password', 'token']);
const REDACTED = '[REDACTED]';

/** A query-string name as Fastify's parser reads it: `+` is a space, then percent-decoding (kept raw if malformed). */
function parsedName(raw: string): string {
  const spaced = raw.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/**
 * Removes secrets from a URL before it reaches a log line. The query is read pair by pair and each
 * name decoded the way the server's parser decodes it, so `?%61pikey=KEY` (which the API reads as
 * `apikey`) is redacted like `?apikey=KEY`; matching the raw text would miss it. A path that decodes to
 * something holding a secret parameter is dropped whole.
 */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  const safePath = /(?:apikey|key|password|token)=/i.test(parsedName(path)) ? REDACTED : path;
  if (mark === -1) return safePath;
  const pairs = url.slice(mark + 1).split('&').map((pair) => {
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    return SECRET_NAMES.has(parsedName(name).trim().toLowerCase()) ? `${name}=${REDACTED}` : pair;
  });
  return `${safePath}?${pairs.join('&')}`;
}

/**
 * The one logger. API keys travel in query strings, form bodies and headers; none of them may reach a
 * log line, so request URLs are rewritten (after parsing, see `redactUrl`) and the known secret paths
 * redacted.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'apikey', '*.apikey', 'key', '*.key', 'password', '*.password',
          'req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie',
          'headers.authorization', 'headers["x-api-key"]',
        ],
        censor: '[REDACTED]',
      },
      serializers: {
        // Any log line's top-level `url` (the dashboard logs its refusals and failures with one).
        url: (url: unknown) => (typeof url === 'string' ? redactUrl(url) : url),
        req(req: { method?: string; url?: string; ip?: string; id?: string }) {
          return { method: req.method, url: req.url ? redactUrl(req.url) : req.url, remoteAddress: req.ip, id: req.id };
        },
      },
    },
    destination,
  );
}
