import type { Command, CommandAck } from '../agent-protocol/protocol.schema.js';
import { type Clock, epochSeconds } from '../lib/clock.js';
import { sha256Hex } from '../lib/secrets.js';
import type { CommandRepository, CommandRow, NewCommand } from './command.repository.js';

/** An unacknowledged command expires after this long unless its sender chooses otherwise. */
export const DEFAULT_COMMAND_TTL_SECONDS = 3600;
/** How often a long-poll looks in the database for commands queued by another process sharing it. */
export const COMMAND_RECHECK_MS = 1000;
/** Commands handed out by one poll or report answer; the rest follow on the next. */
const MAX_COMMANDS_PER_DELIVERY = 100;

export type CommandParams = Command['params'];
export type CommandDevice = { readonly accountId: number; readonly deviceId: number };

/** What an acknowledgement found: recorded now, recorded before (a retry), or too late / unknown. */
export type AckResult = 'acked' | 'already-acked' | 'expired' | 'unknown';

/** The wire form of a stored command (protocol.schema.ts `Command`). */
export function commandOf(row: CommandRow): Command {
  return { id: row.id, kind: row.kind, params: JSON.parse(row.params) as CommandParams, createdAt: row.created_at, expiresAt: row.expires_at };
}

/** Identical commands (same kind, same params in any key order) share this key. */
function dedupeKeyOf(kind: string, params: CommandParams): string {
  const canonical = Object.keys(params).sort().map((key) => [key, params[key]]);
  return sha256Hex(`${kind}\n${JSON.stringify(canonical)}`);
}

/** A long-poll in progress: woken when a command for its device may be waiting. */
type Waiter = { woken: boolean; resolve: (() => void) | undefined };

function wakeWaiter(waiter: Waiter): void {
  waiter.woken = true;
  waiter.resolve?.();
}

/**
 * Commands for agents (queued by the write/action services, delivered by long-poll or with a report
 * answer, acknowledged by the agent, expired when not acknowledged in time). A long-poll wakes at once
 * for a command queued in this process, and within COMMAND_RECHECK_MS for one queued by another process
 * sharing the database: one query per tick for every waiting device of the process, not one per waiter.
 */
