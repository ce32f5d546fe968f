import type { Scope } from '../access/scope.js';
import { type AssetRepository, DELETED_SOFTWARE_RETENTION_SECONDS } from './asset.repository.js';

/** Asset reads for the Data Extraction API: the repository's scoped reads, and how long removed software is still shown. */
export function createAssetService(
  assets: Pick<AssetRepository, 'hardwareOf' | 'softwareOf' | 'licensedSoftwareOf' | 'licenseGroups' | 'findLicenseGroup' | 'licenseGroupItems' | 'clientLicenseCounts'>,
) {
  return {
    ...assets,

    /** A device's software, with what was uninstalled in the last 4 days (listed as deleted). */
    async softwareWithRecentRemovals(scope: Scope, deviceId: number, now: number) {
      return assets.softwareOf(scope, deviceId, now - DELETED_SOFTWARE_RETENTION_SECONDS);
    },
  };
}

export type AssetService = ReturnType<typeof createAssetService>;
