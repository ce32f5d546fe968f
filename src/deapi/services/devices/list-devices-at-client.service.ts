import { mapPages } from '../pages.js';
import { deviceStatus } from '../../../devices/device-status.js';
import { DEVICE_TYPES, type DeviceType } from '../../../devices/device-type.js';
import type { DeviceSummaryRow } from '../../../devices/device.service.js';
import { defineService, x, param } from '../../service-spec.js';

function shapeFor(deviceType: DeviceType) {
  return [
    x.group('items', [
      x.group('client', [
        x.int('id', 'Client id'),
        x.text('name', 'Client name'),
        x.list('site', 'sites', [
          x.int('id', 'Site id'),
          x.text('name', 'Site name'),
          x.list(deviceType, 'devices', [
            x.int('id', 'Device id (deviceid)'),
            x.text('name', 'Device name'),
            x.text('username', 'Last logged-on user, e.g. Company\\Administrator', { canBeEmpty: true }),
            x.text('description', 'Dashboard description', { canBeEmpty: true }),
            x.str('status', 'Device status: Ok, Failed (failing checks), Overdue or Offline'),
            // The counts are columns of the device row (kept by triggers), read where they are.
            x.group('checkcount', [
              x.int('dsc_247', 'Number of checks (24x7 and Daily Safety Check)', { key: 'check_total' }),
              x.int('pass', 'Passing checks', { key: 'check_pass' }),
              x.int('clear', 'Cleared checks', { key: 'check_clear' }),
              x.int('fail', 'Failing checks', { key: 'check_fail' }),
            ]),
            x.flag('takecontrol', 'Take Control (remote control) enabled'),
            x.flag('patch', 'Patch Management enabled'),
            x.flag('mav', 'Managed Antivirus enabled'),
            x.flag('mob', 'Backup & Recovery (Managed Online Backup) enabled'),
            x.flag('systray', 'System tray icon enabled'),
            x.flag('mavbreck', 'Legacy Managed Antivirus engine'),
            x.flag('webprotection', 'Web Protection enabled'),
            x.flag('riskintelligence', 'Risk Intelligence enabled'),
          ], { stream: true }),
        ], { stream: true }),
      ], { key: 'client' }),
    ]),
  ] as const;
}

// One shape per device type, built once: the renderer compiles each shape it meets once (by identity).
const SHAPES = { server: shapeFor('server'), workstation: shapeFor('workstation'), mobile_device: shapeFor('mobile_device') };

export const listDevicesAtClient = defineService({
  name: 'list_devices_at_client',
  family: 'devices',
  description: 'Lists all devices of one type at a client, across its sites, ordered by site name and then device name.',
  params: {
    clientid: param.id('The clientid must be a valid id.'),
    devicetype: param.oneOf(DEVICE_TYPES, 'The type of device to list (lower case).', { required: true, default: 'server' }),
  },
  permission: null,
  notes:
    'status is derived: Failed when a check fails, else Overdue, else Offline, else Ok (N-sight documents only "Ok"). checkcount/dsc_247 counts all checks. A client with no devices of the type answers its sites with no devices.',
  shape: SHAPES.server,
  shapeFor: (params) => SHAPES[params.devicetype],
  async handler({ caller, clients, sites: siteService, devices }, params) {
    const client = await clients.requireVisible(caller.scope, params.clientid);
    const sites = await siteService.listByClientByName(caller.scope, client.id);
    async function* sitePages() {
      yield sites.map((site) => ({
        id: site.id,
        name: site.name,
        devices: mapPages(devices.pagesBySiteByName(caller.scope, site.id, params.devicetype), presentSummary),
      }));
    }
    return { client: { id: client.id, name: client.name, sites: sitePages() } };
  },
});

/** The row with its derived status added: the row is this call's own, so it is not copied. */
function presentSummary(d: DeviceSummaryRow) {
  return Object.assign(d, { status: deviceStatus(d, d.check_fail) });
}
