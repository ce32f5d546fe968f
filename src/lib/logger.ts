import pino, { type DestinationStream, type Logger } from 'pino';

const SECRET_QUERY = /([?&](?:apikey|key|password|token)=)[^&#]*/gi;

/** Removes secrets from a URL before it reaches a log line. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[REDACTED]');
}

/**
 * The one logger. API keys travel in query strings, form bodies and headers; none of them may reach a
 * log line, so request URLs are rewritten and the known secret paths redacted.
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
        req(req: { method?: string; url?: string; ip?: string; id?: string }) {
          return { method: req.method, url: req.url ? redactUrl(req.url) : req.url, remoteAddress: req.ip, id: req.id };
        },
      },
    },
    destination,
  );
}
