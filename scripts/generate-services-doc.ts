/**
 * Writes docs/services.md from the service registry: `npx tsx scripts/generate-services-doc.ts`.
 * The registry is the source of truth; test/integration/docs.test.ts fails when the two disagree.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiPermissionOf } from '../src/access/permissions.js';
import { SERVICES } from '../src/deapi/registry.js';
import type { ServiceSpec, XmlNode } from '../src/deapi/service-spec.js';

/** The file this script writes; docs.test.ts compares it with servicesMarkdown() byte for byte. */
export const SERVICES_DOC = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'services.md');

/** Markdown table cells: pipes escaped, newlines flattened. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function elementOutline(nodes: readonly XmlNode[], depth: number, lines: string[]): void {
  for (const node of nodes) {
    const indent = '  '.repeat(depth);
    if (node.kind === 'field') {
      lines.push(`${indent}${node.name}${node.optional ? '?' : ''}`);
      continue;
    }
    const attributes = node.attributes?.length ? `[${node.attributes.map((a) => `@${a.name}`).join(' ')}]` : '';
    lines.push(`${indent}${node.name}${attributes}${node.kind === 'list' ? '*' : node.optional ? '?' : ''}`);
    elementOutline(node.children, depth + 1, lines);
  }
}

function serviceSection(spec: ServiceSpec): string {
  const out: string[] = [`### \`${spec.name}\``, '', spec.description, ''];
  const params = Object.entries(spec.params);
  if (params.length === 0) {
    out.push('Parameters: none besides `describe`.', '');
  } else {
    out.push('| Parameter | Type | Required | Default | Values | Description |', '|---|---|---|---|---|---|');
    for (const [name, p] of params) {
      out.push(`| \`${name}\` | ${p.type} | ${p.required ? 'yes' : 'no'} | ${cell(p.default ?? '')} | ${cell(p.values ?? '')} | ${cell(p.description)} |`);
    }
    out.push('');
  }
  const root = spec.root ?? 'result';
  const rootAttributes = { full: 'created, host, status', 'created-host': 'created, host', none: 'none' }[spec.rootAttributes ?? 'full'];
  out.push(`Root element: \`<${root}>\` (attributes: ${rootAttributes}). Permission: ${spec.permission ?? `${apiPermissionOf(spec)} (every read)`}${spec.write ? '; writes (read-write key)' : ''}.`, '');
  const outline: string[] = [];
  elementOutline(spec.shape, 1, outline);
  out.push('```', root, ...outline, '```', '');
  if (spec.notes) out.push(`Notes: ${spec.notes}`, '');
  return out.join('\n');
}

/** The whole document, services grouped by family in registry order. */
export function servicesMarkdown(services: readonly ServiceSpec[] = SERVICES): string {
  const families = [...new Set(services.map((s) => s.family))];
  const parts = [
    '# Data Extraction API services',
    '',
    'Generated from `src/deapi/registry.ts` by `npx tsx scripts/generate-services-doc.ts`; do not edit by hand.',
    'Every service also answers `describe=true` (or `True`, `1`) with the same information, without its required parameters.',
    'In the outlines, `*` marks a repeated element, `?` an element present only when it applies, `[@x]` an attribute.',
    'Errors are listed in [errors.md](errors.md).',
    '',
  ];
  for (const family of families) {
    parts.push(`## ${family}`, '');
    for (const spec of services.filter((s) => s.family === family)) parts.push(serviceSection(spec));
  }
  return parts.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SERVICES_DOC, servicesMarkdown());
  console.log(`wrote ${SERVICES_DOC} (${SERVICES.length} services)`);
}
