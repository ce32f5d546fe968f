// @ts-check
import { statfs } from 'node:fs/promises';
import { execCapture } from '../exec.mjs';
import { clip, MB, readText } from '../util.mjs';

/** @typedef {import('../types.mjs').DriveSpace} DriveSpace */
/** @typedef {{ source: string, mountPoint: string, type: string }} Mount */

/**
 * Filesystems that hold data on a disk or a share. Everything else in /proc/mounts (proc, sysfs, tmpfs,
 * cgroup, squashfs snaps that are always full, fuse helpers, …) is not a drive a person wants to watch.
 */
const DISK_FILESYSTEMS = new Set([
  'ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'zfs', 'f2fs', 'jfs', 'reiserfs', 'bcachefs', 'vfat', 'exfat', 'msdos',
  'ntfs', 'ntfs3', 'fuseblk', 'hfsplus', 'apfs', 'nfs', 'nfs4', 'cifs', 'smb3', 'virtiofs', '9p',
]);

/**
 * Parses /proc/mounts (fstab format; spaces and other bytes in paths are octal escapes like \040).
 * @param {string} text
 * @returns {Mount[]}
 */
export function parseMounts(text) {
  /** @param {string} field */
  const unescape = (field) => field.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8)));
  return text
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields.length >= 3)
    .map(([source, mountPoint, type]) => ({ source: unescape(source), mountPoint: unescape(mountPoint), type }));
}

/**
 * The mounts worth reporting: disk and network filesystems (an overlay only as the root of a container),
 * each source once (bind mounts repeat it; the shortest mount point stands for it).
 * @param {Mount[]} mounts
 */
export function realMounts(mounts) {
  /** @type {Map<string, Mount>} */
  const bySource = new Map();
  for (const mount of mounts) {
    const real = DISK_FILESYSTEMS.has(mount.type) || (mount.type === 'overlay' && mount.mountPoint === '/');
    if (!real) continue;
    const seen = bySource.get(mount.source);
    if (!seen || mount.mountPoint.length < seen.mountPoint.length) bySource.set(mount.source, mount);
  }
  return [...bySource.values()].sort((a, b) => a.mountPoint.localeCompare(b.mountPoint));
}

/**
 * Size and free space of the filesystem holding `path`. `freeBytes` is what an unprivileged user may still
 * write (blocks reserved for root excluded), as df shows it.
 * @param {string} path
 */
export async function measureSpace(path) {
  const stats = await statfs(/^[A-Za-z]:$/.test(path) ? `${path}\\` : path);
  const totalBytes = stats.blocks * stats.bsize;
  return {
    totalBytes,
    usedBytes: (stats.blocks - stats.bfree) * stats.bsize,
    freeBytes: stats.bavail * stats.bsize,
    freePercent: totalBytes > 0 ? (stats.bavail / stats.blocks) * 100 : 0,
  };
}

/** A hung network share blocks statfs for minutes: the report goes on without that drive. */
const STATFS_TIMEOUT_MS = 5_000;

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @returns {Promise<T>}
 */
function withTimeout(promise, ms) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms}ms`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout]).finally(() => clearTimeout(timer)));
}

/** The mount points (or drive letters) to measure on this platform. */
async function drivesToMeasure() {
  if (process.platform === 'linux') {
    const mounts = readText('/proc/mounts');
    if (mounts) return realMounts(parseMounts(mounts)).map((m) => m.mountPoint);
  }
  if (process.platform === 'win32') return [...'CDEFGHIJKLMNOPQRSTUVWXYZ'].map((letter) => `${letter}:`);
  // macOS and other Unixes: the local filesystems df knows (the last column is the mount point).
  const df = await execCapture('df', ['-kPl'], { timeoutMs: 10_000 });
  const points = df.stdout
    .split('\n')
    .slice(1)
    .filter((line) => line.startsWith('/dev/'))
    .map((line) => line.split(/\s+/).slice(5).join(' '));
  return points.length > 0 ? points : ['/'];
}

/**
 * Space on every real drive of this machine, measured now; drives that cannot be read (a stale network
 * share, a drive letter with no disk) are left out.
 * @param {number} at
 * @returns {Promise<DriveSpace[]>}
 */
export async function collectDriveSpace(at) {
  const drives = await drivesToMeasure();
  const measured = await Promise.all(
    drives.map(async (drive) => {
      try {
        const space = await withTimeout(measureSpace(drive), STATFS_TIMEOUT_MS);
        return space.totalBytes > 0
          ? { drive: clip(drive, 255), at, totalMb: Math.round(space.totalBytes / MB), usedMb: Math.round(space.usedBytes / MB) }
          : null;
      } catch {
        return null;
      }
    }),
  );
  return measured.filter((d) => d !== null);
}
