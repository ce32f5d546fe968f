import { epochSeconds } from '../../../lib/clock.js';
import { AV_UPDATE_CHECK_TYPES, checkDayHistory } from '../../../history/check-day-history.js';
import { defineService, param } from '../../service-spec.js';
import { DAY_HISTORY_NOTES, dayHistoryShape } from '../history/day-history-shape.js';

export const listAvHistory = defineService({
  name: 'list_av_history',
  family: 'antivirus',
  description: 'Returns the daily status of the device\'s Antivirus Update Checks for the last 60 days, starting today in the account\'s timezone.',
  params: { deviceid: param.id('The deviceid must be a valid id (deviceid=workstation answers error 4).') },
  permission: null,
  notes: `Antivirus Update Checks are checks of type 1005; 60 days are answered, as documented (PY once saw about 90). ${DAY_HISTORY_NOTES}`,
  shape: dayHistoryShape('Antivirus Update Checks'),
  async handler(ctx, params) {
    return checkDayHistory(ctx, ctx.caller, epochSeconds(ctx.clock), params.deviceid, AV_UPDATE_CHECK_TYPES);
  },
});
