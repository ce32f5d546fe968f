import { mapPages } from '../pages.js';
import { errors } from '../../../errors.js';
import { utcDateTime } from '../../../lib/dates.js';
import { defineService, x, param } from '../../service-spec.js';

/** Backup & Recovery plugins and the element each one's selection size is written in. */
export const MOB_PLUGIN_ELEMENTS: Record<string, string> = {
  FILE_SYSTEM: 'FsBackupPlugin',
  SYSTEM_STATE: 'SystemStateBackupPlugin',
  NETWORK_SHARES: 'NetworkSharesBackupPlugin',
  EXCHANGE: 'ExchangeBackupPlugin',
  VMWARE: 'VMwareBackupPlugin',
  MSSQL: 'MsSqlBackupPlugin',
  SHAREPOINT: 'SharePointBackupPlugin',
  ORACLE: 'OracleBackupPlugin',
};

const active = [{ name: 'active' }] as const;

const deviceChildren = [
  x.int('deviceid', 'Device id'),
  x.text('name', 'Device name'),
  x.list('slot', 'slots', [
    x.int('slotid', 'Backup selection slot'),
    ...Object.values(MOB_PLUGIN_ELEMENTS).map((element) => x.int(element, `Selection size of the ${element} (bytes)`, { optional: true })),
  ], { attributes: active }),
  x.int('total', 'Device total (bytes)'),
] as const;

export const mobListSelectionSize = defineService({
  name: 'mob/mob_list_selection_size',
  family: 'backup',
  description: 'Returns the Backup & Recovery selection size of a device for one month (bytes), by client, site, device and slot.',
  params: {
    clientid: param.id('Optional. The device\'s client; when given it must be the device\'s own.', false),
    siteid: param.id('Optional. The device\'s site; when given it must be the device\'s own.', false),
    deviceid: param.id('The deviceid must be a valid id.'),
    year: param.integer('Year, e.g. 2026.', { required: true, min: 2000, max: 2100 }),
    month: param.integer('Month number, 1 to 12.', { required: true, min: 1, max: 12 }),
  },
  permission: null,
  notes:
    'clientid and siteid are optional filters (a live call answered with only deviceid, month and year); when given they must name the device\'s client and site, else error 4 for that parameter. A slot\'s size is the selection size of its last backup session that started in the month (UTC); plugin elements are FsBackupPlugin, SystemStateBackupPlugin, NetworkSharesBackupPlugin, ExchangeBackupPlugin, VMwareBackupPlugin, MsSqlBackupPlugin, SharePointBackupPlugin and OracleBackupPlugin. @active is true for existing clients, sites and devices (deleted ones have no data left), and for a slot while Backup & Recovery is enabled on the device.',
  shape: [
    x.group('selection', [
      x.list('client', 'clients', [
        x.int('clientid', 'Client id'),
        x.text('name', 'Client name'),
        x.list('site', 'sites', [
          x.int('siteid', 'Site id'),
          x.text('name', 'Site name'),
          x.group('workstations', [x.list('workstation', 'devices', deviceChildren, { attributes: active })], { key: 'workstations' }),
          x.group('servers', [x.list('server', 'devices', deviceChildren, { attributes: active })], { key: 'servers' }),
          x.int('total', 'Site total (bytes)'),
        ], { attributes: active }),
        x.int('total', 'Client total (bytes)'),
      ], { attributes: active }),
      x.int('total', 'Account total (bytes)'),
    ], { key: 'selection' }),
  ],
  async handler({ caller, devices: deviceService, clients, sites, mob }, params) {
    const device = await deviceService.requireVisible(caller.scope, params.deviceid);
    if (params.clientid !== undefined && params.clientid !== device.client_id) throw errors.invalidValue('clientid');
    if (params.siteid !== undefined && params.siteid !== device.site_id) throw errors.invalidValue('siteid');
    const [client, site] = await Promise.all([clients.findVisible(caller.scope, device.client_id), sites.findVisible(caller.scope, device.site_id)]);
    if (!client || !site) throw errors.invalidValue('deviceid');
    const from = Date.UTC(params.year, params.month - 1, 1) / 1000;
    const to = Date.UTC(params.year, params.month, 1) / 1000;
    const sessions = await mob.listByDeviceBetween(caller.scope, device.id, from, to);
    // Oldest first, so the last session of each slot overwrites the earlier ones.
    const lastBySlot = new Map<number, (typeof sessions)[number]>();
    for (const s of sessions) if (s.type === 'BACKUP') lastBySlot.set(s.slot_id, s);
    const slotActive = device.mob === 1 ? 'true' : 'false';
    const last = [...lastBySlot.values()].sort((a, b) => a.slot_id - b.slot_id);
    const slots = last.map((s) => ({ active: slotActive, slotid: s.slot_id, [MOB_PLUGIN_ELEMENTS[s.plugin] ?? 'FsBackupPlugin']: s.selection_size }));
    const total = last.reduce((sum, s) => sum + s.selection_size, 0);
    const deviceOut = { active: 'true', deviceid: device.id, name: device.name, slots, total };
    const devices = { devices: [deviceOut] };
    const siteOut = {
      active: 'true', siteid: site.id, name: site.name,
      workstations: device.device_type === 'workstation' ? devices : undefined,
      servers: device.device_type === 'server' ? devices : undefined,
      total,
    };
    return { selection: { clients: [{ active: 'true', clientid: client.id, name: client.name, sites: [siteOut], total }], total } };
  },
});

export const listMobSessions = defineService({
  name: 'list_mob_sessions',
  family: 'backup',
  description: 'Returns every Backup & Recovery session of a device.',
  params: { deviceid: param.id('The deviceid must be a valid id.') },
  permission: null,
  notes: 'Sessions sit directly under <result>, as the doc example shows (not in a mob_sessions element), in the order they were recorded (batches, oldest first), streamed. session_id is Sightline\'s session number.',
  shape: [
    x.list('session', 'sessions', [
      x.int('session_id', 'Unique session id'),
      x.str('type', 'BACKUP or RESTORE'),
      x.str('storage_account_id', 'Storage account'),
      x.str('plugin', 'FILE_SYSTEM, SYSTEM_STATE, EXCHANGE, NETWORK_SHARES, VMWARE, MSSQL, SHAREPOINT or ORACLE'),
      x.datetime('start', 'Start (UTC, YYYY-MM-DD HH:MM:SS)'),
      x.datetime('end', 'End (UTC, YYYY-MM-DD HH:MM:SS)'),
      x.int('selection_size', 'Selection size (bytes)'),
      x.int('selection_item_count', 'Items selected'),
      x.int('size_change', 'Absolute change of the selection size since the previous session of the same plugin (bytes)'),
      x.int('item_count_change', 'Absolute change of the item count'),
      x.int('removed_item_count', 'Items removed'),
      x.int('processed_size', 'Processed (bytes)'),
      x.int('processed_item_count', 'Items processed'),
      x.int('transferred_size', 'Transferred (bytes)'),
      x.int('error_count', 'Errors'),
      x.str('status', 'COMPLETED, INTERRUPTED, COMPLETED_WITH_ERRORS, FAILED, NOT_STARTED or CANCELED'),
    ], { stream: true }),
  ],
  async handler({ caller, devices, mob }, params) {
    const device = await devices.requireVisible(caller.scope, params.deviceid);
    return {
      sessions: mapPages(mob.pagesByDevice(caller.scope, device.id), (s) => ({ ...s, session_id: s.id, start: utcDateTime(s.started_at), end: utcDateTime(s.ended_at) })),
    };
  },
});
