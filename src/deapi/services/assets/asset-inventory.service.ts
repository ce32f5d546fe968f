import { epochSeconds } from '../../../lib/clock.js';
import { utcDateTime, ZERO_DATETIME } from '../../../lib/dates.js';
import { defineService, x, param } from '../../service-spec.js';
import { onePage } from '../pages.js';

// The asset id is the device id; a device outside the scope answers like one that does not exist.
const assetIdParam = param.id('The assetid of the device (in Sightline the asset id equals the device id: list_servers / list_workstations assetid).');

/** Software type on the wire: Hotfix and Update as catalogued; a title of a license group is "Licenced" (sic). */
function softwareType(row: { software_type: string; licensed: number }): string {
  if (row.software_type === 'All' && row.licensed === 1) return 'Licenced';
  return row.software_type;
}

export const listAllHardware = defineService({
  name: 'list_all_hardware',
  family: 'assets',
  description: 'Lists all hardware of one asset.',
  params: { assetid: assetIdParam },
  permission: null,
  notes: 'Hardware removed from the device (deleted=1 in list_device_asset_details) is not listed here.',
  shape: [
    x.items('hardware', [
      x.int('hardwareid', 'Unique identifier of the hardware item'),
      x.str('manufacturer', 'Manufacturer; may be empty', { canBeEmpty: true }),
      x.text('name', 'Name of the hardware item'),
      x.text('details', 'Details, e.g. "AdapterType=Ethernet 802.3 MACAddress=00:16:58:CC:DD:FF"', { canBeEmpty: true }),
      x.int('hardware_type', '1 Network Adapter, 2 BIOS, 3 Sound device, 4 Motherboard, 5 Keyboard, 6 Pointing device, 7 Monitor, 8 Video Controller, 9 Disk Drive, 10 Logical Disk, 11 Physical Memory, 12 Cache Memory, 13 Processor, 14 Tape Drive, 15 Optical Drive, 16 Floppy Disk Drive'),
    ]),
  ],
  async handler({ caller, devices, assets }, params) {
    const device = await devices.requireVisible(caller.scope, params.assetid, 'assetid');
    const rows = await assets.hardwareOf(caller.scope, device.id);
    return {
      items: onePage(
        rows
          .filter((h) => h.deleted === 0)
          .map((h) => ({ hardwareid: h.id, manufacturer: h.manufacturer, name: h.name, details: h.details, hardware_type: h.hardware_type })),
      ),
    };
  },
});

export const listAllSoftware = defineService({
  name: 'list_all_software',
  family: 'assets',
  description: 'Lists the software installed on one asset.',
  params: { assetid: assetIdParam },
  permission: null,
  notes: 'install_date is UTC "YYYY-MM-DD HH:MM:SS" (empty when unknown); softwareid is unique across the deployment, catalogid names the title.',
  shape: [
    x.items('software', [
      x.int('softwareid', 'Identifier of the software on this asset'),
      x.int('catalogid', 'Global identifier of the software title'),
      x.text('name', 'Software name'),
      x.str('version', 'Version; may be empty', { canBeEmpty: true }),
      x.datetime('install_date', 'Install date (UTC, YYYY-MM-DD HH:MM:SS); may be empty', { canBeEmpty: true }),
    ]),
  ],
  async handler({ caller, devices, assets }, params) {
    const device = await devices.requireVisible(caller.scope, params.assetid, 'assetid');
    const rows = await assets.softwareOf(caller.scope, device.id, null);
    return {
      items: onePage(
        rows.map((s) => ({ softwareid: s.id, catalogid: s.catalog_id, name: s.name, version: s.version, install_date: utcDateTime(s.installed_at) })),
      ),
    };
  },
});

export const listLicensedSoftware = defineService({
  name: 'list_licensed_software',
  family: 'assets',
  description: 'Lists the software of one asset that belongs to one of the account\'s software license groups.',
  params: { assetid: assetIdParam },
  permission: null,
  notes:
    'UNVERIFIED response (N-sight never documented it): result>items>software* with the list_all_software fields plus license_group_id and license_group_name; a title in two groups is listed once per group.',
  shape: [
    x.items('software', [
      x.int('softwareid', 'Identifier of the software on this asset'),
      x.int('catalogid', 'Global identifier of the software title'),
      x.text('name', 'Software name'),
      x.str('version', 'Version; may be empty', { canBeEmpty: true }),
      x.datetime('install_date', 'Install date (UTC, YYYY-MM-DD HH:MM:SS); may be empty', { canBeEmpty: true }),
      x.int('license_group_id', 'The license group the title belongs to'),
      x.text('license_group_name', 'Name of that license group'),
    ]),
  ],
  async handler({ caller, devices, assets }, params) {
    const device = await devices.requireVisible(caller.scope, params.assetid, 'assetid');
    const rows = await assets.licensedSoftwareOf(caller.scope, device.id);
    return {
      items: onePage(
        rows.map((s) => ({
          softwareid: s.id, catalogid: s.catalog_id, name: s.name, version: s.version, install_date: utcDateTime(s.installed_at),
          license_group_id: s.license_group_id, license_group_name: s.license_group_name,
        })),
      ),
    };
  },
});

