import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { normaliseNetworks } from './lib/networks.js';

/**
 * SQLite's `synchronous` settings a deployment may choose (WAL mode). NORMAL, the default, syncs the WAL
 * only at checkpoints: a killed process loses nothing it acknowledged, a power cut or OS crash may lose the
 * last commits. FULL syncs the WAL at every commit, which better-sqlite3 does on the event loop (measured
 * in docs/security.md, "Crash safety": about 4 ms a commit on this machine's disk, so one database takes
 * a few hundred commits a second at most).
 */
export const SQLITE_SYNCHRONOUS = ['NORMAL', 'FULL'] as const;
export type SqliteSynchronous = (typeof SQLITE_SYNCHRONOUS)[number];

/**
 * Every setting Sightline reads from the environment, parsed once. Nothing else reads `process.env`.
 * CLI flags (`--db`, `--port`, `--host`) override these in `src/cli/`.
 */
const envSchema = z.object({
  /** SQLite file path or a `postgres://` URL. */
  SIGHTLINE_DB: z.string().min(1).default('./data/sightline.db'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** The URL customers use to reach this server; the API page and token email show `<url>/api/`. */
  SIGHTLINE_PUBLIC_URL: z.string().url().optional(),
  /** The `host` attribute of every `<result>`; defaults to the public URL's host name. */
  SIGHTLINE_HOSTNAME: z.string().min(1).optional(),
  /** Error code answered for an unknown service (N-sight's own code was never recorded). */
  SIGHTLINE_UNKNOWN_SERVICE_CODE: z.coerce.number().int().min(1).max(99).default(2),
  /** SMTP server for "Email API Token"; without it messages go to the outbox table. */
  SIGHTLINE_SMTP_URL: z.string().url().optional(),
  SIGHTLINE_MAIL_FROM: z.string().min(3).default('Sightline <no-reply@sightline.local>'),
  /** Bad API keys from one address before it is answered 429, and the window they are counted in. */
  SIGHTLINE_BAD_KEY_LIMIT: z.coerce.number().int().min(1).default(20),
  SIGHTLINE_BAD_KEY_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /**
   * Failed password checks (log-in, confirming a change, changing one's password) one address may cause
   * per minute in each server process; further tries are answered 429 before any password is checked.
   */
  SIGHTLINE_PASSWORD_TRIES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  /**
   * Reverse proxies (addresses or CIDR networks, comma-separated) whose X-Forwarded-For is believed; the
   * allow-list, the bad-key throttle, the login lockout and the audit log then see the client's address.
   */
  SIGHTLINE_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const networks = normaliseNetworks(text);
      if (typeof networks === 'string') return networks ? networks.split(',') : [];
      ctx.addIssue({ code: 'custom', message: networks.error });
      return z.NEVER;
    }),
  /** Bearer token a Prometheus scraper presents for /metrics from a non-loopback address; unset: loopback only. */
  SIGHTLINE_METRICS_TOKEN: z.string().min(16).optional(),
  /** Secret that signs dashboard cookies; generated per process when unset (sessions then end on restart). */
  SIGHTLINE_COOKIE_SECRET: z.string().min(32).optional(),
  /** Seconds between sweeps (overdue devices, expired agent commands); every server process runs them. */
  SIGHTLINE_SWEEP_SECONDS: z.coerce.number().int().min(0).max(86400).default(30),
  /** The reference agent shipped in installation packages; defaults to the repo's agent/ folder. */
  SIGHTLINE_AGENT_DIR: z.string().min(1).optional(),
  /** SQLite only: NORMAL or FULL (case-insensitive), see SQLITE_SYNCHRONOUS. */
  SIGHTLINE_SQLITE_SYNCHRONOUS: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(SQLITE_SYNCHRONOUS)).default('NORMAL'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  db: string;
  port: number;
  host: string;
  publicUrl: string;
  hostname: string;
  unknownServiceCode: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  badKeyLimit: number;
  badKeyWindowSeconds: number;
  passwordTriesPerMinute: number;
  /** Normalised CIDR networks of trusted reverse proxies; empty: forwarded addresses are never believed. */
  trustedProxies: readonly string[];
  cookieSecret: string | undefined;
  metricsToken: string | undefined;
  sweepSeconds: number;
  agentDir: string;
  sqliteSynchronous: SqliteSynchronous;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
};

export class ConfigError extends Error {}

/** Parses the environment, listing every bad variable in one error. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  const port = overrides.port ?? e.PORT;
  const host = overrides.host ?? e.HOST;
  const publicUrl = (overrides.publicUrl ?? e.SIGHTLINE_PUBLIC_URL ?? `http://${displayHost(host)}:${port}`).replace(/\/+$/, '');
  return {
    db: overrides.db ?? e.SIGHTLINE_DB,
    port,
    host,
    publicUrl,
    hostname: overrides.hostname ?? e.SIGHTLINE_HOSTNAME ?? new URL(publicUrl).hostname,
    unknownServiceCode: overrides.unknownServiceCode ?? e.SIGHTLINE_UNKNOWN_SERVICE_CODE,
    smtpUrl: overrides.smtpUrl ?? e.SIGHTLINE_SMTP_URL,
    mailFrom: overrides.mailFrom ?? e.SIGHTLINE_MAIL_FROM,
    badKeyLimit: overrides.badKeyLimit ?? e.SIGHTLINE_BAD_KEY_LIMIT,
    badKeyWindowSeconds: overrides.badKeyWindowSeconds ?? e.SIGHTLINE_BAD_KEY_WINDOW_SECONDS,
    passwordTriesPerMinute: overrides.passwordTriesPerMinute ?? e.SIGHTLINE_PASSWORD_TRIES_PER_MINUTE,
    trustedProxies: overrides.trustedProxies ?? e.SIGHTLINE_TRUSTED_PROXIES,
    cookieSecret: overrides.cookieSecret ?? e.SIGHTLINE_COOKIE_SECRET,
    metricsToken: overrides.metricsToken ?? e.SIGHTLINE_METRICS_TOKEN,
    sweepSeconds: overrides.sweepSeconds ?? e.SIGHTLINE_SWEEP_SECONDS,
    // Relative to this file, so it resolves to the repo's agent/ from src/ (tsx) and dist/ (build) alike.
    agentDir: overrides.agentDir ?? e.SIGHTLINE_AGENT_DIR ?? fileURLToPath(new URL('../agent/', import.meta.url)),
    sqliteSynchronous: overrides.sqliteSynchronous ?? e.SIGHTLINE_SQLITE_SYNCHRONOUS,
    logLevel: overrides.logLevel ?? e.LOG_LEVEL,
  };
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
