import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '../../src/deapi/registry.js';
import { ErrorCode, errors } from '../../src/errors.js';
import { servicesMarkdown } from '../../scripts/generate-services-doc.js';

const docs = (name: string) => readFileSync(join(import.meta.dirname, '..', '..', 'docs', name), 'utf8');

/** The documentation kept in step with the code it describes (CONTRIBUTING.md, "Docs"). */
describe('docs/services.md and the service registry', () => {
  const headings = [...docs('services.md').matchAll(/^### `([^`]+)`$/gm)].map((m) => m[1]);

  it('documents every registered service', () => {
    const missing = SERVICES.map((s) => s.name).filter((name) => !headings.includes(name));
    expect(missing, 'run `npx tsx scripts/generate-services-doc.ts`').toEqual([]);
  });

  it('documents no service the registry lacks, and each once', () => {
    const registered = new Set(SERVICES.map((s) => s.name));
    expect(headings.filter((name) => !registered.has(name))).toEqual([]);
    expect(new Set(headings).size).toBe(headings.length);
  });

  it('the generator writes one heading per service', () => {
    const generated = [...servicesMarkdown().matchAll(/^### `([^`]+)`$/gm)].map((m) => m[1]);
    expect(generated).toEqual(SERVICES.map((s) => s.name));
  });
});

describe('docs/errors.md and src/errors.ts', () => {
  const rows = [...docs('errors.md').matchAll(/^\| (\d+) \| `(\w+)` \| `([^`]+)` \|/gm)].map((m) => ({ code: Number(m[1]), name: m[2]!, message: m[3]! }));

  it('lists every code of the table with its number, and nothing else', () => {
    expect(rows.map((r) => [r.name, r.code])).toEqual(Object.entries(ErrorCode));
  });

  it('shows the message each code is sent with', () => {
    const sample: Record<string, string> = {
      serviceUnknown: errors.serviceUnknown().message,
      loginFailed: errors.loginFailed().message,
      invalidValue: errors.invalidValue('NAME').message,
      missingParameter: errors.missingParameter('NAME').message,
      permissionDenied: errors.permissionDenied('WHAT').message,
      tooManyRequests: errors.tooManyRequests(60).message,
      internal: errors.internal().message,
    };
    for (const row of rows) expect(row.message, row.name).toBe(sample[row.name]);
  });
});