const SERVICE_PACK_NUMBER = /(\d+)\s*$/;

export const listDeviceAssetDetails = defineService({
  name: 'list_device_asset_details',
  family: 'assets',
  description: 'Returns the asset details of one device: identity, hardware and software, directly under <result>.',
  params: { deviceid: param.id('The deviceid must be a valid id.') },
  permission: null,
  notes:
    'chassistype is the SMBIOS integer (8/9/10/11/14 = laptop); client is the last logged-on user and user the machine name, as in the doc example; ' +
    'serialnumber is the hardware serial; osinstalldate is "YYYY-MM-DD 00:00:00" (only the date is known). custom1..custom10 are omitted: Sightline has no asset custom fields, and N-sight sends them only when defined. ' +
    'Software uninstalled in the last 4 days is listed with deleted=1.',
  shape: [
    x.int('assetid', 'Asset id (equals the device id)'),
    x.str('client', 'Last logged-on user, DOMAIN\\user', { canBeEmpty: true }),
    x.int('chassistype', 'SMBIOS chassis type; 8, 9, 10, 11 and 14 are laptops'),
    x.str('ip', 'Internal IP address', { canBeEmpty: true }),
    x.str('mac1', 'MAC address 1', { canBeEmpty: true }),
    x.str('mac2', 'MAC address 2', { canBeEmpty: true }),
    x.str('mac3', 'MAC address 3', { canBeEmpty: true }),
    x.str('user', 'Machine name', { canBeEmpty: true }),
    x.str('manufacturer', 'Manufacturer', { canBeEmpty: true }),
    x.str('model', 'Model', { canBeEmpty: true }),
    x.str('os', 'Operating system'),
    x.datetime('osinstalldate', 'OS install date (YYYY-MM-DD HH:MM:SS)', { canBeEmpty: true }),
    x.str('serialnumber', 'Hardware serial number', { canBeEmpty: true }),
    x.str('productkey', 'OS product key', { canBeEmpty: true }),
    x.int('role', '0,1 Windows Workstation; 2-5 Windows Server; 101 UNIX/Linux; 102 Mac; 103 Printer; 104 Router; 105 NAS; 106 Other Network Device'),
    x.int('servicepack', 'Service pack number'),
    x.int('ram', 'Memory in bytes'),
    x.datetime('scantime', 'Last asset scan (UTC, YYYY-MM-DD HH:MM:SS; 0000-00-00 00:00:00 when never)'),
    x.group('hardware', [
      x.list('item', 'items', [
        x.int('hardwareid', 'Hardware item id'),
        x.text('name', 'Name'),
        x.int('type', 'Hardware type code (see list_all_hardware)'),
        x.str('manufacturer', 'Manufacturer', { canBeEmpty: true }),
        x.text('details', 'Details', { canBeEmpty: true }),
        x.str('status', 'Status; may be empty', { canBeEmpty: true }),
        x.flag('deleted', '1 = removed from the device'),
        x.flag('modified', '1 = changed since the previous scan'),
      ]),
    ], { key: 'hardware' }),
    x.group('software', [
      x.list('item', 'items', [
        x.text('name', 'Software name'),
        x.int('softwareid', 'Software id on this asset'),
        x.str('version', 'Version', { canBeEmpty: true }),
        x.datetime('install_date', 'Install date (UTC, YYYY-MM-DD HH:MM:SS)', { canBeEmpty: true }),
        x.str('type', 'Hotfix, Update, Licenced or All'),
        x.flag('deleted', '0 installed, 1 uninstalled in the last 4 days'),
        x.flag('modified', '1 = changed since the previous scan'),
      ]),
    ], { key: 'software' }),
  ],
  async handler({ caller, devices, assets, clock }, params) {
    const d = await devices.requireVisible(caller.scope, params.deviceid);
    const [hardware, software] = await Promise.all([
      assets.hardwareOf(caller.scope, d.id),
      assets.softwareWithRecentRemovals(caller.scope, d.id, epochSeconds(clock)),
    ]);
    return {
      assetid: d.id,
      client: d.username,
      chassistype: d.chassis_type,
      ip: d.ip,
      mac1: d.mac1,
      mac2: d.mac2,
      mac3: d.mac3,
      user: d.name,
      manufacturer: d.manufacturer,
      model: d.model,
      os: d.os,
      osinstalldate: d.install_date ? `${d.install_date} 00:00:00` : '',
      serialnumber: d.device_serial,
      productkey: d.os_product_key,
      role: d.role,
      servicepack: Number(SERVICE_PACK_NUMBER.exec(d.service_pack)?.[1] ?? 0),
      ram: d.total_memory,
      scantime: utcDateTime(d.last_scan_at, ZERO_DATETIME),
      hardware: {
        items: hardware.map((h) => ({
          hardwareid: h.id, name: h.name, type: h.hardware_type, manufacturer: h.manufacturer, details: h.details,
          status: h.status, deleted: h.deleted, modified: h.modified,
        })),
      },
      software: {
        items: software.map((s) => ({
          name: s.name, softwareid: s.id, version: s.version, install_date: utcDateTime(s.installed_at), type: softwareType(s),
          deleted: s.deleted_at === null ? 0 : 1, modified: s.modified,
        })),
      },
    };
  },
});
