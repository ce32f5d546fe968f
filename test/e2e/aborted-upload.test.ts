import { connect, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';

/**
 * Found by the fuzzer (docs/security.md, "Fuzzing"): a client that hangs up halfway through sending a
 * body is the client's doing (Node reports ECONNRESET, fastify marks it 400), not a failure of the
 * server. /api/ and /agent/v1/ logged it as an unexpected error (and answered code 99 / 500 to nobody),
 * so every flaky connection paged whoever watches the error log. Over real sockets, since app.inject
 * cannot stop halfway through a body the way a network does.
 */
describe('a client hanging up in the middle of its upload', () => {
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    t = await buildTestApp(database, { logLevel: 'info' });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  /** Sends the headers and a part of a 1,000-byte body, then closes the connection; the log lines it caused. */
  async function hangUpDuring(path: string, contentType: string): Promise<string[]> {
    const { port } = t.app.server.address() as AddressInfo;
    t.logs.length = 0;
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${contentType}\r\nContent-Length: 1000\r\n\r\nservice=list_clients&apikey=`);
    await sleep(200);
    socket.destroy();
    // Time for the server to notice the closed socket and give up on the request.
    await sleep(500);
    return [...t.logs];
  }

  const errorsIn = (lines: string[]) => lines.filter((line) => /"level":(50|60)/.test(line));

  it.each([
    ['/api/', 'application/x-www-form-urlencoded'],
    ['/agent/v1/enrol', 'application/json'],
    ['/login', 'application/x-www-form-urlencoded'],
  ])('is logged as a refused request on %s, not as an unexpected error', async (path, contentType) => {
    const lines = await hangUpDuring(path, contentType);
    // The request reached the app (the control)…
    expect(lines.some((line) => line.includes('"msg":"incoming request"') && line.includes(`"url":"${path}"`)), lines.join('\n')).toBe(true);
    // …and nothing about it was logged as an error.
    expect(errorsIn(lines)).toEqual([]);
  });
});
