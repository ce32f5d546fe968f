import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CommandService } from '../commands/command.service.js';
import type { DeviceRef } from '../ingest/ingest.contract.js';
import { agentErrors, errorBody, toAgentError, validationError } from './agent-errors.js';
import type { AgentService } from './agent.service.js';
import { CommandAck, EnrolRequest, MAX_COMMAND_WAIT_SECONDS, MAX_REPORT_BYTES, ReportRequest } from './protocol.schema.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The device whose secret authenticated the call (every endpoint but enrol). */
    agentDevice: DeviceRef | null;
  }
  interface FastifyContextConfig {
    /** The endpoint needs no device secret (enrol, which carries a site token instead). */
    agentPublic?: boolean;
  }
}

export const AGENT_PREFIX = '/agent/v1';

/** Bodies other than reports are small: enrolment facts, an acknowledgement. */
const SMALL_BODY_BYTES = 64 * 1024;

const CommandsQuery = z
  .object({ wait: z.coerce.number().int().min(0).max(MAX_COMMAND_WAIT_SECONDS).default(0) })
  .strict();
const CommandPath = z.object({ id: z.coerce.number().int().min(1).max(2 ** 53 - 1) }).strict();

/** The body, query or path parameters checked by a protocol schema; a failure names the field (400, or 413 for a list too long). */
function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

const deviceOf = (request: FastifyRequest): DeviceRef => request.agentDevice!;

/**
 * The agent protocol transport (`/agent/v1/`, docs/agent-protocol.md): JSON in and out, validated with
 * the zod schemas of protocol.schema.ts, in a plugin of its own with its own authentication hook (a
 * device secret as `Authorization: Bearer`, except for enrol) and its own error handler, which answers
 * every error as `{ "error": { "code", "message", "field"? } }` with a 4xx status (500 without
 * internals for our own failures).
 */
export async function registerAgentProtocol(app: FastifyInstance, deps: { agents: AgentService; commands: CommandService }): Promise<void> {
  const { agents, commands } = deps;
  // Long-polls end (with no commands) when the server stops, rather than holding shutdown for a minute.
  app.addHook('preClose', async () => commands.close());

  await app.register(
    async (scope) => {
      scope.decorateRequest('agentDevice', null);

      scope.setErrorHandler((error, request, reply) => {
        const { error: answer, unexpected } = toAgentError(error);
        if (unexpected) request.log.error({ err: error, url: request.routeOptions.url }, 'unexpected error in agent call');
        return reply.code(answer.status).send(errorBody(answer));
      });
      scope.setNotFoundHandler((request, reply) => {
        const answer = agentErrors.notFound(`no endpoint ${request.method} ${request.url.split('?')[0]}`);
        return reply.code(answer.status).send(errorBody(answer));
      });

      // onRequest, before the body is read: an unauthenticated caller cannot make the server parse 4 MB.
      scope.addHook('onRequest', async (request) => {
        if (request.is404 || request.routeOptions.config.agentPublic) return;
        const device = await agents.authenticate(bearerOf(request));
        if (!device) throw agentErrors.unauthorized();
        request.agentDevice = device;
      });

      scope.post('/enrol', { bodyLimit: SMALL_BODY_BYTES, config: { agentPublic: true } }, async (request) => agents.enrol(parse(EnrolRequest, request.body)));

      scope.get('/config', async (request) => agents.config(deviceOf(request)));

      // Past MAX_REPORT_BYTES fastify refuses the body unread (FST_ERR_CTP_BODY_TOO_LARGE → 413 too_large).
      scope.post('/reports', { bodyLimit: MAX_REPORT_BYTES }, async (request) => agents.report(deviceOf(request), parse(ReportRequest, request.body)));

      // No automatic HEAD: it would run this GET, claim the queued commands and send none of them.
      scope.get('/commands', { exposeHeadRoute: false }, async (request, reply) => {
        const { wait } = parse(CommandsQuery, request.query);
        const hangUp = new AbortController();
        // The response's close before it is sent means the agent went away: stop waiting for it.
        reply.raw.once('close', () => hangUp.abort());
        reply.header('cache-control', 'no-store');
        return { commands: await commands.waitFor(deviceOf(request), wait, hangUp.signal) };
      });

      scope.post('/commands/:id/ack', { bodyLimit: SMALL_BODY_BYTES }, async (request) => {
        const { id } = parse(CommandPath, request.params);
        return agents.ack(deviceOf(request), id, parse(CommandAck, request.body));
      });
    },
    { prefix: AGENT_PREFIX },
  );
}
