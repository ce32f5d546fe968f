import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

/**
 * Archives for installation packages, built in memory with node:zlib alone: a gzipped ustar tar (Linux,
 * macOS) and a zip (Windows). Packages are a few hundred kilobytes, so no streaming is needed, and no
 * archive dependency is worth its weight for two small, fixed formats.
 */

/** One archive member; a path ending in `/` is a directory. Paths use `/` and are relative. */
export type ArchiveEntry = { readonly path: string; readonly mode: number; readonly body?: Buffer };

const BLOCK = 512;

/** `value` as zero-padded octal of `width - 1` digits and a NUL, as ustar numeric fields are. */
function octal(value: number, width: number): string {
  const text = value.toString(8);
  if (text.length > width - 1) throw new Error(`tar: ${value} does not fit a ${width}-byte field`);
  return `${text.padStart(width - 1, '0')}\0`;
}

/** ustar keeps names over 100 bytes as prefix (≤ 155) + `/` + name (≤ 100), split at a slash. */
function splitName(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0) return { name, prefix };
  }
  throw new Error(`tar: path too long: ${path}`);
}

function tarHeader(entry: ArchiveEntry, size: number, mtime: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  const { name, prefix } = splitName(entry.path);
  const isDir = entry.path.endsWith('/');
  header.write(name, 0, 100, 'utf8');
  header.write(octal(entry.mode & 0o7777, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii');
  header.write(octal(0, 8), 116, 'ascii');
  header.write(octal(size, 12), 124, 'ascii');
  header.write(octal(mtime, 12), 136, 'ascii');
  header.write(' '.repeat(8), 148, 'ascii'); // the checksum is computed with its own field as spaces
  header.write(isDir ? '5' : '0', 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  header.write('root', 265, 'ascii');
  header.write('root', 297, 'ascii');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}

/** A gzipped ustar archive of the entries, every member owned by root (uid 0) and dated `mtime` (epoch seconds). */
export function tarGz(entries: readonly ArchiveEntry[], mtime: number): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const body = entry.path.endsWith('/') ? Buffer.alloc(0) : (entry.body ?? Buffer.alloc(0));
    parts.push(tarHeader(entry, body.length, mtime), body);
    const padding = (BLOCK - (body.length % BLOCK)) % BLOCK;
    if (padding > 0) parts.push(Buffer.alloc(padding));
  }
  parts.push(Buffer.alloc(BLOCK * 2)); // end of archive: two zero blocks
  return gzipSync(Buffer.concat(parts), { level: 9 });
}

/** MS-DOS time and date fields (2-second resolution, years from 1980) of a UTC time. */
function dosDateTime(epochSeconds: number): { time: number; date: number } {
  const d = new Date(Math.max(epochSeconds, 315_532_800) * 1000); // nothing before 1980-01-01
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
/** Version made by: Unix (3) so readers take the mode from the external attributes; 2.0 features. */
const MADE_BY_UNIX = (3 << 8) | 20;
const VERSION_NEEDED = 20;
/** General purpose flag bit 11: names are UTF-8. */
const UTF8_NAMES = 0x0800;

type EntryFields = { method: number; time: number; date: number; crc: number; compressedSize: number; size: number; nameLength: number };

/** The fields local and central headers share, in the same order: version needed … name length. */
function writeEntryFields(header: Buffer, at: number, f: EntryFields): void {
  header.writeUInt16LE(VERSION_NEEDED, at);
  header.writeUInt16LE(UTF8_NAMES, at + 2);
  header.writeUInt16LE(f.method, at + 4);
  header.writeUInt16LE(f.time, at + 6);
  header.writeUInt16LE(f.date, at + 8);
  header.writeUInt32LE(f.crc, at + 10);
  header.writeUInt32LE(f.compressedSize, at + 14);
  header.writeUInt32LE(f.size, at + 18);
  header.writeUInt16LE(f.nameLength, at + 22);
}

/** A zip archive of the entries (deflate), with Unix modes in the external attributes; no zip64 (< 4 GB). */
export function zip(entries: readonly ArchiveEntry[], mtime: number): Buffer {
  if (entries.length > 0xffff) throw new Error('zip: too many entries without zip64');
  const { time, date } = dosDateTime(mtime);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const isDir = entry.path.endsWith('/');
    const raw = isDir ? Buffer.alloc(0) : (entry.body ?? Buffer.alloc(0));
    const method = isDir ? 0 : 8;
    const data = isDir ? raw : deflateRawSync(raw, { level: 9 });
    const crc = crc32(raw);
    const name = Buffer.from(entry.path, 'utf8');
    if (offset + data.length > 0xffff_ffff) throw new Error('zip: archive too large without zip64');

    const fields: EntryFields = { method, time, date, crc, compressedSize: data.length, size: raw.length, nameLength: name.length };
    // Local header: signature, then the shared fields from offset 4; extra length 0.
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeEntryFields(local, 4, fields);
    locals.push(local, name, data);

    // Central directory header: signature, version made by, the shared fields from offset 6; extra and
    // comment lengths, disk number and internal attributes stay 0 (offsets 30–37).
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    writeEntryFields(central, 6, fields);
    const unixMode = (isDir ? S_IFDIR : S_IFREG) | (entry.mode & 0o7777);
    central.writeUInt32LE(((unixMode << 16) | (isDir ? 0x10 : 0)) >>> 0, 38); // 0x10: MS-DOS directory bit
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
