import { XML_DECLARATION, XmlWriter, type Attributes } from '../xml/writer.js';
import { escapeText } from '../xml/escape.js';
import { renderToString } from './render.js';
import type { FieldNode, ParamSpec, ServiceSpec, XmlNode } from './service-spec.js';

const DESCRIBE_PARAM: ParamSpec & { name: string } = {
  name: 'describe',
  type: 'boolean',
  required: false,
  default: '0',
  values: 'true',
  description: 'Optional. Returns a description of the service.',
  schema: undefined as never,
};

/**
 * The `describe=true` answer (api-errors.md §5), generated from the service spec: name, URL, description,
 * parameters, an example document rendered from the shape with sample values, and the field table.
 * The URL, example and table carry HTML/XML, so they are sent as CDATA.
 */
export function describeDocument(spec: ServiceSpec, attributes: Attributes, baseUrl: string): string {
  const w = new XmlWriter();
  w.raw(XML_DECLARATION);
  w.open('result', attributes);
  return w.take() + describedService(spec, baseUrl);
}

/** What `describedService` made per spec (and the base URL it was for): a spec never changes once loaded. */
const described = new WeakMap<ServiceSpec, { baseUrl: string; markup: string }>();

/** Everything inside `<result>` (the `<service>` element and the closing tag): rendered once per service. */
function describedService(spec: ServiceSpec, baseUrl: string): string {
  const known = described.get(spec);
  if (known?.baseUrl === baseUrl) return known.markup;
  const w = new XmlWriter();
  w.open('service');
  w.text('name', spec.name);
  w.text('url', describeUrl(spec, baseUrl), true);
  w.text('description', spec.description);
  w.open('parameters');
  for (const [name, p] of [['describe', DESCRIBE_PARAM] as const, ...Object.entries(spec.params)]) {
    w.open('parameter');
    w.text('name', name);
    w.text('type', p.type);
    w.text('default', p.default ?? '');
    w.text('values', p.values ?? '');
    w.text('description', p.description);
    w.text('required', p.required ? 'yes' : 'no');
    w.close('parameter');
  }
  w.close('parameters');
  w.text('example', renderToString(spec.root ?? 'result', exampleAttributes(spec), spec.shape, sampleData(spec.shape)), true);
  w.text('fielddescriptions', fieldTable(spec.shape), true);
  w.close('service');
  w.close('result');
  const markup = w.take();
  described.set(spec, { baseUrl, markup });
  return markup;
}

function describeUrl(spec: ServiceSpec, baseUrl: string): string {
  const required = Object.entries(spec.params).filter(([, p]) => p.required).map(([n]) => `&${n}=${n}`).join('');
  const optional = Object.entries(spec.params).filter(([, p]) => !p.required).map(([n]) => `&${n}=${n}`).join('');
  return `${baseUrl}/api/default.php?apikey=api_token&service=${spec.name}<br />${required}${optional ? `<br />[${optional}]` : ''}`;
}

function exampleAttributes(spec: ServiceSpec): Attributes {
  const all: Attributes = [['created', '2015-07-20T09:45:09+01:00'], ['host', 'SERVER'], ['status', 'OK']];
  if (spec.rootAttributes === 'none') return [];
  return spec.rootAttributes === 'created-host' ? all.slice(0, 2) : all;
}

const SAMPLES: Record<FieldNode['type'], string | number> = {
  integer: 1,
  number: 1.5,
  boolean: 1,
  string: 'text',
  date: '2015-07-20',
  datetime: '2015-07-20 09:45:09',
};

/** Example data for a shape: one item per list, a typed sample per field. */
export function sampleData(nodes: readonly XmlNode[]): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const node of nodes) {
    if (node.kind === 'field') data[node.key ?? node.name] = SAMPLES[node.type];
    else if (node.kind === 'list') data[node.key] = [sampleData(node.children)];
    else if (node.key === undefined) Object.assign(data, sampleData(node.children));
    else data[node.key] = sampleData(node.children);
    for (const a of node.attributes ?? []) data[a.key ?? a.name] = 1;
  }
  return data;
}

/** The "Fields Description" table, one row per leaf element with its path. */
function fieldTable(nodes: readonly XmlNode[]): string {
  let rows = '';
  const walk = (list: readonly XmlNode[], prefix: string) => {
    for (const node of list) {
      if (node.kind === 'field') {
        rows += `<tr valign="top"><td>${prefix}${node.name}</td><td>${node.type}</td><td>${node.canBeEmpty || node.optional ? 'yes' : 'no'}</td><td>${escapeText(node.description)}</td></tr>`;
      } else {
        walk(node.children, `${prefix}${node.name}/`);
      }
    }
  };
  walk(nodes, '');
  return `<table id="details-table"><tr><th>Field</th><th>Type</th><th>Can Be Empty</th><th>Description</th></tr>${rows}</table>`;
}
