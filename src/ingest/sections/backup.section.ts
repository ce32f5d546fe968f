import { backupResult, backupSessionRow } from '../../backup/backup-derivation.js';
import { BACKUP_CHECK_TYPES } from '../../history/check-day-history.js';
import { checksWithoutResults, type Section } from './section.js';

/**
 * Backup & Recovery sessions (list_mob_sessions; a session reported again is stored once), and each
 * finished backup as a result of the device's Backup Checks, which makes their daily history.
 */
export const backupSection: Section = async (ctx) => {
  const sessions = [...ctx.report.backupSessions].sort((a, b) => a.startedAt - b.startedAt);
  if (sessions.length === 0) return;
  const { device } = ctx;
  const key = (s: { type: string; plugin: string; started_at: number }) => `${s.type}\u0000${s.plugin}\u0000${s.started_at}`;
  const stored = new Set((await ctx.inventory.sessionsStartedAt(device.deviceId, sessions.map((s) => s.startedAt))).map(key));
  const owner = { account_id: device.accountId, client_id: device.clientId, site_id: device.siteId, device_id: device.deviceId };
  const backupChecks = checksWithoutResults(ctx, BACKUP_CHECK_TYPES);
  for (const session of sessions) {
    if (stored.has(key({ type: session.type, plugin: session.plugin, started_at: session.startedAt }))) continue;
    const previous = session.type === 'BACKUP' ? await ctx.inventory.previousBackup(device.deviceId, session.plugin, session.startedAt) : undefined;
    // One row at a time: the next session of the plugin measures its size change against this one.
    await ctx.inventory.insert('mob_sessions', [backupSessionRow(owner, session, previous?.selection_size ?? null)]);
    const result = backupResult(session);
    if (result) for (const check of backupChecks) ctx.derivedResults.push({ ...result, checkId: check.id });
  }
};
