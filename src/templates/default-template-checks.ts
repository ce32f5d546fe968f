import type { CheckKind } from '../agent-protocol/protocol.schema.js';
import { CheckFrequency } from '../checks/check-status.js';
import { REPORT_INTERVAL_SECONDS } from '../devices/device-derivation.js';

/** A check an installation template gives each device enrolled under it (a template_checks row without ids). */
export type TemplateCheckDefinition = {
  check_type: number;
  kind: CheckKind;
  description: string;
  dsc_247: number;
  interval_seconds: number;
  settings: Record<string, string | number | boolean>;
};

const every = (kind: CheckKind, check_type: number, description: string, settings: TemplateCheckDefinition['settings']): TemplateCheckDefinition => ({
  check_type, kind, description, dsc_247: CheckFrequency.twentyFourSeven, interval_seconds: REPORT_INTERVAL_SECONDS, settings,
});

const DISK = every('disk_space', 1003, 'Disk Space Check - /', { path: '/', minFreePercent: 10 });
const MEMORY = every('performance', 1010, 'Performance Monitoring Check - Memory Usage', { counter: 'memory_usage', threshold: 90 });
// procps' uptime is missing from minimal container images; /proc/uptime is not (and sh has ||).
const UPTIME = every('script', 1017, 'Script Check - uptime', { command: 'uptime 2>/dev/null || cat /proc/uptime', timeoutSeconds: 30 });

/**
 * The checks of the built-in templates, by device type: what a device gets when its site inherits the
 * account's template and the account has none of its own yet ("Default Server Template", "Default
 * Workstation Template"), and what the demo's templates hold. Check types follow N-sight's numbering
 * where it is known (1003 drive space, 1009/1010 performance, 1012 web page, 1013 service, 1017 script);
 * 1014 for the TCP port check is Sightline's choice.
 *
 * Each one passes on a healthy Linux machine, a container included, so a failure means something: the
 * process check looks for `init`, which the reference agent takes to be pid 1 whatever its program
 * (systemd, tini, a container's entry point); the web page and TCP checks reach the Sightline server the
 * agent reports to (template-placeholders.ts fills in its URL at enrolment), not a local service that
 * may not exist.
 */
export const DEFAULT_TEMPLATE_CHECKS: Record<'server' | 'workstation', readonly TemplateCheckDefinition[]> = {
  server: [
    DISK,
    every('process', 1013, 'Process Check - init', { name: 'init' }),
    every('http', 1012, 'Web Page Check - {serverUrl}/healthz', { url: '{serverUrl}/healthz', timeoutSeconds: 10, expectStatus: 200 }),
    every('tcp_port', 1014, 'TCP Service Check - {serverHost}:{serverPort}', { host: '{serverHost}', port: '{serverPort}', timeoutSeconds: 5 }),
    UPTIME,
    every('performance', 1009, 'Performance Monitoring Check - Processor Queue Length', { counter: 'cpu_queue', threshold: 10 }),
    MEMORY,
  ],
  workstation: [DISK, UPTIME, MEMORY],
};

/** Names of the built-in templates created for an account that has none of a type. */
export const DEFAULT_TEMPLATE_NAMES: Record<'server' | 'workstation', string> = {
  server: 'Default Server Template',
  workstation: 'Default Workstation Template',
};

/** The template_checks rows of a template holding the built-in checks of its device type. */
export function templateCheckRows(accountId: number, templateId: number, deviceType: 'server' | 'workstation') {
  return DEFAULT_TEMPLATE_CHECKS[deviceType].map((c) => ({ ...c, account_id: accountId, template_id: templateId, settings: JSON.stringify(c.settings) }));
}
