import { z } from 'zod';
import { DUPLICATE_CLIENT_MESSAGE } from '../../../clients/client.service.js';
import { isValidTimeZone, zonedParts } from '../../../lib/dates.js';
import { isValidEmailAddress } from '../../../lib/email-address.js';
import { Permission } from '../../../access/permissions.js';
import { defineService, x, param, type ParamSpec } from '../../service-spec.js';

const MAX_CONFIG_XML = 64 * 1024;

/** A text parameter of a given describe type with its own validation. */
function validated<R extends boolean = false>(type: string, description: string, schema: z.ZodType<string>, required = false as R): ParamSpec<string, R> {
  return { ...param.string(description, { type }), required, schema };
}

export const emailParam = (description: string) => validated('email', description, z.string().max(320).refine(isValidEmailAddress));
export const phoneParam = (description: string) => validated('phone', description, z.string().regex(/^\+?[0-9][0-9 ()-]{2,31}$/));
const xmlParam = (description: string) => validated('xml', description, z.string().max(MAX_CONFIG_XML).regex(/^\s*</));

/** `YYYY-MM-DD` of now in a timezone (creation_date is the account's calendar day). */
export function todayIn(now: Date, timeZone: string): string {
  const p = zonedParts(now, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

export const addClient = defineService({
  name: 'add_client',
  family: 'clients',
  description: 'Creates a client. Only name is required.',
  params: {
    name: validated('string', 'Name of the new client; unique in the account.', z.string().max(200).refine((v) => v.trim().length > 0), true),
    timezone: validated('string', "Only if it differs from the account's, e.g. Europe/Madrid.", z.string().max(64).refine(isValidTimeZone)),
    licenseconfig: xmlParam('License configuration XML; its groupid is a license_group_id.'),
    reportconfig: xmlParam('Report configuration XML: <reportconfig><report><type/><mailto/><mailcc/><sendat/>[<daystorun/>]</report>…</reportconfig>.'),
    officehoursemail: emailParam('Email address for alerts in office hours.'),
    officehourssms: phoneParam('Phone number for SMS alerts in office hours.'),
    outofofficehoursemail: emailParam('Email address for alerts out of office hours.'),
    outofofficehourssms: phoneParam('Phone number for SMS alerts out of office hours.'),
  },
  permission: Permission.clients,
  write: true,
  notes:
    'The answer (unseen in N-sight) is result>data>{success,clientid} with the usual created/host/status attributes, by analogy with add_site. ' +
    `A duplicate name answers status="FAIL" with <error><errorcode>4</errorcode><message>${DUPLICATE_CLIENT_MESSAGE}</message></error>: ` +
    "add_site's documented <error><message> shape plus the code and attributes every client already reads. Names are unique per account, " +
    'so the duplicate check also covers clients outside the key\'s client group. A key restricted to a client group puts the new client in that ' +
    'group (All Clients holds it anyway). licenseconfig/reportconfig are kept as given (up to 64 KB, must start with an element).',
  shape: [
    x.group('data', [
      x.int('success', '1 when the client was created'),
      x.int('clientid', 'Id of the new client'),
    ], { key: 'data' }),
  ],
  async handler({ caller, clients, clock }, params) {
    const clientid = await clients.add(caller.scope, {
      name: params.name,
      timezone: params.timezone ?? '',
      creation_date: todayIn(clock.now(), caller.timezone),
      licenseconfig: params.licenseconfig ?? '',
      reportconfig: params.reportconfig ?? '',
      officehoursemail: params.officehoursemail ?? '',
      officehourssms: params.officehourssms ?? '',
      outofofficehoursemail: params.outofofficehoursemail ?? '',
      outofofficehourssms: params.outofofficehourssms ?? '',
    });
    return { data: { success: 1, clientid } };
  },
});
