// @ts-check
import { statSync } from 'node:fs';
import { execCapture } from '../exec.mjs';
import { clip } from '../util.mjs';

/** @typedef {import('../types.mjs').SoftwareItem} SoftwareItem */

/** The protocol's cap on items per list. */
const MAX_ITEMS = 20_000;
const LIST_OPTIONS = { timeoutMs: 120_000, maxBytes: 32 * 1024 * 1024 };

/**
 * "Debian Foo Maintainers <foo@lists.debian.org>" → "Debian Foo Maintainers": the publisher a person reads.
 * @param {string} maintainer
 */
const publisherOf = (maintainer) => maintainer.replace(/<[^>]*>/g, '').trim();

/**
 * Parses the output of the dpkg-query format in `collectSoftware`: status, package, version, maintainer and
 * its architecture; packages that are not installed (removed with their config files left, half-installed) are
 * skipped. `installedAt(name, architecture)` gives the install time a package's file list shows.
 * @param {string} text
 * @param {(name: string, architecture: string) => number | null} [installedAt]
 * @returns {SoftwareItem[]}
 */
export function parseDpkg(text, installedAt = () => null) {
  /** @type {SoftwareItem[]} */
  const items = [];
  for (const line of text.split('\n')) {
    const [status, name, version, maintainer = '', architecture = ''] = line.split('\t');
    if (!name || !status?.endsWith(' installed')) continue;
    items.push({ name: clip(name, 255), publisher: clip(publisherOf(maintainer), 255), version: clip(version, 100), installedAt: installedAt(name, architecture) });
  }
  return items;
}

/**
 * Parses `rpm -qa` in the format of `collectSoftware`: name, version-release, vendor, install time.
 * @param {string} text
 * @returns {SoftwareItem[]}
 */
export function parseRpm(text) {
  return text
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([name]) => name)
    .map(([name, version = '', vendor = '', installTime = '']) => {
      const at = Number(installTime);
      return {
        name: clip(name, 255),
        publisher: clip(vendor === '(none)' ? '' : vendor, 255),
        version: clip(version, 100),
        installedAt: Number.isInteger(at) && at >= 946_684_800 ? at : null,
      };
    });
}

/**
 * When dpkg installed a package: the time of its file list in /var/lib/dpkg/info (dpkg keeps no install date;
 * the list is rewritten on install and upgrade, so this is "installed or last upgraded").
 * Multi-arch packages name it `name:arch.list`, the others `name.list`.
 * @param {string} name
 * @param {string} architecture
 */
function dpkgInstalledAt(name, architecture) {
  for (const file of [`${name}:${architecture}`, name]) {
    try {
      const seconds = Math.floor(statSync(`/var/lib/dpkg/info/${file}.list`).mtimeMs / 1000);
      return seconds >= 946_684_800 ? seconds : null;
    } catch {
      // try the name without the architecture
    }
  }
  return null;
}

/**
 * Each (name, version) once: a multi-arch package installed for two architectures is one program to a person.
 * @param {SoftwareItem[]} items
 */
function unique(items) {
  const seen = new Set();
  return items.filter((item) => {
    const key = `${item.name}\t${item.version}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The installed packages: dpkg-query where it exists, rpm else, none otherwise (macOS and Windows report an
 * empty inventory rather than a wrong one).
 * @param {AbortSignal} [signal]
 * @returns {Promise<SoftwareItem[]>}
 */
export async function collectSoftware(signal) {
  const dpkg = await execCapture('dpkg-query', ['-W', '-f=${Status}\t${Package}\t${Version}\t${Maintainer}\t${Architecture}\n'], { ...LIST_OPTIONS, signal });
  if (dpkg.code === 0) return unique(parseDpkg(dpkg.stdout, dpkgInstalledAt)).slice(0, MAX_ITEMS);
  const rpm = await execCapture('rpm', ['-qa', '--qf', '%{NAME}\t%{VERSION}-%{RELEASE}\t%{VENDOR}\t%{INSTALLTIME}\n'], { ...LIST_OPTIONS, signal });
  if (rpm.code === 0) return unique(parseRpm(rpm.stdout)).slice(0, MAX_ITEMS);
  return [];
}
