import { z } from 'zod';
import { Permission } from '../../../access/permissions.js';
import { DUPLICATE_SITE_MESSAGE } from '../../../sites/site.service.js';
import { defineService, x, param, type ParamSpec } from '../../service-spec.js';
import { todayIn } from './add-client.service.js';

const router = (description: string): ParamSpec<string, false> => ({
  ...param.string(description),
  // An IPv4/IPv6 address or a host name.
  schema: z.string().max(255).regex(/^[A-Za-z0-9.:_-]+$/),
});

const template = (description: string): ParamSpec<string, false> => ({
  type: 'string',
  required: false,
  description,
  default: 'inherit',
  values: 'template id|off|inherit',
  schema: z.string().regex(/^(off|inherit|\d{1,15})$/),
});

export const addSite = defineService({
  name: 'add_site',
  family: 'clients',
  description: 'Creates a site under a client, optionally with its monitoring templates and Data Overdue Cross Check routers.',
  params: {
    clientid: param.id('Client to create the site under.'),
    sitename: { ...param.string('Name of the new site; unique for the client.', { required: true, max: 200 }), schema: z.string().max(200).refine((v) => v.trim().length > 0) },
    router1: router('Primary router IP or host name.'),
    router2: router('Secondary router IP or host name.'),
    workstationtemplate: template('Workstation monitoring template: a template id (list_templates, devicetype workstation), off, or inherit.'),
    servertemplate: template('Server monitoring template: a template id (list_templates, devicetype server), off, or inherit.'),
  },
  permission: Permission.sites,
  write: true,
  notes:
    `A duplicate name answers status="FAIL" with <error><errorcode>4</errorcode><message>${DUPLICATE_SITE_MESSAGE}</message></error>: ` +
    'the documented <error><message> plus the code and the created/host/status attributes (the doc example shows none; real servers probably add them). ' +
    "Success is result>data>{success,siteid} with the same attributes. A template must belong to the account and be of the parameter's device type.",
  shape: [
    x.group('data', [
      x.int('success', '1 when the site was created'),
      x.int('siteid', 'Id of the new site'),
    ], { key: 'data' }),
  ],
  async handler({ caller, clients, sites, clock }, params) {
    const client = await clients.requireVisible(caller.scope, params.clientid);
    const siteid = await sites.add(caller.scope, client.id, {
      name: params.sitename,
      creation_date: todayIn(clock.now(), caller.timezone),
      primary_router: params.router1 ?? '',
      secondary_router: params.router2 ?? '',
      workstationTemplate: params.workstationtemplate,
      serverTemplate: params.servertemplate,
    });
    return { data: { success: 1, siteid } };
  },
});
