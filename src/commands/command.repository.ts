import { type Selectable, sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { AgentCommandTable } from '../db/schema.js';
import { MAX_BIND_PARAMETERS } from '../db/dialect.js';

export type CommandRow = Selectable<AgentCommandTable>;

/** A command is pending while it may still be acknowledged. */
const PENDING = ['queued', 'delivered'] as const;

/** A command to queue, as the repository stores it. */
export type NewCommand = { accountId: number; deviceId: number; kind: string; params: string; dedupeKey: string; now: number; expiresAt: number };

function queuedRow(values: NewCommand) {
  return {
    account_id: values.accountId, device_id: values.deviceId, kind: values.kind, params: values.params, dedupe_key: values.dedupeKey,
    status: 'queued' as const, created_at: values.now, delivered_at: null, acked_at: null, expires_at: values.expiresAt, outcome: null,
  };
}

/** Commands queued for agents. Delivery is claimed with a conditional update, so a command goes out once. */
export function createCommandRepository(db: Db) {
  return {
    /**
     * Inserts a queued command; undefined when a pending identical one exists (the partial unique index's
     * conflict, skipped rather than raised: inside a PostgreSQL transaction a raised one aborts the transaction).
     */
    async insert(values: NewCommand): Promise<CommandRow | undefined> {
      return db
        .insertInto('agent_commands')
        .values(queuedRow(values))
        // The literal predicate of the index, so SQLite matches the partial index too.
        .onConflict((oc) => oc.columns(['device_id', 'dedupe_key']).where(sql<boolean>`status in ('queued', 'delivered')`).doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    async findPendingByKey(deviceId: number, dedupeKey: string): Promise<CommandRow | undefined> {
      return db.selectFrom('agent_commands').selectAll().where('device_id', '=', deviceId).where('dedupe_key', '=', dedupeKey).where('status', 'in', PENDING).executeTakeFirst();
    },

    async find(accountId: number, deviceId: number, commandId: number): Promise<CommandRow | undefined> {
      return db.selectFrom('agent_commands').selectAll().where('account_id', '=', accountId).where('device_id', '=', deviceId).where('id', '=', commandId).executeTakeFirst();
    },

    /** A device's commands, newest first (what the write/action services and the dashboard show). */
    async listByDevice(accountId: number, deviceId: number, limit: number): Promise<CommandRow[]> {
      return db.selectFrom('agent_commands').selectAll().where('account_id', '=', accountId).where('device_id', '=', deviceId).orderBy('id', 'desc').limit(limit).execute();
    },

    /** A device's latest commands of one kind, newest first (the device page's task runs). */
    async listByDeviceOfKind(accountId: number, deviceId: number, kind: string, limit: number): Promise<CommandRow[]> {
      return db
        .selectFrom('agent_commands').selectAll()
        .where('account_id', '=', accountId).where('device_id', '=', deviceId).where('kind', '=', kind)
        .orderBy('id', 'desc').limit(limit).execute();
    },

    /**
     * Marks the device's queued, unexpired commands delivered and returns exactly those this call changed:
     * two polls racing (a long-poll and a report) each get a disjoint set.
     */
    async claimQueued(deviceId: number, now: number, limit: number): Promise<CommandRow[]> {
      const ids = await db
        .selectFrom('agent_commands')
        .select('id')
        .where('device_id', '=', deviceId)
        .where('status', '=', 'queued')
        .where('expires_at', '>', now)
        .orderBy('id')
        .limit(limit)
        .execute();
      if (ids.length === 0) return [];
      const claimed = await db
        .updateTable('agent_commands')
        .set({ status: 'delivered', delivered_at: now })
        .where('id', 'in', ids.map((r) => r.id))
        .where('status', '=', 'queued')
        .returningAll()
        .execute();
      return claimed.sort((a, b) => a.id - b.id);
    },

    /** Of these devices, those with a queued command (the long-poll's cross-process re-check). */
    async devicesWithQueued(deviceIds: readonly number[], now: number): Promise<number[]> {
      const found: number[] = [];
      for (let i = 0; i < deviceIds.length; i += MAX_BIND_PARAMETERS - 10) {
        const rows = await db
          .selectFrom('agent_commands')
          .select('device_id')
          .distinct()
          .where('device_id', 'in', deviceIds.slice(i, i + MAX_BIND_PARAMETERS - 10))
          .where('status', '=', 'queued')
          .where('expires_at', '>', now)
          .execute();
        found.push(...rows.map((r) => r.device_id));
      }
      return found;
    },

    /** Records an acknowledgement of a pending command; false when it was no longer pending. */
    async ack(commandId: number, values: { now: number; outcome: string; message: string }): Promise<boolean> {
      const result = await db
        .updateTable('agent_commands')
        .set({ status: 'acked', acked_at: values.now, outcome: values.outcome, message: values.message })
        .where('id', '=', commandId)
        .where('status', 'in', PENDING)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Pending commands past their deadline become expired (of one device, or of every device). */
    async expireDue(now: number, deviceId?: number): Promise<number> {
      let q = db.updateTable('agent_commands').set({ status: 'expired' }).where('status', 'in', PENDING).where('expires_at', '<=', now);
      if (deviceId !== undefined) q = q.where('device_id', '=', deviceId);
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}

export type CommandRepository = ReturnType<typeof createCommandRepository>;
