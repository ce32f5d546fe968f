import { XML_DECLARATION, XmlWriter, type Attributes } from '../xml/writer.js';
import { isoWithOffset } from '../lib/dates.js';
import type { ServiceSpec } from './service-spec.js';

/** Attributes of the root element: created (in the account's timezone), host, status. */
export function rootAttributes(
  spec: Pick<ServiceSpec, 'rootAttributes'> | undefined,
  now: Date,
  timeZone: string,
  host: string,
  status: 'OK' | 'FAIL' = 'OK',
): Attributes {
  const created = isoWithOffset(now, timeZone);
  switch (spec?.rootAttributes ?? 'full') {
    case 'none':
      return [];
    case 'created-host':
      return [['created', created], ['host', host]];
    default:
      return [['created', created], ['host', host], ['status', status]];
  }
}

/** The error envelope of api-errors.md §3. */
export function errorDocument(code: number, message: string, now: Date, timeZone: string, host: string): string {
  const w = new XmlWriter();
  w.raw(XML_DECLARATION);
  w.open('result', rootAttributes(undefined, now, timeZone, host, 'FAIL'));
  w.open('error');
  w.text('errorcode', code);
  w.text('message', message);
  w.close('error');
  w.close('result');
  return w.take();
}
