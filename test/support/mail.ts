import type { Mailer, MailMessage } from '../../src/mail/mailer.js';

/** A mailer that keeps what it is asked to send (the mail edge of tests). */
export function capturingMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    delivery: 'smtp',
    sent,
    async send(message) {
      sent.push(message);
    },
  };
}
