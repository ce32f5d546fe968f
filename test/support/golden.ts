import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');

/**
 * Compares a wire body byte for byte with test/golden/NAME.xml. `UPDATE_GOLDEN=1` rewrites the file
 * instead (review the diff before committing it).
 */
export function expectGolden(name: string, body: string): void {
  const path = join(GOLDEN_DIR, `${name}.xml`);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(path, body);
    return;
  }
  expect(body, `golden file ${name}.xml`).toBe(readFileSync(path, 'utf8'));
}
