import type { AccessService } from '../access/access.service.js';
import type { AccountRepository } from '../accounts/account.repository.js';
import { createInstallationPackageService, type InstallationPackageService } from '../agent-protocol/installation-package.service.js';
import { type AuditedWrite, type AuditLog, auditedWritesWithin } from '../audit/audited-write.js';
import type { Clock } from '../lib/clock.js';
import { createSiteTokenService } from '../sites/site-token.service.js';
import type { AdUserRepository } from '../ad-users/ad-user.repository.js';
import type { AvRepository } from '../antivirus/av.repository.js';
import { type AssetService, createAssetService } from '../assets/asset.service.js';
import type { MobRepository } from '../backup/mob.repository.js';
import { type CheckService, createCheckService } from '../checks/check.service.js';
import { type CheckActionService, checkActionsOver } from '../checks/check-action.service.js';
import { type ClientService, createClientService } from '../clients/client.service.js';
import { createDeviceService, type DeviceService } from '../devices/device.service.js';
import type { HistoryRepository } from '../history/history.repository.js';
import type { MavRepository } from '../mav/mav.repository.js';
import { type MavActionService, mavActionsOver } from '../mav/mav-action.service.js';
import type { OutageRepository } from '../outages/outage.repository.js';
import type { PatchRepository } from '../patches/patch.repository.js';
import { createPatchActionService, type PatchActionService } from '../patches/patch-action.service.js';
import type { CommandQueue } from '../commands/command.service.js';
import type { Repositories } from '../repositories.js';
import type { SettingsRepository } from '../settings/settings.repository.js';
import { createSiteService, type SiteService } from '../sites/site.service.js';
import type { TemplateRepository } from '../templates/template.repository.js';

/**
 * What Data Extraction API handlers may use: a domain service where the domain has a rule (a parent
 * must be visible, names are unique, removed software is shown for 4 days), and elsewhere the
 * repository's scoped reads themselves, narrowed to what the API reads. No handler sees a repository's
 * writes or the whole set of repositories.
 */
export type DeapiDomain = {
  readonly clients: ClientService;
  readonly sites: SiteService;
  readonly devices: DeviceService;
  readonly checks: CheckService;
  /** clear_check, add_check_note, task_run_now: the rules the dashboard's device page uses too. */
  readonly checkActions: CheckActionService;
  readonly assets: AssetService;
  readonly accounts: Pick<AccountRepository, 'findById'>;
  readonly outages: Pick<OutageRepository, 'listByDevice'>;
  readonly templates: Pick<TemplateRepository, 'listByAccount'>;
  readonly history: Pick<HistoryRepository, 'performanceMonitors' | 'performanceIntervals' | 'storageMonitors' | 'storageDays' | 'checksOfTypes' | 'dayResults'>;
  readonly mob: Pick<MobRepository, 'pagesByDevice' | 'listByDeviceBetween'>;
  readonly antivirus: Pick<AvRepository, 'products' | 'findProduct' | 'latestDefinitions' | 'findDefinition'>;
  readonly patches: Pick<PatchRepository, 'listByDevice'>;
  /** patch_approve … patch_retry, and the outcome of the commands they queue (patch_list_all). */
  readonly patchActions: PatchActionService;
  readonly mav: Pick<MavRepository, 'scans' | 'threatsOfDevice' | 'tracesOf' | 'errorsOf' | 'quarantine'>;
  readonly settings: Pick<SettingsRepository, 'get'>;
  /** Managed Antivirus actions (scans, quarantine, definitions): commands queued for the device's agent. */
  readonly mavActions: MavActionService;
  readonly adUsers: Pick<AdUserRepository, 'listBySite'>;
  /** Builds site installation packages (get_site_installation_package), minting their site tokens. */
  readonly installationPackages: Pick<InstallationPackageService, 'buildForCaller'>;
};

/** What the domain needs besides repositories. */
export type DeapiDomainDeps = {
  readonly access: AccessService;
  readonly clock: Clock;
  readonly agentDir: string;
  readonly publicUrl: string;
  /** Where a write queues commands for agents (bound to its transaction; woken after commit). Absent for reads. */
  readonly commands?: CommandQueue;
  /** The write's audit log, bound to its transaction: what the domain changes (a site token) commits with its entry. Absent for reads. */
  readonly audit?: AuditLog;
};

/** The write's command queue; a read's domain has none, and queueing there is a programming error. */
function commandsOf(deps: DeapiDomainDeps): Pick<CommandQueue, 'enqueue'> {
  return deps.commands ?? { enqueue: () => Promise.reject(new Error('commands are queued only inside a write (a write: true service)')) };
}

/** The write's audited changes, in its transaction; a read's domain has none, and changing there is a programming error. */
function writesOf(repos: Repositories, deps: DeapiDomainDeps): AuditedWrite {
  const { audit } = deps;
  return audit ? auditedWritesWithin({ repos, audit }) : () => Promise.reject(new Error('audited changes are made only inside a write (a write: true service)'));
}

/**
 * The handlers' domain over one set of repositories (those of the database, or of one transaction: a
 * write's own changes, such as the site token a package mints and its audit entry, then commit with it).
 */
export function createDeapiDomain(repos: Repositories, deps: DeapiDomainDeps): DeapiDomain {
  const { access, clock } = deps;
  const siteTokens = createSiteTokenService({ tokens: repos.siteTokens, sites: repos.sites, access, write: writesOf(repos, deps), clock });
  const devices = createDeviceService(repos.devices);
  return {
    clients: createClientService(repos.clients),
    sites: createSiteService({ sites: repos.sites, templates: repos.templates }),
    devices,
    checks: createCheckService(repos.checks),
    checkActions: checkActionsOver(repos, clock, commandsOf(deps)),
    assets: createAssetService(repos.assets),
    accounts: repos.accounts,
    outages: repos.outages,
    templates: repos.templates,
    history: repos.history,
    mob: repos.mob,
    antivirus: repos.antivirus,
    patches: repos.patches,
    patchActions: createPatchActionService({ patches: repos.patches, devices, commands: commandsOf(deps), commandLog: repos.commands, clock }),
    mav: repos.mav,
    settings: repos.settings,
    mavActions: mavActionsOver(repos, commandsOf(deps)),
    adUsers: repos.adUsers,
    installationPackages: createInstallationPackageService({ siteTokens, users: repos.users, accounts: repos.accounts, access, clock, agentDir: deps.agentDir, publicUrl: deps.publicUrl }),
  };
}
