import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
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

export type SmtpServer = { url: string; received: Buffer[]; close(): Promise<void> };

/**
 * A real SMTP server in the test process, on a free port of 127.0.0.1, keeping each message it receives.
 * With `auth`, it accepts only that user and password (over plain SMTP, as a test may).
 */
export async function startSmtpServer(auth?: { user: string; pass: string }): Promise<SmtpServer> {
  const received: Buffer[] = [];
  const smtp = new SMTPServer({
    authOptional: !auth,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth(credentials, _session, done) {
      if (auth && credentials.username === auth.user && credentials.password === auth.pass) return done(null, { user: auth.user });
      done(new Error('invalid credentials'));
    },
    onData(stream, _session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks));
        done();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as AddressInfo;
  const credentials = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : '';
  return { url: `smtp://${credentials}127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => smtp.close(() => resolve())) };
}
