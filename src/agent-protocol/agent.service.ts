import type { Scope } from '../access/scope.js';
import type { AccountRepository } from '../accounts/account.repository.js';
import type { CheckRepository } from '../checks/check.repository.js';
import type { CommandEffects } from '../commands/command-effects.js';
import { commandOf, type CommandService } from '../commands/command.service.js';
import type { DeviceRepository } from '../devices/device.repository.js';
import { AppError } from '../errors.js';
import type { DeviceRef, IngestService } from '../ingest/ingest.contract.js';
import { type Clock, epochSeconds } from '../lib/clock.js';
import { DEVICE_SECRET_PREFIX, constantTimeEqual, isPrefixedSecret, newPrefixedSecret, sha256Hex } from '../lib/secrets.js';
import type { SiteTokenService } from '../sites/site-token.service.js';
import { agentConfigOf } from './agent-config.js';
import { agentErrors } from './agent-errors.js';
import type { DeviceCredentialRepository } from './device-credential.repository.js';
import { AGENT_PATH, agentServerUrl } from './installation-package.service.js';
import type { CommandAck, CommandAckResponse, ConfigResponse, EnrolRequest, EnrolResponse, ReportRequest, ReportResponse } from './protocol.schema.js';

type Deps = {
  ingest: IngestService;
  siteTokens: SiteTokenService;
  credentials: DeviceCredentialRepository;
  devices: DeviceRepository;
  checks: CheckRepository;
  accounts: AccountRepository;
  commands: CommandService;
  /** Server-side effects of commands agents report done (src/commands/command-effects.ts). */
  effects: CommandEffects;
  clock: Clock;
  /** The deployment's public URL; an account's own public_url takes precedence. */
  publicUrl: string;
};

/** A device sees its own account; its rows are read account-wide (the agent is not a user with a client group). */
const deviceScope = (device: DeviceRef): Scope => ({ accountId: device.accountId, clientGroupId: null });

/**
 * What the agent protocol does, apart from HTTP: enrolment with a site token, device authentication,
 * the device's config, reports (through the ingestion service) and command acknowledgements.
 */
export function createAgentService(deps: Deps) {
  const { ingest, siteTokens, credentials, devices, checks, accounts, commands, effects, clock } = deps;

  return {
    /**
     * Enrols a machine into the site of a valid token: the ingestion service creates (or, for a known
     * machine id, reuses) the device; the device gets a new secret and every earlier one is revoked.
     */
    async enrol(request: EnrolRequest): Promise<EnrolResponse> {
      const site = await siteTokens.verify(request.siteToken);
      if (!site) throw agentErrors.unauthorized('the site token is unknown, expired or revoked');
      const serverUrl = agentServerUrl(await accounts.findById(site.accountId), deps.publicUrl);
      const { deviceId } = await ingest.enrolDevice({ accountId: site.accountId, siteId: site.siteId }, request.machineId, request.facts, serverUrl);
      const secret = newPrefixedSecret(DEVICE_SECRET_PREFIX);
      await credentials.replace(site.accountId, deviceId, sha256Hex(secret), epochSeconds(clock));
      await siteTokens.markUsed(site.tokenId);
      return { deviceId, deviceSecret: secret, agentUrl: `${serverUrl}${AGENT_PATH}` };
    },

    /** The device a bearer secret stands for, or null (malformed, unknown, revoked, or its device deleted). */
    async authenticate(secret: string | undefined): Promise<DeviceRef | null> {
      if (!secret || !isPrefixedSecret(DEVICE_SECRET_PREFIX, secret)) return null;
      const hash = sha256Hex(secret);
      const row = await credentials.findDevice(hash);
      if (!row || !constantTimeEqual(row.secret_hash, hash)) return null;
      return { accountId: row.account_id, clientId: row.client_id, siteId: row.site_id, deviceId: row.device_id };
    },

    /** The checks the device runs, with their schedules and settings, and its reporting intervals. */
    async config(device: DeviceRef): Promise<ConfigResponse> {
      const row = await devices.findVisible(deviceScope(device), device.deviceId);
      if (!row) throw agentErrors.unauthorized();
      return agentConfigOf(row, await checks.listByDevice(deviceScope(device), device.deviceId));
    },

    /** Applies a report batch (once per batch id) and hands the device its queued commands. */
    async report(device: DeviceRef, report: ReportRequest): Promise<ReportResponse> {
      let applied: boolean;
      try {
        ({ applied } = await ingest.applyReport(device, report));
      } catch (error) {
        // The ingestion contract refuses a batch id reused with other content on the field batchId.
        if (error instanceof AppError && error.field === 'batchId') throw agentErrors.conflict('this batch id was applied before with different content', 'batchId');
        throw error;
      }
      return { batchId: report.batchId, applied, commands: await commands.claim(device) };
    },

    /**
     * Records a command's outcome; a check result it carries is applied like a reported one. A repeated
     * ack of an acknowledged command answers the same and applies nothing again.
     */
    async ack(device: DeviceRef, commandId: number, ack: CommandAck): Promise<CommandAckResponse> {
      const expired = () => agentErrors.conflict(`command ${commandId} expired before it was acknowledged`);
      const command = await commands.find(device, commandId);
      if (!command) throw agentErrors.notFound(`no command ${commandId} for this device`);
      if (command.status === 'expired') throw expired();
      if (command.status !== 'acked') {
        if (ack.checkResult) await ingest.applyCheckResult(device, ack.checkResult);
        // The command's id (and its creation time) make the batch of what it changed, so a retried ack applies it once.
        if (ack.report) await ingest.applyReport(device, { ...ack.report, batchId: `command-${commandId}`, sentAt: command.created_at });
        if (ack.outcome === 'succeeded') await effects.afterSuccess(device, commandOf(command), ack);
        if ((await commands.ack(device, commandId, ack)) === 'expired') throw expired();
      }
      return { id: commandId, status: 'acked' };
    },
  };
}

export type AgentService = ReturnType<typeof createAgentService>;
