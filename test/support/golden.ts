import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { parseStringPromise } from 'xml2js';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');

/** test/golden/<service>.xml, with the slash of `mob/mob_list_selection_size` replaced. */
export function goldenPath(service: string): string {
  return join(GOLDEN_DIR, `${service.replaceAll('/', '_')}.xml`);
}

/**
 * Compares an answer byte for byte with its golden file (UPDATE_GOLDEN=1 rewrites it), then parses it
 * with the parsers real clients use, so a golden can never pin a document they would reject.
 */
export async function expectGolden(service: string, body: string): Promise<void> {
  const file = goldenPath(service);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, body);
  }
  expect(existsSync(file), `golden file ${file} missing; run with UPDATE_GOLDEN=1`).toBe(true);
  expect(body).toBe(readFileSync(file, 'utf8'));
  const viaXml2js = await parseStringPromise(body);
  expect(Object.keys(viaXml2js)).toHaveLength(1);
  expect(XMLValidator.validate(body)).toBe(true);
  const viaFxp = new XMLParser({ ignoreAttributes: false }).parse(body);
  expect(Object.keys(viaFxp).filter((k) => k !== '?xml')).toHaveLength(1);
}
