import type { FastifyInstance } from 'fastify';
import type { HealthCheck } from './health.service.js';

/**
 * `GET /healthz` (and HEAD): 200 `{"ok":true,"checks":{…}}` when healthy, 503 with the failed check
 * otherwise. Open to anyone: load balancers and the agents' built-in Web Page Check call it, and its
 * body names no account, address or secret (database errors go to the log, not the answer).
 */
export function registerHealth(app: FastifyInstance, health: HealthCheck): void {
  app.get('/healthz', async (_request, reply) => {
    const report = await health.check();
    return reply.code(report.ok ? 200 : 503).header('cache-control', 'no-store').send(report);
  });
}
