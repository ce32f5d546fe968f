import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseString } from 'xml2js';
import { DIALECTS } from './databases.js';
import type { DialectName } from '../../src/db/dialect.js';

export const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');

/** test/golden/<name>.xml, with the slash of `mob/mob_list_selection_size` replaced. */
export function goldenPath(name: string): string {
  return join(GOLDEN_DIR, `${name.replaceAll('/', '_')}.xml`);
}

/**
 * The rule of expectGolden on any path (a test checks it on a scratch file): with `update`, only the first
 * dialect of the run writes the file; every other dialect compares with what the first wrote, so a
 * difference between the databases fails instead of one dialect silently overwriting the other's bytes.
 */
export function checkGoldenFile(file: string, body: string, dialect: DialectName, update: boolean, dialects: readonly DialectName[] = DIALECTS): void {
  if (update && dialect === dialects[0]) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, body);
  }
  if (!existsSync(file)) throw new Error(`No golden file ${file}: run with UPDATE_GOLDEN=1 and review it`);
  expect(body, `answer differs from ${basename(file)} on ${dialect}`).toBe(readFileSync(file, 'utf8'));
}

/**
 * Compares an answer byte for byte with its golden file, on the dialect that produced it (required: the
 * same file pins the bytes on SQLite and PostgreSQL alike, and only DIALECTS[0] may rewrite it). Every
 * golden must also be a document real clients' parsers accept.
 */
export function expectGolden(name: string, body: string, dialect: DialectName): void {
  checkGoldenFile(goldenPath(name), body, dialect, process.env.UPDATE_GOLDEN === '1');
  expectParsesForClients(body);
}

/** xml2js 0.6 and fast-xml-parser 4 both accept the document and see exactly one root element. */
export function expectParsesForClients(body: string): void {
  expect(XMLValidator.validate(body)).toBe(true);
  const viaFxp = new XMLParser({ ignoreAttributes: false }).parse(body);
  expect(Object.keys(viaFxp).filter((k) => k !== '?xml')).toHaveLength(1);
  // xml2js calls back synchronously unless `async: true` is set.
  let root: unknown;
  parseString(body, (error: Error | null, result: Record<string, unknown>) => {
    if (error) throw error;
    root = result;
  });
  expect(Object.keys(root as object)).toHaveLength(1);
}

/** The golden file's text, for parser checks. */
export function readGolden(name: string): string {
  return readFileSync(goldenPath(name), 'utf8');
}
