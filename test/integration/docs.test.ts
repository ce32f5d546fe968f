import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '../../src/deapi/registry.js';
import { ErrorCode, errors } from '../../src/errors.js';
import { SERVICES_DOC, servicesMarkdown } from '../../scripts/generate-services-doc.js';

/** The documentation kept in step with the code it describes (CONTRIBUTING.md, "Docs"). */
describe('docs/services.md and the service registry', () => {
  it('is byte for byte what scripts/generate-services-doc.ts writes from the registry', () => {
    expect(readFileSync(SERVICES_DOC, 'utf8'), 'docs/services.md is stale: run `npx tsx scripts/generate-services-doc.ts`').toBe(servicesMarkdown());
  });

  it('the generator documents every registered service once, in registry order', () => {
    const generated = [...servicesMarkdown().matchAll(/^### `([^`]+)`$/gm)].map((m) => m[1]);
    expect(generated).toEqual(SERVICES.map((s) => s.name));
  });
});

describe('docs/errors.md and src/errors.ts', () => {
  const text = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
  const rows = [...text.matchAll(/^\| (\d+) \| `(\w+)` \| `([^`]+)` \|/gm)].map((m) => ({ code: Number(m[1]), name: m[2]!, message: m[3]! }));

  it('lists every code of the table with its number, and nothing else', () => {
    expect(rows.map((r) => [r.name, r.code])).toEqual(Object.entries(ErrorCode));
    // A row the pattern above cannot read (a typo in its code, name or message cell) fails too.
    const tableRows = text.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Code |'));
    expect(tableRows).toHaveLength(rows.length);
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
