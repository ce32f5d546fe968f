import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as protocol from '../../src/agent-protocol/protocol.schema.js';
import { AgentPackageConfig } from '../../src/agent-protocol/installation-package.service.js';
import { DEFAULT_COMMAND_TTL_SECONDS } from '../../src/commands/command.service.js';
import { BATCH_RETENTION_SECONDS } from '../../src/ingest/ingest.service.js';
import { DEVICE_SECRET_PREFIX, SITE_TOKEN_PREFIX, isPrefixedSecret } from '../../src/lib/secrets.js';

const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'agent-protocol.md'), 'utf8');
const SCHEMAS: Record<string, z.ZodType> = { ...(protocol as unknown as Record<string, z.ZodType>), AgentPackageConfig };
const examples = [...doc.matchAll(/<!-- schema: (\w+) -->\n```json\n([\s\S]*?)\n```/g)].map((m) => ({ schema: m[1]!, text: m[2]! }));

/** docs/agent-protocol.md stays true: every example is valid under the schema it names, and the limits are the code's. */
describe('docs/agent-protocol.md', () => {
  it('names a schema before every JSON example', () => {
    expect(examples.length).toBe([...doc.matchAll(/^```json$/gm)].length);
  });

  it.each(examples.map((e, i) => [`${i + 1}: ${e.schema}`, e] as const))('example %s is valid', (_, example) => {
    const schema = SCHEMAS[example.schema];
    expect(schema, `no schema ${example.schema} in protocol.schema.ts`).toBeDefined();
    const result = schema!.safeParse(JSON.parse(example.text));
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('shows a request and an answer for every endpoint, and every error code the server sends', () => {
    const shown = new Set(examples.map((e) => e.schema));
    for (const name of ['EnrolRequest', 'EnrolResponse', 'ConfigResponse', 'ReportRequest', 'ReportResponse', 'CommandsResponse', 'CommandAck', 'CommandAckResponse', 'ErrorResponse']) {
      expect(shown, name).toContain(name);
    }
    for (const endpoint of ['POST /agent/v1/enrol', 'GET /agent/v1/config', 'POST /agent/v1/reports', 'GET /agent/v1/commands?wait=SECONDS', 'POST /agent/v1/commands/{id}/ack']) {
      expect(doc).toContain(`## \`${endpoint}\``);
    }
    for (const code of ['invalid_json', 'invalid', 'unauthorized', 'not_found', 'conflict', 'too_large', 'unsupported_media_type', 'internal']) expect(doc).toContain(`| \`${code}\` |`);
  });

  it('states the limits the code enforces', () => {
    expect(doc).toContain(`${protocol.MAX_REPORT_BYTES} bytes`);
    expect(doc).toContain(`| ${protocol.MAX_ITEMS_PER_LIST}; past it 413 |`);
    expect(doc).toContain(`| ${protocol.MAX_COMMAND_WAIT_SECONDS} seconds |`);
    expect(doc).toContain(`at most ${protocol.MAX_CLOCK_SKEW_SECONDS} seconds ahead`);
    expect(doc).toContain(`| ${DEFAULT_COMMAND_TTL_SECONDS} seconds unless`);
    expect(doc).toContain(`Applied ids are remembered for ${BATCH_RETENTION_SECONDS / 86400} days`);
  });

  it('uses example secrets of the real shape', () => {
    for (const token of doc.match(/slt_[A-Za-z0-9_-]{20,}/g)!) expect(isPrefixedSecret(SITE_TOKEN_PREFIX, token), token).toBe(true);
    for (const secret of doc.match(/sld_[A-Za-z0-9_-]{20,}/g)!) expect(isPrefixedSecret(DEVICE_SECRET_PREFIX, secret), secret).toBe(true);
  });
});
