import { antivirusResult } from '../../antivirus/antivirus-derivation.js';
import { AV_UPDATE_CHECK_TYPES } from '../../history/check-day-history.js';
import { checksWithoutResults, type Section } from './section.js';

/** The antivirus state: stored per device, and the result of the device's Antivirus Update Checks. */
export const antivirusSection: Section = async (ctx) => {
  const state = ctx.report.antivirus;
  if (!state) return;
  const { device, now } = ctx;
  await ctx.inventory.saveAntivirus({
    device_id: device.deviceId, account_id: device.accountId, client_id: device.clientId, product: state.product, running: state.running ? 1 : 0,
    definitions_version: state.definitionsVersion, definitions_released_at: state.definitionsReleasedAt, reported_at: now,
  });
  const result = antivirusResult(state, Math.min(ctx.report.sentAt, now));
  for (const check of checksWithoutResults(ctx, AV_UPDATE_CHECK_TYPES)) ctx.derivedResults.push({ ...result, checkId: check.id });
};
