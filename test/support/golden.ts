import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { DIALECTS } from './databases.js';
import type { DialectName } from '../../src/db/dialect.js';

export const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');

/**
 * Compares an answer byte for byte with `test/golden/NAME.xml`. With UPDATE_GOLDEN=1 the first dialect
 * of the run writes the file and every later dialect is still compared with it, so one golden pins the
 * bytes on SQLite and PostgreSQL alike.
 */
export function expectGolden(name: string, body: string, dialect: DialectName): void {
  const file = join(GOLDEN_DIR, `${name}.xml`);
  if (process.env.UPDATE_GOLDEN === '1' && dialect === DIALECTS[0]) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, body);
    return;
  }
  if (!existsSync(file)) throw new Error(`No golden file ${file}: run with UPDATE_GOLDEN=1 and review it`);
  expect(body, `answer differs from ${name}.xml on ${dialect}`).toBe(readFileSync(file, 'utf8'));
}

/** The golden file's text, for parser checks. */
export function readGolden(name: string): string {
  return readFileSync(join(GOLDEN_DIR, `${name}.xml`), 'utf8');
}
