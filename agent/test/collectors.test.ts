import { execFileSync } from 'node:child_process';
import { existsSync, statfsSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { DeviceFacts, DriveSpace, HardwareItem, PerformanceSample, SoftwareItem } from '../../src/agent-protocol/protocol.schema.js';
import { collectDriveSpace, parseMounts, realMounts } from '../lib/collect/disks.mjs';
import { collectHardware } from '../lib/collect/hardware.mjs';
import { readMemory, Sampler } from '../lib/collect/performance.mjs';
import { collectSoftware, parseDpkg, parseRpm } from '../lib/collect/software.mjs';
import { collectFacts, collectOs, guessDeviceType, parseOsRelease } from '../lib/collect/system.mjs';

// The agent's tests run on Linux (this project's machines and CI); other platforms' paths are thin.
const sh = (script: string) => execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' }).trim();
const hasDpkg = (() => {
  try {
    execFileSync('dpkg-query', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('os-release', () => {
  it('parses quoted, single-quoted, escaped and bare values, and ignores comments', () => {
    const parsed = parseOsRelease('# comment\nNAME="Debian GNU/Linux"\nVERSION_ID=12\nPRETTY=\'It\'\'s\'\nQUOTED="say \\"hi\\""\n\nBROKEN LINE\n');
    expect(parsed).toEqual({ NAME: 'Debian GNU/Linux', VERSION_ID: '12', PRETTY: "It''s", QUOTED: 'say "hi"' });
  });

  it('reads this machine: the same name and version a shell sourcing /etc/os-release gets', async () => {
    const system = await collectOs();
    expect(system.family).toBe('linux');
    expect(system.name).toBe(sh('. /etc/os-release; echo "$NAME"'));
    expect(system.version).toBe(sh('. /etc/os-release; echo "${VERSION:-${VERSION_ID:-$BUILD_ID}}"') || os.release());
  });
});

describe('facts', () => {
  it('are this machine and pass the protocol schema', async () => {
    const facts = await collectFacts({ agentVersion: '1.2.3' });
    expect(DeviceFacts.parse(facts)).toEqual(facts);
    expect(facts.hostname).toBe(os.hostname());
    expect(facts.cpu.count).toBe(os.cpus().length);
    expect(facts.memoryMb).toBe(Math.round(os.totalmem() / 1024 / 1024));
    expect(Math.abs(facts.bootedAt! - (Date.now() / 1000 - os.uptime()))).toBeLessThan(5);
    expect(facts.ipAddresses).not.toContain('127.0.0.1');
    expect(facts.ipAddresses).not.toContain('::1');
    expect(facts.username).toBe(os.userInfo().username);
    expect(facts.agentVersion).toBe('1.2.3');
  });

  it('take the device type from config.json over the guess', async () => {
    expect((await collectFacts({ agentVersion: '1', deviceType: 'workstation' })).deviceType).toBe('workstation');
    expect((await collectFacts({ agentVersion: '1', deviceType: 'server' })).deviceType).toBe('server');
  });

  it('guess a Windows server from its edition, and a Mac as a workstation', () => {
    expect(guessDeviceType('windows', 'Windows Server 2022 Standard')).toBe('server');
    expect(guessDeviceType('windows', 'Windows 11 Pro')).toBe('workstation');
    expect(guessDeviceType('mac', 'macOS')).toBe('workstation');
  });

  it('guess a Linux machine without a desktop session as a server', () => {
    const desktop = existsSync('/usr/share/xsessions') || existsSync('/usr/share/wayland-sessions');
    expect(desktop ? ['server', 'workstation'] : ['server']).toContain(guessDeviceType('linux', 'Debian GNU/Linux'));
  });
});

describe('disks', () => {
  it('parse /proc/mounts escapes and keep only disk filesystems, each device once', () => {
    const mounts = parseMounts(
      [
        'proc /proc proc rw 0 0',
        '/dev/sda1 / ext4 rw 0 0',
        'tmpfs /run tmpfs rw 0 0',
        '/dev/sdb1 /mnt/my\\040disk xfs rw 0 0',
        '/dev/sda1 /var/lib/docker/bind ext4 rw 0 0',
        '/dev/loop3 /snap/core/1 squashfs ro 0 0',
        'server:/export /srv/share nfs4 rw 0 0',
        'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0',
      ].join('\n'),
    );
    expect(realMounts(mounts).map((m) => m.mountPoint)).toEqual(['/', '/mnt/my disk', '/srv/share']);
  });

  it('measure / with statfs: the size df reports, used below total', async () => {
    const drives = await collectDriveSpace(Math.floor(Date.now() / 1000));
    for (const drive of drives) expect(DriveSpace.parse(drive)).toEqual(drive);
    const root = drives.find((d) => d.drive === '/');
    expect(root).toBeDefined();
    const stats = statfsSync('/');
    expect(root!.totalMb).toBe(Math.round((stats.blocks * stats.bsize) / 1024 / 1024));
    expect(root!.usedMb).toBeGreaterThan(0);
    expect(root!.usedMb).toBeLessThanOrEqual(root!.totalMb);
    const dfTotal = Number(sh("df -Pm / | awk 'NR==2 {print $2}'"));
    expect(Math.abs(root!.totalMb - dfTotal)).toBeLessThanOrEqual(1);
    // Pseudo filesystems are not drives.
    expect(drives.map((d) => d.drive)).not.toContain('/proc');
    expect(drives.map((d) => d.drive)).not.toContain('/sys/fs/cgroup');
  });
});

describe('software', () => {
  it('skips packages dpkg does not have installed and names the maintainer without the address', () => {
    const text = [
      'install ok installed\tbash\t5.2.15-2+b7\tMatthias Klose <doko@debian.org>\tamd64',
      'deinstall ok config-files\told-thing\t1.0\tSomeone <a@b>\tamd64',
      'install ok installed\tlibc6\t2.36-9\tGNU Libc Maintainers <debian-glibc@lists.debian.org>\tamd64',
    ].join('\n');
    expect(parseDpkg(text, (name, arch) => (name === 'bash' && arch === 'amd64' ? 1_700_000_000 : null))).toEqual([
      { name: 'bash', publisher: 'Matthias Klose', version: '5.2.15-2+b7', installedAt: 1_700_000_000 },
      { name: 'libc6', publisher: 'GNU Libc Maintainers', version: '2.36-9', installedAt: null },
    ]);
  });

  it('reads rpm lines, without the (none) vendor', () => {
    expect(parseRpm('bash\t5.2.15-3.fc39\tFedora Project\t1700000000\ngpg-pubkey\td651ff2e-5dfa\t(none)\t1700000001\n')).toEqual([
      { name: 'bash', publisher: 'Fedora Project', version: '5.2.15-3.fc39', installedAt: 1_700_000_000 },
      { name: 'gpg-pubkey', publisher: '', version: 'd651ff2e-5dfa', installedAt: 1_700_000_001 },
    ]);
  });

  it('lists the installed packages of this machine with the versions dpkg-query gives (none without dpkg or rpm)', async () => {
    const software = await collectSoftware();
    if (!hasDpkg) {
      expect(software.length === 0 || software.every((s) => SoftwareItem.safeParse(s).success)).toBe(true);
      return;
    }
    expect(software.length).toBeGreaterThan(10);
    for (const item of software.slice(0, 200)) expect(SoftwareItem.parse(item)).toEqual(item);
    const dpkg = software.find((s) => s.name === 'dpkg');
    expect(dpkg?.version).toBe(sh("dpkg-query -W -f='${Version}' dpkg"));
    expect(dpkg?.installedAt).toBeGreaterThan(946_684_800);
  });
});

describe('performance', () => {
  it('samples CPU load and memory within their ranges, as protocol samples', async () => {
    const sampler = new Sampler();
    // Burn a little CPU so the interval has jiffies to count.
    const until = Date.now() + 300;
    while (Date.now() < until);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const samples = sampler.sample(Math.floor(Date.now() / 1000));
    for (const sample of samples) expect(PerformanceSample.parse(sample)).toEqual(sample);
    const byKind = Object.fromEntries(samples.map((s) => [s.kind, s.values]));
    expect(byKind.cpu_load.load).toBeGreaterThan(0);
    expect(byKind.cpu_load.load).toBeLessThanOrEqual(100);
    expect(byKind.memory_usage.total).toBe(Math.round(os.totalmem() / 1024 / 1024));
    expect(byKind.memory_usage.available).toBeGreaterThan(0);
    expect(byKind.memory_usage.available).toBeLessThanOrEqual(byKind.memory_usage.total);
    expect(byKind.memory_usage.commit_charge).toBeGreaterThanOrEqual(0);
    expect(byKind.memory_usage.commit_charge).toBeLessThanOrEqual(100);
    expect(byKind.cpu_queue.queue).toBeCloseTo(os.loadavg()[0], 0);
  });

  it('takes available memory from MemAvailable', () => {
    const available = Number(sh("awk '/^MemAvailable:/ {print $2}' /proc/meminfo")) / 1024;
    expect(Math.abs(readMemory().availableMb - available)).toBeLessThan(256); // memory moves between the two reads
  });
});

describe('hardware', () => {
  it('lists processors, memory, drives and network adapters as protocol items', async () => {
    const drives = await collectDriveSpace(Math.floor(Date.now() / 1000));
    const hardware = collectHardware(drives);
    for (const item of hardware) expect(HardwareItem.parse(item)).toEqual(item);
    const types = new Set(hardware.map((h) => h.hardwareType));
    expect(types).toContain(13); // processor
    expect(types).toContain(11); // physical memory
    expect(hardware.filter((h) => h.hardwareType === 10).map((h) => h.name)).toEqual(drives.map((d) => d.drive));
  });
});
