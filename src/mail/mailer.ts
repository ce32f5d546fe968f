import nodemailer from 'nodemailer';
import { errors } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { epochSeconds } from '../lib/clock.js';
import type { OutboxRepository } from './outbox.repository.js';

export type MailMessage = {
  accountId: number;
  to: string;
  subject: string;
  text: string;
  /** The text holds a secret (an API key): it may travel by SMTP but is never kept in the database. */
  secret?: boolean;
};

/** Why a message holding a secret is refused without SMTP; beside the form's recipient field. */
export const SECRET_NEEDS_SMTP =
  'no SMTP server is configured (SIGHTLINE_SMTP_URL), and without one mail is kept in the database, where a key must never be stored readable: copy the key instead';

/** The edge through which Sightline sends mail; the composition root picks one, tests pass their own. */
export type Mailer = {
  /** Where messages go, for the caller's confirmation ("sent" or "kept in the outbox"). */
  readonly delivery: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
};

/** Sends through the SMTP server of `SIGHTLINE_SMTP_URL` (e.g. `smtp://user:pass@mail.example:587`). */
export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    delivery: 'smtp',
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}

/**
 * Keeps messages in the outbox table (no SMTP configured); `sightline outbox list` shows them. A message
 * holding a secret is refused rather than stored: the database never holds a key in the clear.
 */
export function createOutboxMailer(outbox: OutboxRepository, clock: Clock): Mailer {
  return {
    delivery: 'outbox',
    async send(message) {
      if (message.secret) throw errors.invalidValueMessage(SECRET_NEEDS_SMTP, 'to');
      await outbox.add({ accountId: message.accountId, recipient: message.to, subject: message.subject, body: message.text, now: epochSeconds(clock) });
    },
  };
}
