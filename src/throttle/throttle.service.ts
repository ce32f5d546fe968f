import type { Clock } from '../lib/clock.js';
import { epochSeconds } from '../lib/clock.js';
import { sha256Hex } from '../lib/secrets.js';
import { coalescedIncrements } from '../lib/coalesced.js';
import type { ThrottleRepository } from './throttle.repository.js';

export type Blocked = { blocked: true; retryAfterSeconds: number };
export type ThrottleVerdict = { blocked: false } | Blocked;

/** Addresses a process remembers as throttled; beyond this it forgets those whose window has ended. */
const MAX_REMEMBERED_BLOCKS = 10_000;

/**
 * Bad API keys per source address (ours): after `limit` failures within `windowSeconds`, further bad keys
 * from that address are answered 429 until the window ends. Only failures are counted and only failures
 * are throttled, so a valid key is never locked out, from any address. Counts live in the database (every
 * process agrees); once an address is throttled, this process remembers until when, so further bad keys
 * from it cost no write.
 */
export function createApiKeyThrottle(deps: { throttle: ThrottleRepository; clock: Clock; limit: number; windowSeconds: number }) {
  const { throttle, clock, limit, windowSeconds } = deps;
  const blockedUntil = new Map<string, number>();
  // Bad keys from one address arriving together are counted by one write (see coalescedIncrements): a
  // flood from one address no longer queues every process on that address's row, one key at a time.
  const countFailure = coalescedIncrements((address, count) => throttle.countApiFailures(address, epochSeconds(clock), windowSeconds, count));

  function remember(address: string, until: number, now: number): void {
    if (blockedUntil.size >= MAX_REMEMBERED_BLOCKS) {
      for (const [known, end] of blockedUntil) if (end <= now) blockedUntil.delete(known);
      // Still full of live blocks: forgetting one only costs that address a write again.
      if (blockedUntil.size >= MAX_REMEMBERED_BLOCKS) blockedUntil.delete(blockedUntil.keys().next().value!);
    }
    blockedUntil.set(address, until);
  }

  return {
    async recordFailure(sourceAddress: string): Promise<ThrottleVerdict> {
      const address = sourceAddress.slice(0, 64);
      const now = epochSeconds(clock);
      const known = blockedUntil.get(address);
      if (known !== undefined && known > now) return { blocked: true, retryAfterSeconds: known - now };
      const counted = await countFailure(address);
      const { windowStartedAt } = counted.result;
      // This key's count, as a write of its own would have answered it.
      const failures = counted.result.failures - counted.count + counted.position;
      // A new window just began: a cheap moment to forget addresses whose windows ended.
      if (failures === 1) await throttle.pruneApiFailures(now - windowSeconds);
      if (failures <= limit) return { blocked: false };
      remember(address, windowStartedAt + windowSeconds, now);
      return { blocked: true, retryAfterSeconds: Math.max(1, windowStartedAt + windowSeconds - now) };
    },
  };
}

/** The dashboard's lockout (access-model.md): 50 consecutive failures per user and address block 5 minutes. */
export const LOGIN_FAILURE_LIMIT = 50;
export const LOGIN_BLOCK_SECONDS = 5 * 60;
/** A run of failed logins nobody continues for this long is forgotten (its row pruned). */
export const LOGIN_RUN_MEMORY_SECONDS = 24 * 3600;

/**
 * How `login_attempts` holds a login name: the sha256 of it, trimmed and in lower case. What is typed into
 * the email field is not always an email address: a password typed there by mistake must not rest in the
 * database readable (the lockout needs only to tell names apart).
 */
export const storedLogin = (login: string) => sha256Hex(login.trim().toLowerCase());

/** A password check the lockout has let through: its place in the pair's run of attempts. */
export type LoginAttempt = { blocked: false; login: string; address: string; attempts: number };

/**
 * Dashboard login attempts, counted per (login name, address) in the database so every process agrees.
 * `begin` counts the attempt atomically *before* the password is checked, so concurrent tries cannot
 * all pass a check made before any of them failed: of N at once, at most `LOGIN_FAILURE_LIMIT` reach the
 * password. Then `failed` or `succeeded`.
 */
export function createLoginAttempts(deps: { throttle: ThrottleRepository; clock: Clock }) {
  const { throttle, clock } = deps;
  const key = storedLogin;

  async function block(login: string, address: string): Promise<Blocked> {
    await throttle.blockLogin(key(login), address, epochSeconds(clock) + LOGIN_BLOCK_SECONDS);
    return { blocked: true, retryAfterSeconds: LOGIN_BLOCK_SECONDS };
  }

  return {
    /**
     * Counts an attempt of this pair, or refuses it: a blocked pair costs one read and no write; an
     * attempt beyond the limit (others are still being checked) blocks the pair without checking.
     */
    async begin(login: string, address: string): Promise<LoginAttempt | Blocked> {
      const now = epochSeconds(clock);
      const row = await throttle.loginAttempt(key(login), address);
      if (row?.blocked_until && row.blocked_until > now) return { blocked: true, retryAfterSeconds: row.blocked_until - now };
      const counted = await throttle.countLoginAttempt(key(login), address, now);
      // A new run began: a cheap moment to forget runs nobody has continued for a day.
      if (counted.attempts === 1) await throttle.pruneLoginAttempts(now - LOGIN_RUN_MEMORY_SECONDS, now);
      if (counted.blockedUntil !== null && counted.blockedUntil > now) return { blocked: true, retryAfterSeconds: counted.blockedUntil - now };
      if (counted.attempts > LOGIN_FAILURE_LIMIT) return block(login, address);
      return { blocked: false, login, address, attempts: counted.attempts };
    },

    /** The attempt's password was refused: the 50th in a row blocks the pair for 5 minutes and the count starts again. */
    async failed(attempt: LoginAttempt): Promise<ThrottleVerdict> {
      return attempt.attempts >= LOGIN_FAILURE_LIMIT ? block(attempt.login, attempt.address) : { blocked: false };
    },

    /** A successful login ends the run of failures. */
    async succeeded(attempt: LoginAttempt): Promise<void> {
      await throttle.clearLogin(key(attempt.login), attempt.address);
    },
  };
}

export type ApiKeyThrottle = ReturnType<typeof createApiKeyThrottle>;
export type LoginAttempts = ReturnType<typeof createLoginAttempts>;
