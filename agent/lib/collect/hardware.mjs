// @ts-check
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { clip, formatBytes, MB, readText } from '../util.mjs';

/** @typedef {import('../types.mjs').HardwareItem} HardwareItem */
/** @typedef {import('../types.mjs').DriveSpace} DriveSpace */

/** hardware_type codes of list_all_hardware (api-services.md §6.1). */
const TYPE = { networkAdapter: 1, bios: 2, motherboard: 4, diskDrive: 9, logicalDisk: 10, physicalMemory: 11, processor: 13, opticalDrive: 15 };

const CPU_VENDORS = /** @type {Record<string, string>} */ ({ GenuineIntel: 'Intel', AuthenticAMD: 'AMD' });

/**
 * @param {number} hardwareType
 * @param {string} name
 * @param {{ manufacturer?: string, details?: string, status?: string }} [more]
 * @returns {HardwareItem}
 */
const item = (hardwareType, name, { manufacturer = '', details = '', status = '' } = {}) => ({
  hardwareType,
  name: clip(name, 255),
  manufacturer: clip(manufacturer, 255),
  details: clip(details, 1000),
  status: clip(status, 64),
});

/** @param {string} path */
const sysText = (path) => (readText(path) ?? '').trim();

function processors() {
  const cpus = os.cpus();
  /** @type {Map<string, number>} */
  const byModel = new Map();
  for (const cpu of cpus) byModel.set(cpu.model.trim(), (byModel.get(cpu.model.trim()) ?? 0) + 1);
  const vendorId = /^vendor_id\s*:\s*(.+)$/m.exec(readText('/proc/cpuinfo') ?? '')?.[1]?.trim() ?? '';
  return [...byModel].map(([model, count]) =>
    item(TYPE.processor, model || 'Processor', { manufacturer: CPU_VENDORS[vendorId] ?? vendorId, details: `${count} logical processor${count === 1 ? '' : 's'}, ${os.arch()}` }),
  );
}

/** Block devices that are disks: not loop devices, RAM disks, device-mapper volumes or floppies. */
function diskDrives() {
  /** @type {string[]} */
  let names = [];
  try {
    names = readdirSync('/sys/block').filter((name) => !/^(loop|ram|zram|dm-|md|fd|nbd)/.test(name));
  } catch {
    return [];
  }
  return names.map((name) => {
    const base = `/sys/block/${name}`;
    const bytes = Number(sysText(`${base}/size`)) * 512;
    const model = sysText(`${base}/device/model`);
    const rotational = sysText(`${base}/queue/rotational`);
    const kind = rotational === '0' ? 'SSD' : rotational === '1' ? 'HDD' : 'disk';
    return item(name.startsWith('sr') ? TYPE.opticalDrive : TYPE.diskDrive, model ? `${name} (${model})` : name, {
      // virtio and NVMe disks give a PCI vendor number here ("0x1af4"), which tells a person nothing.
      manufacturer: sysText(`${base}/device/vendor`).replace(/^0x[0-9a-f]+$/i, ''),
      details: `${formatBytes(bytes)} ${kind}`,
    });
  });
}

function networkAdapters() {
  return Object.entries(os.networkInterfaces())
    .filter(([, addresses]) => (addresses ?? []).some((a) => !a.internal))
    .map(([name, addresses = []]) => {
      const mac = addresses.find((a) => a.mac !== '00:00:00:00:00:00')?.mac ?? '';
      const ips = addresses.map((a) => a.address).join(', ');
      return item(TYPE.networkAdapter, name, { details: mac ? `MAC ${mac}; ${ips}` : ips, status: sysText(`/sys/class/net/${name}/operstate`) });
    });
}

function firmware() {
  /** @param {string} name */
  const dmi = (name) => sysText(`/sys/class/dmi/id/${name}`);
  const items = [];
  if (dmi('bios_version')) items.push(item(TYPE.bios, dmi('bios_version'), { manufacturer: dmi('bios_vendor'), details: dmi('bios_date') }));
  if (dmi('board_name')) items.push(item(TYPE.motherboard, dmi('board_name'), { manufacturer: dmi('board_vendor'), details: dmi('board_version') }));
  return items;
}

/**
 * The hardware inventory (a full snapshot): processors, memory, disks, drives as mounted, network adapters,
 * and on Linux the firmware's BIOS and board.
 * @param {DriveSpace[]} drives the drives the report measured, listed as logical disks
 * @returns {HardwareItem[]}
 */
export function collectHardware(drives) {
  return [
    ...processors(),
    item(TYPE.physicalMemory, 'Physical memory', { details: formatBytes(os.totalmem()) }),
    ...(process.platform === 'linux' ? [...diskDrives(), ...firmware()] : []),
    // Size only: free space is reported as drive space, and a snapshot that changes with every file written
    // would be sent again every time.
    ...drives.map((d) => item(TYPE.logicalDisk, d.drive, { details: formatBytes(d.totalMb * MB) })),
    ...networkAdapters(),
  ];
}
