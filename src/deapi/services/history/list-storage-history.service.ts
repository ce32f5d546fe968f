import { errors } from '../../../errors.js';
import { epochSeconds } from '../../../lib/clock.js';
import { utcDate } from '../../../lib/dates.js';
import { firstDayOf, isValidSince, StorageInterval, storagePeriods } from '../../../history/storage-days.js';
import { groupBy } from '../../../lib/group-by.js';
import { defineService, x, param, type ServiceContext } from '../../service-spec.js';

const SINCE_DESCRIPTION = 'Optional, inclusive. UTC, in the interval\'s format: DAY YYYY-MM-DD, WEEK YYYYWnn (e.g. 2013W31), MONTH YYYY-MM. Without it, all data.';

/** The `data` element: `day`, `week` or `month` (only the one matching the interval) and a size. */
function historyShape(interval: StorageInterval, sizeElement: string, sizeDescription: string) {
  const period = interval.toLowerCase();
  const formats = { DAY: 'YYYY-MM-DD', WEEK: 'YYYYWnn (ISO week)', MONTH: 'YYYY-MM' };
  return x.group('history', [x.list('data', 'data', [x.str(period, `The ${period} (${formats[interval]})`, { key: 'period' }), x.int(sizeElement, sizeDescription, { key: 'size' })])], { key: 'history' });
}

async function loadSeries(
  { caller, devices, history, clock }: ServiceContext, kind: 'drive' | 'exchange_store',
  params: { deviceid: number; interval: StorageInterval; since?: string },
) {
  if (params.since !== undefined && !isValidSince(params.interval, params.since)) throw errors.invalidValue('since');
  const device = await devices.requireVisible(caller.scope, params.deviceid);
  const monitors = await history.storageMonitors(caller.scope, device.id, kind);
  const fromDay = params.since === undefined ? undefined : firstDayOf(params.interval, params.since);
  const days = groupBy(await history.storageDays(caller.scope, device.id, kind, fromDay, utcDate(epochSeconds(clock))), (row) => row.monitor_id);
  return monitors.map((m) => ({ ...m, history: { data: storagePeriods(days.get(m.id) ?? [], params.interval) } }));
}

const STORAGE_NOTES =
  'Weeks are ISO-8601 weeks (Monday to Sunday, numbered in the ISO week-year), written YYYYWnn. A day\'s size is the last one reported that UTC day; a week or month reports the mean of its days that have a size, rounded to whole MB; periods without any are absent, and periods run up to today (UTC), oldest first. A since in the wrong format for the interval answers error 4 for since.';

export const listDriveSpaceHistory = defineService({
  name: 'list_drive_space_history',
  family: 'history',
  description: 'Returns daily, weekly or monthly disk space used on a device, for devices with active drive space checks.',
  params: {
    deviceid: param.id('The deviceid must be a valid id.'),
    interval: param.oneOf(StorageInterval, 'DAY, WEEK or MONTH.', { required: true }),
    since: param.string(SINCE_DESCRIPTION, { max: 10 }),
  },
  permission: null,
  notes: `drive_letter is sent for Windows drives and mount_point for Linux and Mac ones, never both. ${STORAGE_NOTES}`,
  shape: driveShape('DAY'),
  shapeFor: (params) => driveShape(params.interval),
  async handler(ctx, params) {
    const drives = await loadSeries(ctx, 'drive', params);
    return { drives: drives.map((d) => ({ ...d, drive_letter: d.drive_letter || undefined, mount_point: d.mount_point || undefined })) };
  },
});

function driveShape(interval: StorageInterval) {
  return [
    x.list('drive', 'drives', [
      x.str('drive_letter', 'Drive letter (Windows only), e.g. E', { optional: true }),
      x.str('mount_point', 'Mount point (Linux and Mac only)', { optional: true }),
      x.int('check_id', 'The drive space check that fills in this data'),
      historyShape(interval, 'space_used', 'Space used (MB)'),
    ]),
  ] as const;
}

export const listExchangeStorageHistory = defineService({
  name: 'list_exchange_storage_history',
  family: 'history',
  description: 'Returns daily, weekly or monthly Exchange Store size for a Windows server with the Exchange Store Size Check.',
  params: {
    deviceid: param.id('The deviceid must be a valid id.'),
    interval: param.oneOf(StorageInterval, 'DAY, WEEK or MONTH (DAY when absent).', { default: 'DAY' }),
    since: param.string(SINCE_DESCRIPTION, { max: 10 }),
  },
  permission: null,
  notes: `interval defaults to DAY, as N-sight's page shows. ${STORAGE_NOTES}`,
  shape: storeShape('DAY'),
  shapeFor: (params) => storeShape(params.interval ?? 'DAY'),
  async handler(ctx, params) {
    const stores = await loadSeries(ctx, 'exchange_store', { ...params, interval: params.interval ?? 'DAY' });
    return { stores };
  },
});

function storeShape(interval: StorageInterval) {
  return [
    x.list('store', 'stores', [
      x.text('store_name', 'Exchange store name'),
      x.text('edb_file', 'Path of the store\'s EDB file'),
      x.text('slv_file', 'Path of the store\'s STM/SLV file', { canBeEmpty: true }),
      x.int('check_id', 'The Exchange Store Size Check that fills in this data'),
      historyShape(interval, 'store_size', 'Store size (MB)'),
    ]),
  ] as const;
}
