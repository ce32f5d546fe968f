import { requireVisible, type Scope } from '../access/scope.js';
import { isUniqueViolation } from '../db/dialect.js';
import { errors } from '../errors.js';
import type { TemplateRepository } from '../templates/template.repository.js';
import type { SiteRepository } from './site.repository.js';

/** add_site's documented duplicate-name message. */
export const DUPLICATE_SITE_MESSAGE = 'Duplicate name - Site name already exists for Client!';

/** A site's monitoring template as given: a template id, `off`, `inherit`, or absent (inherit). */
export type TemplateChoice = string | undefined;

export type NewSite = {
  name: string;
  creation_date: string;
  primary_router: string;
  secondary_router: string;
  workstationTemplate: TemplateChoice;
  serverTemplate: TemplateChoice;
};

/** Sites: the repository's scoped reads, the rule for a site named by a parameter, and adding one under a client. */
export function createSiteService(deps: {
  sites: Pick<SiteRepository, 'pagesByClient' | 'listByClientByName' | 'namesOfClients' | 'findVisible' | 'nameTakenAtClient' | 'create'>;
  templates: Pick<TemplateRepository, 'find'>;
}) {
  const { sites, templates } = deps;

  /** `off`, `inherit`, or the id of one of the account's templates for this device type; otherwise invalid. */
  async function checkTemplate(accountId: number, value: TemplateChoice, deviceType: 'workstation' | 'server', parameter: string) {
    if (value === undefined || value === 'off' || value === 'inherit') return value ?? 'inherit';
    const found = await templates.find(accountId, Number(value));
    if (!found || found.device_type !== deviceType) throw errors.invalidValue(parameter);
    return String(found.id);
  }

  return {
    pagesByClient: sites.pagesByClient,
    listByClientByName: sites.listByClientByName,
    namesOfClients: sites.namesOfClients,
    findVisible: sites.findVisible,

    /** The site `siteid` names when the scope sees it; otherwise error 4, as for one that does not exist. */
    requireVisible: (scope: Scope, siteId: number) => requireVisible(sites.findVisible(scope, siteId), 'siteid'),

    /**
     * Adds a site under a client the caller sees. Templates must be the account's own and of the
     * parameter's device type (errors name workstationtemplate / servertemplate); names are unique per client.
     */
    async add(scope: Scope, clientId: number, site: NewSite): Promise<number> {
      const workstation_template = await checkTemplate(scope.accountId, site.workstationTemplate, 'workstation', 'workstationtemplate');
      const server_template = await checkTemplate(scope.accountId, site.serverTemplate, 'server', 'servertemplate');
      if (await sites.nameTakenAtClient(clientId, site.name)) throw errors.invalidValueMessage(DUPLICATE_SITE_MESSAGE);
      try {
        return await sites.create(scope, {
          client_id: clientId,
          name: site.name,
          creation_date: site.creation_date,
          primary_router: site.primary_router,
          secondary_router: site.secondary_router,
          workstation_template,
          server_template,
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw errors.invalidValueMessage(DUPLICATE_SITE_MESSAGE);
        throw error;
      }
    },
  };
}

export type SiteService = ReturnType<typeof createSiteService>;
