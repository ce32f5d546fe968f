import { epochSeconds } from '../../../lib/clock.js';
import { utcDateTime } from '../../../lib/dates.js';
import { CheckFrequency, CheckStatus } from '../../../checks/check-status.js';
import { defineService, x, param } from '../../service-spec.js';

/** Closed outages are listed for this long (api-services.md §2.6). */
export const OUTAGE_RETENTION_SECONDS = 61 * 86400;

export const listOutages = defineService({
  name: 'list_outages',
  family: 'checks',
  description: 'Lists the outages of one device that are still open or were closed in the last 61 days.',
  params: { deviceid: param.id('The deviceid must be a valid id.') },
  permission: null,
  notes: 'check_status is FAILING or PASSING (the check now), check_frequency DAILY or 24X7; cause is the stored failure text.',
  shape: [
    x.list('outage', 'outages', [
      x.str('reason', 'DEVICE_OVERDUE or CHECK_FAILURE'),
      x.str('state', 'OPEN or CLOSED'),
      x.datetime('utc_start', 'Start (UTC, YYYY-MM-DD HH:MM:SS)'),
      x.datetime('utc_end', 'End (UTC); only when closed', { optional: true }),
      x.int('outage_id', 'Unique identifier of the outage'),
      x.int('check_id', 'The failing check; only for check outages', { optional: true }),
      x.int('check_type', 'Check type code; only for check outages', { optional: true }),
      x.text('check_description', 'Check description; only for check outages', { optional: true }),
      x.str('check_status', 'FAILING or PASSING; only for check outages', { optional: true }),
      x.str('check_frequency', 'DAILY or 24X7; only for check outages', { optional: true }),
      x.text('cause', 'Why the check failed; only for check outages', { optional: true }),
    ]),
  ],
  async handler({ caller, devices, outages, clock }, params) {
    const device = await devices.requireVisible(caller.scope, params.deviceid);
    const rows = await outages.listByDevice(caller.scope, device.id, epochSeconds(clock) - OUTAGE_RETENTION_SECONDS);
    return {
      outages: rows.map((o) => {
        const check = o.check_id === null || o.check_type === null ? undefined : o;
        return {
          reason: o.reason,
          state: o.ended_at === null ? 'OPEN' : 'CLOSED',
          utc_start: utcDateTime(o.started_at),
          utc_end: o.ended_at === null ? undefined : utcDateTime(o.ended_at),
          outage_id: o.id,
          check_id: check?.check_id ?? undefined,
          check_type: check?.check_type ?? undefined,
          check_description: check?.check_description ?? undefined,
          check_status: check ? (check.statusid === CheckStatus.fail ? 'FAILING' : 'PASSING') : undefined,
          check_frequency: check ? (check.dsc_247 === CheckFrequency.dsc ? 'DAILY' : '24X7') : undefined,
          cause: check ? o.cause : undefined,
        };
      }),
    };
  },
});
