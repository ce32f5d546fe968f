// @ts-check

/**
 * One line per event, with a UTC time: information on stdout, warnings and errors on stderr (systemd and
 * cron keep both). Every secret the agent holds is registered here and masked in anything written, so a
 * message that quotes a server's answer or an error can never leak one.
 */
export class Logger {
  /** @param {{ out?: NodeJS.WritableStream, err?: NodeJS.WritableStream }} [streams] */
  constructor({ out = process.stdout, err = process.stderr } = {}) {
    this.out = out;
    this.err = err;
    /** @type {Set<string>} */
    this.secrets = new Set();
  }

  /** @param {string | undefined} secret */
  addSecret(secret) {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  /** @param {string} message */
  info(message) {
    this.write(this.out, message);
  }

  /** @param {string} message */
  warn(message) {
    this.write(this.err, `warning: ${message}`);
  }

  /** @param {string} message */
  error(message) {
    this.write(this.err, `error: ${message}`);
  }

  /** @param {NodeJS.WritableStream} stream @param {string} message */
  write(stream, message) {
    let line = message;
    for (const secret of this.secrets) line = line.split(secret).join('[redacted]');
    stream.write(`${new Date().toISOString().slice(0, 19)}Z ${line}\n`);
  }
}
