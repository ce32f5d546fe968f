import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ArchiveEntry, tarGz, zip } from './package-builder.js';

const MTIME = Date.UTC(2026, 10, 26, 14, 30, 0) / 1000;
const LONG_DIR = `sightline-agent/lib/${'nested-folder-name/'.repeat(6)}`;

const ENTRIES: ArchiveEntry[] = [
  { path: 'sightline-agent/', mode: 0o755 },
  { path: 'sightline-agent/bin/', mode: 0o755 },
  { path: 'sightline-agent/bin/sightline-agent', mode: 0o755, body: Buffer.from('#!/bin/sh\necho "agent ran"\n') },
  { path: 'sightline-agent/config.json', mode: 0o600, body: Buffer.from('{"serverUrl":"https://rmm.example.test"}\n') },
  { path: 'sightline-agent/empty.txt', mode: 0o644, body: Buffer.alloc(0) },
  // 600 bytes: more than one tar block, and a name past ustar's 100-byte name field (kept in prefix).
  { path: `${LONG_DIR}module-with-a-long-name.js`, mode: 0o644, body: Buffer.from('x'.repeat(600)) },
  { path: 'sightline-agent/ünïcode.md', mode: 0o644, body: Buffer.from('é\n') },
];

const work = mkdtempSync(join(tmpdir(), 'sightline-archive-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The system tools read what the builder writes: GNU tar for .tar.gz, python3's zipfile for .zip. */
describe('package archives', () => {
  it('writes a .tar.gz that tar lists and extracts, with modes and contents intact', () => {
    const file = join(work, 'package.tar.gz');
    writeFileSync(file, tarGz(ENTRIES, MTIME));
    const listing = execFileSync('tar', ['-tzvf', file], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } }).trimEnd().split('\n');
    expect(listing).toHaveLength(ENTRIES.length);
    const line = (path: string) => listing.find((l) => l.endsWith(` ${path}`))!;
    expect(line('sightline-agent/bin/sightline-agent')).toMatch(/^-rwxr-xr-x root\/root\s+27 2026-11-26 14:30 /);
    expect(line('sightline-agent/config.json')).toMatch(/^-rw------- /);
    expect(line('sightline-agent/bin/')).toMatch(/^drwxr-xr-x /);
    expect(line(`${LONG_DIR}module-with-a-long-name.js`)).toMatch(/^-rw-r--r-- root\/root\s+600 /);

    const out = join(work, 'tar-out');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xzf', file, '-C', out]);
    const launcher = join(out, 'sightline-agent/bin/sightline-agent');
    expect(statSync(launcher).mode & 0o777).toBe(0o755);
    expect(execFileSync(launcher, { encoding: 'utf8' })).toBe('agent ran\n');
    expect(readFileSync(join(out, LONG_DIR, 'module-with-a-long-name.js'), 'utf8')).toBe('x'.repeat(600));
    expect(readFileSync(join(out, 'sightline-agent/ünïcode.md'), 'utf8')).toBe('é\n');
    expect(statSync(join(out, 'sightline-agent/config.json')).mode & 0o777).toBe(0o600);
  });

  it('writes a .zip that python3 zipfile reads, with CRCs, contents and Unix modes intact', () => {
    const file = join(work, 'package.zip');
    writeFileSync(file, zip(ENTRIES, MTIME));
    const script = [
      'import json, sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      'assert z.testzip() is None',
      'print(json.dumps([[i.filename, i.external_attr >> 16, i.date_time, z.read(i).decode("utf-8")] for i in z.infolist()]))',
    ].join('\n');
    const members = JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as [string, number, number[], string][];
    expect(members.map((m) => m[0])).toEqual(ENTRIES.map((e) => e.path));
    for (const [i, [, mode, dateTime, content]] of members.entries()) {
      const entry = ENTRIES[i]!;
      const isDir = entry.path.endsWith('/');
      expect(mode, entry.path).toBe((isDir ? 0o040000 : 0o100000) | entry.mode);
      expect(dateTime).toEqual([2026, 11, 26, 14, 30, 0]);
      expect(content).toBe(isDir ? '' : entry.body!.toString('utf8'));
    }

    const out = join(work, 'zip-out');
    execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', file, out]);
    expect(readFileSync(join(out, 'sightline-agent/bin/sightline-agent'), 'utf8')).toContain('agent ran');
  });

  it('is the same bytes for the same entries and time', () => {
    expect(tarGz(ENTRIES, MTIME).equals(tarGz(ENTRIES, MTIME))).toBe(true);
    expect(zip(ENTRIES, MTIME).equals(zip(ENTRIES, MTIME))).toBe(true);
  });

  it('refuses a path ustar cannot hold', () => {
    expect(() => tarGz([{ path: `${'a'.repeat(120)}/${'b'.repeat(120)}`, mode: 0o644, body: Buffer.alloc(1) }], MTIME)).toThrow(/path too long/);
  });
});
