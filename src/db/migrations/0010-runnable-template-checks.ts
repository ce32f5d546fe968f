import type { Kysely } from 'kysely';
import type { SightlineMigration } from './migration.js';
import { BUILT_IN_CHECKS_0007 } from './0007-ingestion.js';

type Definition = { description: string; settings: Record<string, string | number> };

/** The built-in checks that changed, as 0007 wrote them and as they are from now on (literals: a migration does not follow later code). */
const CHANGED = ([
  { check_type: 1013, after: { description: 'Process Check - init', settings: { name: 'init' } } },
  { check_type: 1012, after: { description: 'Web Page Check - {serverUrl}/healthz', settings: { url: '{serverUrl}/healthz', timeoutSeconds: 10, expectStatus: 200 } } },
  { check_type: 1014, after: { description: 'TCP Service Check - {serverHost}:{serverPort}', settings: { host: '{serverHost}', port: '{serverPort}', timeoutSeconds: 5 } } },
  { check_type: 1017, after: { description: 'Script Check - uptime', settings: { command: 'uptime 2>/dev/null || cat /proc/uptime', timeoutSeconds: 30 } } },
] as Array<{ check_type: number; after: Definition }>).map((change) => ({ ...change, before: BUILT_IN_CHECKS_0007.server.find((c) => c.check_type === change.check_type)! }));

/**
 * Built-in template checks every agent can pass on a healthy machine (src/templates/default-template-checks.ts):
 * 0007's defaults looked for sshd and for services on localhost, which containers and most workstations lack, so
 * they failed for no fault of the machine. Rows still holding a changed default exactly are updated; devices
 * keep the checks they were enrolled with.
 */
export const runnableTemplateChecks: SightlineMigration = {
  async up(db: Kysely<any>) {
    for (const { check_type, before, after } of CHANGED) {
      await db
        .updateTable('template_checks')
        .set({ description: after.description, settings: JSON.stringify(after.settings) })
        .where('check_type', '=', check_type)
        .where('description', '=', before.description)
        .where('settings', '=', JSON.stringify(before.settings))
        .execute();
    }
  },
};
