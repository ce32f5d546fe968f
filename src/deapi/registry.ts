import type { ServiceSpec } from './service-spec.js';
import { listClients } from './services/clients/list-clients.service.js';
import { listSites } from './services/clients/list-sites.service.js';
import { addClient } from './services/clients/add-client.service.js';
import { addSite } from './services/clients/add-site.service.js';
import { listAgentlessAssets, listServers, listWorkstations } from './services/devices/list-site-devices.service.js';
import { listDevicesAtClient } from './services/devices/list-devices-at-client.service.js';
import { listDeviceMonitoringDetails } from './services/devices/list-device-monitoring-details.service.js';
import { getSiteInstallationPackage } from './services/devices/get-site-installation-package.service.js';
import { listChecks } from './services/checks/list-checks.service.js';
import { listFailingChecks } from './services/checks/list-failing-checks.service.js';
import { listOutages } from './services/checks/list-outages.service.js';
import { getFormattedCheckOutput, listCheckConfig, listFmtCheckResult } from './services/checks/check-output.service.js';
import { listTemplates } from './services/checks/list-templates.service.js';
import { addCheckNote, clearCheck } from './services/checks/check-actions.service.js';
import { taskRunNow } from './services/other/task-run-now.service.js';
import { listPerformanceHistory } from './services/history/list-performance-history.service.js';
import { listDriveSpaceHistory, listExchangeStorageHistory } from './services/history/list-storage-history.service.js';
import { listBackupHistory } from './services/backup/list-backup-history.service.js';
import { listMobSessions, mobListSelectionSize } from './services/backup/mob.service.js';
import { getAvDefinitionReleaseDate, listAvDefinitions, listSupportedAvProducts } from './services/antivirus/av-definitions.service.js';
import { listAvHistory } from './services/antivirus/list-av-history.service.js';
import { listAllHardware, listAllSoftware, listDeviceAssetDetails, listLicensedSoftware } from './services/assets/asset-inventory.service.js';
import { listClientLicenseCount, listLicenseGroupItems, listLicenseGroups } from './services/assets/licenses.service.js';
import { patchListAll } from './services/patches/patch-list-all.service.js';
import { patchApprove, patchDoNothing, patchIgnore, patchReprocess, patchRetry } from './services/patches/patch-actions.service.js';
import { listMavQuarantine, mavQuarantineList } from './services/mav/mav-quarantine.service.js';
import { mavDefinitionsUpdate, mavQuarantineRelease, mavQuarantineRemove, mavScanCancel, mavScanPause, mavScanResume, mavScanStart } from './services/mav/mav-actions.service.js';
import { listMavScans, mavScanDeviceList } from './services/mav/mav-scans.service.js';
import { listMavThreats } from './services/mav/mav-threats.service.js';
import { listGeneralSettings, listWallchartSettings } from './services/settings/settings.service.js';
import { listActiveDirectoryUsers } from './services/other/active-directory-users.service.js';
import { getTakeControlConnectionUrl } from './services/other/take-control-url.service.js';

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
  getSiteInstallationPackage,
  listChecks,
  listFailingChecks,
  listOutages,
  listCheckConfig,
  getFormattedCheckOutput,
  listFmtCheckResult,
  listTemplates,
  clearCheck,
  addCheckNote,
  listPerformanceHistory,
  listDriveSpaceHistory,
  listExchangeStorageHistory,
  listBackupHistory,
  mobListSelectionSize,
  listMobSessions,
  listSupportedAvProducts,
  listAvDefinitions,
  getAvDefinitionReleaseDate,
  listAvHistory,
  listAllHardware,
  listAllSoftware,
  listLicenseGroups,
  listLicenseGroupItems,
  listClientLicenseCount,
  listLicensedSoftware,
  listDeviceAssetDetails,
  patchListAll,
  patchApprove,
  patchDoNothing,
  patchIgnore,
  patchReprocess,
  patchRetry,
  mavQuarantineList,
  mavScanDeviceList,
  listMavScans,
  listMavThreats,
  listMavQuarantine,
  mavQuarantineRelease,
  mavQuarantineRemove,
  mavScanStart,
  mavScanPause,
  mavScanResume,
  mavScanCancel,
  mavDefinitionsUpdate,
  listGeneralSettings,
  listWallchartSettings,
  listActiveDirectoryUsers,
  getTakeControlConnectionUrl,
  taskRunNow,
];

export const SERVICES_BY_NAME: ReadonlyMap<string, ServiceSpec> = new Map(SERVICES.map((s) => [s.name, s]));
