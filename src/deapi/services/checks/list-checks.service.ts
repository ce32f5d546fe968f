import { mapPages } from '../pages.js';
import { defineService, x, param } from '../../service-spec.js';
import { presentCheck } from './check-presenter.js';

export const listChecks = defineService({
  name: 'list_checks',
  family: 'checks',
  description: 'Lists every check on one device with its latest result.',
  params: { deviceid: param.id('The deviceid must be a valid id.') },
  permission: null,
  notes:
    'dsc_247 is 1 for a Daily Safety Check and 2 for a 24x7 check; statusid is 0 pass, 1 fail, 2 cleared, 3 not yet run (N-sight never documented the codes).',
  shape: [
    x.items('check', [
      x.int('checkid', 'Unique identifier of the check'),
      x.int('uid', 'Check uid'),
      x.int('sync_status', 'Sync status with the agent'),
      x.int('check_type', 'Check type code (e.g. 1002 Backup Check)'),
      x.text('description', 'Check description'),
      x.int('dsc_247', '1 = Daily Safety Check, 2 = 24x7 check'),
      x.int('statusid', '0 pass, 1 fail, 2 cleared, 3 not yet run'),
      x.int('consecutive_fails', 'Number of consecutive failures'),
      x.date('date', 'Device-local date of the last run (YYYY-MM-DD)', { canBeEmpty: true }),
      x.str('time', 'Device-local time of the last run (HH:MM:SS)', { canBeEmpty: true }),
      x.datetime('utc_run', 'UTC time of the last run (YYYY-MM-DD HH:MM:SS)', { canBeEmpty: true }),
      x.flag('email', 'Email alert on failure'),
      x.flag('sms', 'SMS alert on failure'),
      x.flag('emailrecovery', 'Email alert on recovery'),
      x.flag('smsrecovery', 'SMS alert on recovery'),
    ]),
  ],
  async handler({ caller, devices, checks }, params) {
    const device = await devices.requireVisibleMonitored(caller.scope, params.deviceid);
    return { items: mapPages(checks.pagesByDevice(caller.scope, device.id), (k) => presentCheck(k, device.utc_offset)) };
  },
});
