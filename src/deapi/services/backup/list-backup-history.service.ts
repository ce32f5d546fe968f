import { epochSeconds } from '../../../lib/clock.js';
import { BACKUP_CHECK_TYPES, checkDayHistory } from '../../../history/check-day-history.js';
import { defineService, param } from '../../service-spec.js';
import { DAY_HISTORY_NOTES, dayHistoryShape } from '../history/day-history-shape.js';

export const listBackupHistory = defineService({
  name: 'list_backup_history',
  family: 'backup',
  description: 'Returns the daily status of the device\'s Backup Checks for the last 60 days, starting today in the account\'s timezone.',
  params: { deviceid: param.id('The deviceid must be a valid id.') },
  permission: null,
  notes: `Backup Checks are checks of type 1002. ${DAY_HISTORY_NOTES}`,
  shape: dayHistoryShape('Backup Checks'),
  async handler(ctx, params) {
    return checkDayHistory(ctx, ctx.caller, epochSeconds(ctx.clock), params.deviceid, BACKUP_CHECK_TYPES);
  },
});
