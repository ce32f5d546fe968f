import type { Insertable } from 'kysely';
import type { z } from 'zod';
import type { BackupSession } from '../agent-protocol/protocol.schema.js';
import type { ResultInput } from '../checks/check-derivation.js';
import type { MobSessionTable } from '../db/schema.js';

type Session = z.infer<typeof BackupSession>;

/** Backup & Recovery plugins in slot order: a device's selection of each plugin is its own slot. */
export const BACKUP_PLUGINS = ['FILE_SYSTEM', 'SYSTEM_STATE', 'NETWORK_SHARES', 'EXCHANGE', 'VMWARE', 'MSSQL', 'SHAREPOINT', 'ORACLE'] as const;

/** The selection slot of a plugin (1-based); unknown plugins share the slot after the known ones. */
export function backupSlot(plugin: string): number {
  const index = (BACKUP_PLUGINS as readonly string[]).indexOf(plugin);
  return index === -1 ? BACKUP_PLUGINS.length + 1 : index + 1;
}

/**
 * The mob_sessions row of a reported session. size_change is how much the selection grew or shrank since
 * the previous backup of the same plugin (0 for the first); counts the protocol does not carry are 0.
 */
export function backupSessionRow(
  owner: { account_id: number; client_id: number; site_id: number; device_id: number }, session: Session, previousSelectionSize: number | null,
): Insertable<MobSessionTable> {
  return {
    storage_account_id: '', slot_id: backupSlot(session.plugin), type: session.type, plugin: session.plugin,
    started_at: session.startedAt, ended_at: session.endedAt, selection_size: session.selectionSize, selection_item_count: 0,
    size_change: previousSelectionSize === null ? 0 : Math.abs(session.selectionSize - previousSelectionSize), item_count_change: 0, removed_item_count: 0,
    processed_size: session.processedSize, processed_item_count: 0, transferred_size: session.transferredSize, error_count: session.errorCount, status: session.status,
    ...owner,
  };
}

/** Statuses of a finished backup; anything else (IN_PROGRESS, …) is not an outcome yet. */
const FINISHED = new Set(['COMPLETED', 'COMPLETED_WITH_ERRORS', 'INTERRUPTED', 'FAILED', 'NOT_STARTED', 'CANCELED']);

/** The Backup Check's result for a finished backup session (only a clean COMPLETED passes); null otherwise. */
export function backupResult(session: Session): ResultInput | null {
  if (session.type !== 'BACKUP' || !FINISHED.has(session.status)) return null;
  if (session.status === 'COMPLETED') return { at: session.endedAt, status: 'pass', output: `${session.plugin} backup completed successfully` };
  const errors = session.errorCount > 0 ? ` (${session.errorCount} errors)` : '';
  return { at: session.endedAt, status: 'fail', output: `${session.plugin} backup ${session.status.toLowerCase().replaceAll('_', ' ')}${errors}` };
}
