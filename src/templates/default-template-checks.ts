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
const UPTIME = every('script', 1017, 'Script Check - uptime', { command: 'uptime', timeoutSeconds: 30 });

/**
 * The checks of the built-in templates, by device type: what a device gets when its site inherits the
 * account's template and the account has none of its own yet ("Default Server Template", "Default
 * Workstation Template"), and what the demo's templates hold. Check types follow N-sight's numbering
 * where it is known (1003 drive space, 1009/1010 performance, 1012 web page, 1013 service, 1017 script);
 * 1014 for the TCP port check is Sightline's choice.
 */
export const DEFAULT_TEMPLATE_CHECKS: Record<'server' | 'workstation', readonly TemplateCheckDefinition[]> = {
  server: [
    DISK,
    every('process', 1013, 'Process Check - sshd', { name: 'sshd' }),
    every('http', 1012, 'Web Page Check - http://localhost/', { url: 'http://localhost/', timeoutSeconds: 10, expectStatus: 200 }),
    every('tcp_port', 1014, 'TCP Service Check - localhost:22', { host: 'localhost', port: 22, timeoutSeconds: 5 }),
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
