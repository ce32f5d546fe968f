import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import {
  CommandAck,
  CommandsResponse,
  ConfigResponse,
  EnrolRequest,
  EnrolResponse,
  MAX_COMMAND_WAIT_SECONDS,
  ReportRequest,
  ReportResponse,
  type CheckConfig,
  type Command,
} from '../../src/agent-protocol/protocol.schema.js';

/** One request as the peer received it (the raw body, before parsing). */
export type Received = { method: string; path: string; authorization: string | undefined; body: string };

/**
 * The server side of agent protocol v1, small enough to live in a test: it validates every body it receives
 * with the real zod schemas (answering 400 with the protocol's error shape, and recording the violation),
 * validates every answer it gives the same way, and behaves as the protocol says (device secrets, 401,
 * batch idempotency, command long-polls). It stores nothing but what the tests look at.
 */
export class ProtocolPeer {
  readonly siteToken = `site-${randomBytes(18).toString('base64url')}`;
  /** Every request, in order. */
  readonly received: Received[] = [];
  /** Bodies that broke the schemas: a test expects none. */
  readonly violations: string[] = [];
  readonly enrolments: EnrolRequest[] = [];
  /** Reports applied (a retried batch once). */
  readonly reports: ReportRequest[] = [];
  readonly acks: { id: number; ack: CommandAck }[] = [];
  /** Secrets handed out, newest last. */
  readonly secretsIssued: string[] = [];
  /** Answer 401 to every device secret, even a new one. */
  refuseAllSecrets = false;
  /** Answer the next N report posts with 503 before looking at them. */
  failReports = 0;
  checks: CheckConfig[] = [];
  reportIntervalSeconds = 300;
  sampleIntervalSeconds = 60;

  private server: Server | null = null;
  private readonly secrets = new Map<string, number>();
  private readonly devices = new Map<string, number>();
  private readonly batches = new Map<string, string>();
  private readonly queued: Command[] = [];
  private readonly waiting = new Set<() => void>();

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => this.send(response, 500, { error: { code: 'peer_bug', message: String(error) } }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const wake of this.waiting) wake();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Revokes every device secret: the next authenticated call gets 401. */
  revokeSecrets(): void {
    this.secrets.clear();
  }

  /** Queues a command for the devices' long-polls (and report answers). */
  queue(command: Omit<Command, 'createdAt' | 'expiresAt'>): void {
    const now = Math.floor(Date.now() / 1000);
    this.queued.push({ ...command, createdAt: now, expiresAt: now + 3600 });
    for (const wake of this.waiting) wake();
  }

  /** Command long-polls the peer is holding open now. */
  get heldPolls(): number {
    return this.waiting.size;
  }

  /** Requests to a path (without the query), e.g. '/agent/v1/enrol'. */
  requests(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url!, 'http://peer');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const received = { method: request.method!, path: url.pathname, authorization: request.headers.authorization, body };
    this.received.push(received);
    const route = `${request.method} ${url.pathname}`;

    if (route === 'POST /agent/v1/enrol') {
      const enrol = this.parse(EnrolRequest, body, route);
      if (!enrol) return this.badRequest(response);
      if (enrol.siteToken !== this.siteToken) return this.send(response, 401, { error: { code: 'invalid_site_token', message: 'The site token is unknown, expired or revoked.', field: 'siteToken' } });
      this.enrolments.push(enrol);
      const deviceId = this.devices.get(enrol.machineId) ?? 1000 + this.devices.size;
      this.devices.set(enrol.machineId, deviceId);
      const deviceSecret = `dev-${randomBytes(24).toString('base64url')}`;
      this.secrets.set(deviceSecret, deviceId);
      this.secretsIssued.push(deviceSecret);
      return this.send(response, 200, EnrolResponse.parse({ deviceId, deviceSecret, agentUrl: `${this.url}/agent/v1/` }));
    }

    const deviceId = this.secrets.get(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
    if (deviceId === undefined || this.refuseAllSecrets) return this.send(response, 401, { error: { code: 'unauthorized', message: 'Unknown or revoked device secret.' } });

    if (route === 'GET /agent/v1/config') {
      const config = { deviceId, reportIntervalSeconds: this.reportIntervalSeconds, sampleIntervalSeconds: this.sampleIntervalSeconds, dscHour: 3, checks: this.checks };
      return this.send(response, 200, ConfigResponse.parse(config));
    }
    if (route === 'POST /agent/v1/reports') {
      if (this.failReports > 0) {
        this.failReports--;
        return this.send(response, 503, { error: { code: 'unavailable', message: 'Try again.' } });
      }
      const report = this.parse(ReportRequest, body, route);
      if (!report) return this.badRequest(response);
      const digest = createHash('sha256').update(body).digest('hex');
      const seen = this.batches.get(report.batchId);
      if (seen !== undefined && seen !== digest) return this.send(response, 409, { error: { code: 'batch_conflict', message: 'This batch id was sent with other content.', field: 'batchId' } });
      if (seen === undefined) {
        this.batches.set(report.batchId, digest);
        this.reports.push(report);
      }
      return this.send(response, 200, ReportResponse.parse({ batchId: report.batchId, applied: seen === undefined, commands: [] }));
    }
    if (route === 'GET /agent/v1/commands') {
      const wait = Number(url.searchParams.get('wait'));
      if (!Number.isInteger(wait) || wait < 0 || wait > MAX_COMMAND_WAIT_SECONDS) {
        this.violations.push(`${route}: wait=${url.searchParams.get('wait')}`);
        return this.badRequest(response);
      }
      if (this.queued.length === 0) await this.waitForCommand(wait * 1000, request);
      return this.send(response, 200, CommandsResponse.parse({ commands: this.queued.splice(0) }));
    }
    const ack = /^\/agent\/v1\/commands\/(\d+)\/ack$/.exec(url.pathname);
    if (request.method === 'POST' && ack) {
      const parsed = this.parse(CommandAck, body, route);
      if (!parsed) return this.badRequest(response);
      this.acks.push({ id: Number(ack[1]), ack: parsed });
      return this.send(response, 200, { ok: true });
    }
    this.violations.push(`unknown route ${route}`);
    return this.send(response, 404, { error: { code: 'not_found', message: route } });
  }

  private waitForCommand(ms: number, request: IncomingMessage): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiting.add(wake);
      request.socket.once('close', wake);
    });
  }

  private parse<T extends z.ZodType>(schema: T, body: string, route: string): z.infer<T> | null {
    try {
      return schema.parse(JSON.parse(body));
    } catch (error) {
      this.violations.push(`${route}: ${error instanceof z.ZodError ? JSON.stringify(error.issues) : String(error)}`);
      return null;
    }
  }

  private badRequest(response: ServerResponse): void {
    this.send(response, 400, { error: { code: 'invalid_request', message: this.violations.at(-1) ?? 'invalid' } });
  }

  private send(response: ServerResponse, status: number, body: unknown): void {
    if (response.headersSent || response.destroyed) return;
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