export function createCommandService(deps: {
  commands: CommandRepository;
  clock: Clock;
  recheckMs?: number;
}) {
  const { commands, clock } = deps;
  const recheckMs = deps.recheckMs ?? COMMAND_RECHECK_MS;
  const waiters = new Map<number, Set<Waiter>>();
  let timer: NodeJS.Timeout | undefined;
  let checking = false;
  let closed = false;

  function wakeDevice(deviceId: number): void {
    for (const waiter of waiters.get(deviceId) ?? []) wakeWaiter(waiter);
  }

  async function recheck(): Promise<void> {
    if (checking) return;
    if (waiters.size === 0) {
      clearInterval(timer);
      timer = undefined;
      return;
    }
    checking = true;
    try {
      for (const deviceId of await commands.devicesWithQueued([...waiters.keys()], epochSeconds(clock))) wakeDevice(deviceId);
    } catch {
      // A failed re-check only delays delivery to the next tick or the end of the wait; the database's
      // trouble shows on the request that next uses it.
    } finally {
      checking = false;
    }
  }

  async function claim(device: CommandDevice): Promise<Command[]> {
    const now = epochSeconds(clock);
    await commands.expireDue(now, device.deviceId);
    return (await commands.claimQueued(device.deviceId, now, MAX_COMMANDS_PER_DELIVERY)).map(commandOf);
  }

  /** Sleeps until the waiter is woken, `ms` pass, or the signal aborts. */
  function sleep(waiter: Waiter, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timeout);
        signal?.removeEventListener('abort', done);
        waiter.resolve = undefined;
        resolve();
      };
      const timeout = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      waiter.resolve = done;
    });
  }

  function newCommand(device: CommandDevice, kind: string, params: CommandParams, options: { ttlSeconds?: number }): NewCommand {
    const now = epochSeconds(clock);
    return {
      accountId: device.accountId, deviceId: device.deviceId, kind, params: JSON.stringify(params), dedupeKey: dedupeKeyOf(kind, params), now,
      expiresAt: now + (options.ttlSeconds ?? DEFAULT_COMMAND_TTL_SECONDS),
    };
  }

  async function enqueue(device: CommandDevice, kind: string, params: CommandParams, options: { ttlSeconds?: number } = {}): Promise<{ command: Command; queued: boolean }> {
    const values = newCommand(device, kind, params, options);
    // An expired copy must not block a new one, so expire first.
    await commands.expireDue(values.now, device.deviceId);
    const row = await commands.insert(values);
    if (row) {
      wakeDevice(device.deviceId);
      return { command: commandOf(row), queued: true };
    }
    const pending = await commands.findPendingByKey(device.deviceId, values.dedupeKey);
    // Acknowledged or expired between the insert and this read: queue it afresh.
    if (!pending) return enqueue(device, kind, params, options);
    return { command: commandOf(pending), queued: false };
  }

  /**
   * Queues commands over another repository (a write's transaction): dedupe without a failing insert, and
   * `wake()`, called once the transaction has committed, delivers them at once to waiting long-polls.
   */
  function within(repo: CommandRepository) {
    const queuedFor = new Set<number>();
    return {
      async enqueue(device: CommandDevice, kind: string, params: CommandParams, options: { ttlSeconds?: number } = {}): Promise<{ command: Command; queued: boolean }> {
        const values = newCommand(device, kind, params, options);
        await repo.expireDue(values.now, device.deviceId);
        const row = await repo.insert(values);
        if (row) {
          queuedFor.add(device.deviceId);
          return { command: commandOf(row), queued: true };
        }
        const pending = await repo.findPendingByKey(device.deviceId, values.dedupeKey);
        if (!pending) throw new Error(`command ${kind} for device ${device.deviceId} was neither queued nor pending`);
        return { command: commandOf(pending), queued: false };
      },
      wake(): void {
        for (const deviceId of queuedFor) wakeDevice(deviceId);
        queuedFor.clear();
      },
    };
  }

  return {
    within,

    /**
     * Queues a command for a device, unless an identical one (same kind and params) is still pending
     * (queued or delivered, not expired): then that one is returned with `queued: false`.
     */
    enqueue,

    /** The device's queued commands, now marked delivered (a report's answer carries them). */
    claim,

    /**
     * Waits up to `waitSeconds` (real time: the poll holds a connection open) for commands for the
     * device and returns them marked delivered; at once when some are queued already. Ends early, with
     * nothing, when `signal` aborts (the agent hung up) or the service closes (the server stops).
     */
    async waitFor(device: CommandDevice, waitSeconds: number, signal?: AbortSignal): Promise<Command[]> {
      const deadline = Date.now() + waitSeconds * 1000;
      // Registered before the first look, so a command queued between the look and the wait still wakes it.
      const waiter: Waiter = { woken: false, resolve: undefined };
      let set = waiters.get(device.deviceId);
      if (!set) waiters.set(device.deviceId, (set = new Set()));
      set.add(waiter);
      timer ??= setInterval(() => void recheck(), recheckMs).unref();
      try {
        for (;;) {
          waiter.woken = false;
          // Claiming marks commands delivered: never for an agent that has already hung up.
          if (signal?.aborted) return [];
          const found = await claim(device);
          const left = deadline - Date.now();
          if (found.length > 0 || left <= 0 || closed || signal?.aborted) return found;
          if (!waiter.woken) await sleep(waiter, left, signal);
        }
      } finally {
        set.delete(waiter);
        if (set.size === 0 && waiters.get(device.deviceId) === set) waiters.delete(device.deviceId);
      }
    },

    /** Records the agent's outcome of a command it was sent. A repeated ack of an acked command changes nothing. */
    async ack(device: CommandDevice, commandId: number, ack: Pick<CommandAck, 'outcome' | 'message'>): Promise<AckResult> {
      const now = epochSeconds(clock);
      await commands.expireDue(now, device.deviceId);
      const row = await commands.find(device.accountId, device.deviceId, commandId);
      if (!row) return 'unknown';
      if (row.status === 'acked') return 'already-acked';
      if (row.status === 'expired') return 'expired';
      if (await commands.ack(row.id, { now, outcome: ack.outcome, message: ack.message })) return 'acked';
      // Another ack won the race: answer as for a retry.
      return 'already-acked';
    },

    /** The current state of one command of a device, or undefined (before an ack, to refuse a bad one). */
    async find(device: CommandDevice, commandId: number): Promise<CommandRow | undefined> {
      await commands.expireDue(epochSeconds(clock), device.deviceId);
      return commands.find(device.accountId, device.deviceId, commandId);
    },

    /** A device's commands, newest first, with status, outcome and message. */
    async list(device: CommandDevice, limit = 100): Promise<CommandRow[]> {
      await commands.expireDue(epochSeconds(clock), device.deviceId);
      return commands.listByDevice(device.accountId, device.deviceId, Math.max(1, Math.min(limit, 1000)));
    },

    /** Expires every pending command past its deadline (run by the sweeper in every process). */
    async expireDue(): Promise<number> {
      return commands.expireDue(epochSeconds(clock));
    },

    /** Ends every long-poll of this process with what it has (nothing) and stops the re-check. */
    close(): void {
      closed = true;
      clearInterval(timer);
      timer = undefined;
      for (const set of waiters.values()) for (const waiter of set) wakeWaiter(waiter);
    },
  };
}

export type CommandService = ReturnType<typeof createCommandService>;
/** Commands queued within one transaction (CommandService.within). */
export type CommandQueue = ReturnType<CommandService['within']>;
