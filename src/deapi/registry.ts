import type { ServiceSpec } from './service-spec.js';
import { listClients } from './services/clients/list-clients.service.js';
import { listSites } from './services/clients/list-sites.service.js';
import { addClient } from './services/clients/add-client.service.js';
import { addSite } from './services/clients/add-site.service.js';
import { listAgentlessAssets, listServers, listWorkstations } from './services/devices/list-site-devices.service.js';
import { listDevicesAtClient } from './services/devices/list-devices-at-client.service.js';
import { listDeviceMonitoringDetails } from './services/devices/list-device-monitoring-details.service.js';
import { listChecks } from './services/checks/list-checks.service.js';
import { listFailingChecks } from './services/checks/list-failing-checks.service.js';
import { listOutages } from './services/checks/list-outages.service.js';

/** Every Data Extraction API service Sightline answers. docs/services.md lists the same (a test checks). */
export const SERVICES: readonly ServiceSpec[] = [
  listClients,
  listSites,
  addClient,
  addSite,
  listServers,
  listWorkstations,
  listAgentlessAssets,
  listDevicesAtClient,
  listDeviceMonitoringDetails,
  listChecks,
  listFailingChecks,
  listOutages,
];

export const SERVICES_BY_NAME: ReadonlyMap<string, ServiceSpec> = new Map(SERVICES.map((s) => [s.name, s]));
