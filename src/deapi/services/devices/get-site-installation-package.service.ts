import { z } from 'zod';
import { requireVisible } from '../../../access/scope.js';
import { PACKAGE_OS, PACKAGE_TYPES } from '../../../agent-protocol/installation-package.service.js';
import { errors } from '../../../errors.js';
import { SITE_TOKEN_PERMISSION } from '../../../sites/site-token.service.js';
import type { FileAnswer } from '../../file-answer.js';
import { defineService, param } from '../../service-spec.js';

export const getSiteInstallationPackage = defineService({
  name: 'get_site_installation_package',
  family: 'devices',
  description: 'Builds a Site Installation Package of the chosen type and returns it as a download.',
  params: {
    endcustomerid: param.id('The client the site belongs to.'),
    siteid: param.id('The site devices installed with the package join.'),
    type: param.oneOf(PACKAGE_TYPES, 'Package type: remote_worker, or group_policy (Windows only).', { required: true }),
    os: param.oneOf(PACKAGE_OS, 'Optional. Operating system of the package; windows when absent.', { default: 'windows' }),
    beta: {
      type: 'boolean',
      required: false,
      description: 'Optional. true for the Release Candidate agent.',
      default: 'false',
      values: 'true|false',
      schema: z.enum(['true', 'false', 'True', 'False', '1', '0']),
    },
    mode: param.oneOf(['authenticate', 'downloadgp', 'downloadrwbuild'], 'Optional. How the package is fetched.'),
  },
  permission: SITE_TOKEN_PERMISSION,
  write: true,
  notes:
    'The answer is the package itself, not XML: HTTP 200, Content-Disposition: attachment; filename=…, for os=linux and os=mac a .tar.gz ' +
    '(Content-Type application/gzip), for Windows a .zip (application/zip). It unpacks to sightline-agent/: the reference agent ' +
    '(bin/sightline-agent, mode 0755) and config.json {serverUrl, siteToken, agentPath}. Every download creates a new site enrolment token ' +
    '(valid 30 days, listed and revocable with `sightline site-token`), so the call needs the Site Installation Package permission and a ' +
    'read-write key, and is audited. Errors and describe=true stay XML. type=group_policy with os mac or linux answers error 4 on type; ' +
    'a site that is not the client\'s answers error 4 on siteid. beta and mode are accepted and change nothing (Sightline ships one agent ' +
    'build, and every mode gets the same package); the deprecated proxy* parameters are ignored.',
  shape: [],
  async handler({ caller, clients, sites, installationPackages }, params): Promise<FileAnswer> {
    const os = params.os ?? 'windows';
    if (params.type === 'group_policy' && os !== 'windows') throw errors.invalidValue('type');
    const client = await requireVisible(clients.findVisible(caller.scope, params.endcustomerid), 'endcustomerid');
    const site = await sites.findVisible(caller.scope, params.siteid);
    if (!site || site.client_id !== client.id) throw errors.invalidValue('siteid');
    return { file: await installationPackages.buildForCaller(caller, site.id, { os, type: params.type }) };
  },
});
