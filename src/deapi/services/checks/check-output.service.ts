import { errors } from '../../../errors.js';
import { defineService, x, param } from '../../service-spec.js';
import { checkConfig, checkConfigShape } from './check-config.js';

const checkidParam = param.id('The checkid must be a valid id (list_checks).');

export const listCheckConfig = defineService({
  name: 'list_check_config',
  family: 'checks',
  description: 'Returns the configuration of one check, in an element named after its type.',
  params: { checkid: checkidParam },
  permission: null,
  notes:
    'The type element is one of BackupCheck, DriveSpaceCheck, AntivirusUpdateCheck, EventLogCheck, PerformanceCheck, PhysicalMemoryCheck, WebPageCheck, WindowsServiceCheck, ScriptCheck, AutomatedTask, or Check for other types, with the check uid as @uid. Only the container is verified (PY reads check_config); the inner elements are Sightline\'s, and secrets such as script passwords are never sent.',
  shape: [checkConfigShape],
  async handler({ caller, checks }, params) {
    const check = await checks.requireVisible(caller.scope, params.checkid);
    return { config: checkConfig(check) };
  },
});

const formattedOutputShape = [x.text('formatted_output', 'Formatted first line of the latest result, as the Dashboard shows it (may contain HTML)', { canBeEmpty: true })];

export const getFormattedCheckOutput = defineService({
  name: 'get_formatted_check_output',
  family: 'checks',
  description: 'Returns the formatted first line of a check\'s latest result, as shown in the Dashboard\'s More Information, whether it failed or not.',
  params: { checkid: checkidParam },
  permission: null,
  notes: 'formatted_output is sent as CDATA, as list_failing_checks sends it; it is empty for a check that has not run.',
  shape: formattedOutputShape,
  async handler({ caller, checks }, params) {
    const check = await checks.requireVisible(caller.scope, params.checkid);
    return { formatted_output: check.last_run_at === null ? '' : check.formatted_output };
  },
});

export const listFmtCheckResult = defineService({
  name: 'list_fmt_check_result',
  family: 'checks',
  description: 'Older name of get_formatted_check_output: returns the formatted first line of a check\'s latest result.',
  params: {
    checkid: checkidParam,
    deviceid: param.id('Optional. Some clients send the check\'s device too; when given it must be that device.', false),
  },
  permission: null,
  notes: 'Only mentioned in N-sight\'s describe example; answered as an alias of get_formatted_check_output. A deviceid that is not the check\'s own device answers error 4 for deviceid.',
  shape: formattedOutputShape,
  async handler({ caller, checks }, params) {
    const check = await checks.requireVisible(caller.scope, params.checkid);
    if (params.deviceid !== undefined && params.deviceid !== check.device_id) throw errors.invalidValue('deviceid');
    return { formatted_output: check.last_run_at === null ? '' : check.formatted_output };
  },
});
