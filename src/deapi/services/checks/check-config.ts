import { type CheckSettings, storedCheckSettings } from '../../../checks/check-settings.js';
import type { CheckRow } from '../../../checks/check.service.js';
import { x } from '../../service-spec.js';

/**
 * list_check_config's type-specific element. N-sight names one element per check type (the WLA fixture
 * shows `ScriptCheck` with description, scriptname, scriptlanguage, timeout, password, argument*); the
 * inner elements are unverified, so each type carries the check's stored settings (what its agent runs, see
 * src/checks/check-settings.ts) or, for a check without them, what its description and type determine, and
 * no secret (passwords are never sent, as WLA strips them).
 */
type ConfigField = {
  name: string;
  description: string;
  /** The stored setting (protocol CheckConfig.settings key) the field shows when the check has it. */
  setting?: string;
  /** The value for a check without that setting; `settings` is null for a check with none stored. */
  value: (k: CheckRow, settings: CheckSettings | null) => string | number;
};

type ConfigElement = { element: string; checkTypes: readonly number[]; fields: readonly ConfigField[] };

/** The part of a check description after " - " (e.g. the service of "Windows Service Check - DNS Server"). */
const subject = (k: CheckRow) => k.description.split(' - ').slice(1).join(' - ') || k.description;
const field = (name: string, description: string, value: ConfigField['value'], setting?: string): ConfigField => ({ name, description, value, ...(setting ? { setting } : {}) });
/** Daily Safety Checks look back a day, 24x7 checks a check interval. */
const isDaily = (k: CheckRow) => k.dsc_247 === 1;

export const CHECK_CONFIG_ELEMENTS: readonly ConfigElement[] = [
  { element: 'BackupCheck', checkTypes: [1002], fields: [field('product', 'Backup product checked', subject), field('maxage', 'Hours a backup may be old before the check fails', () => 24)] },
  {
    element: 'DriveSpaceCheck',
    checkTypes: [1003, 1004],
    fields: [
      field('drive', 'Drive checked, e.g. C:', (k) => /Drive ([A-Za-z]:)/.exec(k.description)?.[1] ?? subject(k), 'path'),
      field('threshold', 'Minimum free space (percent)', () => 10, 'minFreePercent'),
    ],
  },
  { element: 'AntivirusUpdateCheck', checkTypes: [1005], fields: [field('product', 'Antivirus product checked', subject), field('maxage', 'Days definitions may be old before the check fails', () => 3)] },
  { element: 'EventLogCheck', checkTypes: [1006], fields: [field('log', 'Event log searched', (k) => subject(k).split(':')[0] ?? ''), field('filter', 'Events that fail the check', (k) => subject(k).split(':').slice(1).join(':').trim())] },
  {
    element: 'PerformanceCheck',
    checkTypes: [1009, 1010],
    fields: [field('counter', 'Performance counter monitored', subject, 'counter'), field('threshold', 'Value above which the check fails', (k) => (k.check_type === 1009 ? 10 : 90), 'threshold')],
  },
  { element: 'PhysicalMemoryCheck', checkTypes: [1011], fields: [] },
  { element: 'WebPageCheck', checkTypes: [1012], fields: [field('url', 'Page requested', subject, 'url'), field('timeout', 'Seconds before the request fails', () => 30, 'timeoutSeconds')] },
  {
    element: 'WindowsServiceCheck',
    checkTypes: [1013],
    fields: [field('servicename', 'Windows service checked', subject, 'name'), field('restart', '1 = restart the service when stopped', (k) => (isDaily(k) ? 0 : 1))],
  },
  {
    element: 'ScriptCheck',
    checkTypes: [1017],
    fields: [
      field('scriptname', 'Script run', subject, 'command'),
      // An agent runs a stored command with the system's shell (sh, cmd.exe on Windows).
      field('scriptlanguage', 'Script language', (_, settings) => (settings ? 'Shell' : 'PowerShell'), 'language'),
      field('timeout', 'Seconds before the script is stopped', () => 150, 'timeoutSeconds'),
    ],
  },
  {
    element: 'AutomatedTask',
    checkTypes: [1018],
    fields: [field('scriptname', 'Script run', subject, 'command'), field('timeout', 'Seconds before the task is stopped', () => 600, 'timeoutSeconds')],
  },
];

/** Checks of any other type answer a plain `Check` element. */
const GENERIC: ConfigElement = { element: 'Check', checkTypes: [], fields: [] };

const BY_TYPE = new Map(CHECK_CONFIG_ELEMENTS.flatMap((e) => e.checkTypes.map((t) => [t, e] as const)));

/** `check_config` with every possible type element, each optional (only the check's own is present). */
export const checkConfigShape = x.group(
  'check_config',
  [...CHECK_CONFIG_ELEMENTS, GENERIC].map((e) =>
    x.group(
      e.element,
      [x.text('description', 'Check description'), ...e.fields.map((f) => (typeof f.value === 'number' ? x.int(f.name, f.description) : x.str(f.name, f.description)))],
      { key: e.element, optional: true, attributes: [{ name: 'uid' }] },
    ),
  ),
  { key: 'config' },
);

/** A field's value: the check's stored setting when it has it, else what its description and type determine. */
function fieldValue(f: ConfigField, k: CheckRow, settings: CheckSettings | null): string | number {
  const stored = f.setting === undefined ? undefined : settings?.[f.setting];
  if (stored === undefined) return f.value(k, settings);
  return typeof stored === 'boolean' ? Number(stored) : stored;
}

/** The data for checkConfigShape: the one element for this check's type. */
export function checkConfig(k: CheckRow): Record<string, unknown> {
  const element = BY_TYPE.get(k.check_type) ?? GENERIC;
  const settings = storedCheckSettings(k);
  const values: Record<string, unknown> = { uid: k.uid, description: k.description };
  for (const f of element.fields) values[f.name] = fieldValue(f, k, settings);
  return { [element.element]: values };
}

/**
 * The settings an agent runs a check without stored ones with (agent-config.ts): the values this API shows
 * for it under their setting keys, so list_check_config and the agent never disagree.
 */
export function derivedCheckSettings(k: CheckRow): CheckSettings {
  const element = BY_TYPE.get(k.check_type) ?? GENERIC;
  return Object.fromEntries(element.fields.filter((f) => f.setting !== undefined).map((f) => [f.setting!, f.value(k, null)]));
}
