// @ts-check
import { readdirSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import { execCapture } from '../exec.mjs';
import { clip, MB, readText } from '../util.mjs';

/** @typedef {import('../types.mjs').DeviceFacts} DeviceFacts */
/** @typedef {import('../types.mjs').DeviceType} DeviceType */
/** @typedef {import('../types.mjs').OsFamily} OsFamily */

/** @returns {OsFamily} */
export function osFamily() {
  if (process.platform === 'win32') return 'windows';
  if (process.platform === 'darwin') return 'mac';
  return 'linux';
}

/**
 * Parses os-release(5): KEY=VALUE lines, values optionally in single or double quotes with backslash escapes.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseOsRelease(text) {
  /** @type {Record<string, string>} */
  const fields = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2].trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\(["\\`$])/g, '$1');
    }
    fields[match[1]] = value;
  }
  return fields;
}

/**
 * The operating system's name and version: /etc/os-release on Linux, sw_vers on macOS, the Windows edition
 * (os.version(), e.g. "Windows Server 2022 Standard") and build elsewhere.
 * @returns {Promise<{ name: string, version: string, family: OsFamily }>}
 */
export async function collectOs() {
  const family = osFamily();
  if (family === 'linux') {
    const release = parseOsRelease(readText('/etc/os-release') ?? readText('/usr/lib/os-release') ?? '');
    return {
      family,
      name: clip(release.NAME || 'Linux', 255),
      version: clip(release.VERSION || release.VERSION_ID || release.BUILD_ID || os.release(), 100),
    };
  }
  if (family === 'mac') {
    const [name, version] = await Promise.all([
      execCapture('sw_vers', ['-productName'], { timeoutMs: 10_000 }),
      execCapture('sw_vers', ['-productVersion'], { timeoutMs: 10_000 }),
    ]);
    return { family, name: clip(name.stdout.trim() || 'macOS', 255), version: clip(version.stdout.trim() || os.release(), 100) };
  }
  return { family, name: clip(os.version() || 'Windows', 255), version: clip(os.release(), 100) };
}

/**
 * Whether this machine looks like a server, for agents whose config.json does not say. Linux: a
 * workstation has a desktop session installed (/usr/share/xsessions or /usr/share/wayland-sessions holds one)
 * and systemd does not boot it to multi-user.target; anything else is a server. Windows: the edition
 * names "Server". macOS: a workstation.
 * @param {OsFamily} family
 * @param {string} osName
 * @returns {DeviceType}
 */
export function guessDeviceType(family, osName) {
  if (family === 'windows') return /server/i.test(osName) ? 'server' : 'workstation';
  if (family === 'mac') return 'workstation';
  const hasDesktop = ['/usr/share/xsessions', '/usr/share/wayland-sessions'].some((dir) => {
    try {
      return readdirSync(dir).some((name) => name.endsWith('.desktop'));
    } catch {
      return false;
    }
  });
  return hasDesktop && defaultSystemdTarget() !== 'multi-user.target' ? 'workstation' : 'server';
}

/** The systemd default target's name (an administrator's choice in /etc wins over the distribution's). */
function defaultSystemdTarget() {
  for (const link of ['/etc/systemd/system/default.target', '/lib/systemd/system/default.target', '/usr/lib/systemd/system/default.target']) {
    try {
      return readlinkSync(link).split('/').pop();
    } catch {
      // not a link here: try the next
    }
  }
  return undefined;
}

/**
 * Addresses of the machine's network interfaces, loopback excluded; IPv4 first, each address and MAC once.
 * @returns {{ ipAddresses: string[], macAddresses: string[] }}
 */
export function collectAddresses() {
  const v4 = new Set();
  const v6 = new Set();
  const macs = new Set();
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.internal) continue;
      (address.family === 'IPv4' ? v4 : v6).add(address.address);
      if (address.mac && address.mac !== '00:00:00:00:00:00') macs.add(address.mac);
    }
  }
  return { ipAddresses: [...v4, ...v6].slice(0, 64).map((a) => clip(a, 64)), macAddresses: [...macs].slice(0, 64) };
}

/** Vendor, model and serial from the firmware (DMI); the serial is readable by root only, else ''. */
function collectDmi() {
  /** @param {string} name */
  const dmi = (name) => clip((readText(`/sys/class/dmi/id/${name}`) ?? '').trim(), 255);
  return { manufacturer: dmi('sys_vendor'), model: dmi('product_name'), serialNumber: clip(dmi('product_serial'), 100) };
}

function currentUser() {
  try {
    return os.userInfo().username;
  } catch {
    return ''; // a uid with no passwd entry (containers)
  }
}

/**
 * The device's facts as enrolment and reports send them, measured now.
 * @param {{ agentVersion: string, deviceType?: DeviceType }} options deviceType: config.json's, which wins over the guess
 * @returns {Promise<DeviceFacts>}
 */
export async function collectFacts({ agentVersion, deviceType }) {
  const system = await collectOs();
  const cpus = os.cpus();
  const uptime = os.uptime();
  return {
    hostname: clip(os.hostname() || 'unknown', 255),
    deviceType: deviceType ?? guessDeviceType(system.family, system.name),
    os: system,
    ...(system.family === 'linux' ? collectDmi() : { manufacturer: '', model: '', serialNumber: '' }),
    cpu: {
      model: clip((cpus[0]?.model ?? '').replace(/\s+/g, ' ').trim(), 255),
      count: Math.min(4096, Math.max(1, cpus.length || os.availableParallelism())),
    },
    memoryMb: Math.round(os.totalmem() / MB),
    bootedAt: uptime > 0 ? Math.floor(Date.now() / 1000 - uptime) : null,
    ...collectAddresses(),
    username: clip(currentUser(), 255),
    domain: '',
    agentVersion: clip(agentVersion, 32),
  };
}
