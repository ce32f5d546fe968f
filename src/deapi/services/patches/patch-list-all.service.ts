import { PATCH_POLICY_LABELS, PATCH_STATUS_LABELS } from '../../../patches/patch-codes.js';
import { defineService, x, param } from '../../service-spec.js';

/** Microsoft's severity ranks; the one known pairing is 3 = Moderate. */
const SEVERITY_LABELS = ['Unspecified', 'Critical', 'Important', 'Moderate', 'Low'] as const;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** `31-Jul-2024` (with `time`: `31-Jul-2024 00:00`), UTC; '' when unknown. */
export function patchDateText(epochSeconds: number | null, time: boolean): string {
  if (epochSeconds === null) return '';
  const d = new Date(epochSeconds * 1000);
  const day = `${String(d.getUTCDate()).padStart(2, '0')}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()}`;
  return time ? `${day} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}` : day;
}

export const patchListAll = defineService({
  name: 'patch_list_all',
  family: 'patches',
  description: 'Lists every software patch of one device, available and installed, with its status and the policy applied.',
  params: { deviceid: param.id('The deviceid must be a valid id.') },
  permission: null,
  notes:
    'Wrapping: <result><patches><patch>… (PY reads patches>patch, PSM //patch; not under <items>). ' +
    'Both date forms are sent: releaseDateText / installDateText (WLA, UTC, "31-Jul-2024" / "31-Jul-2024 00:00") and releaseDate / installdate (NOS, epoch seconds); empty when unknown or not installed. ' +
    'lastCommand, lastCommandStatus and lastCommandMessage (Sightline\'s own, after uninstallable) appear only for a patch that patch_reprocess or patch_retry queued a command for: ' +
    'its latest such command, its state (an unacknowledged one reads expired once past its deadline) and the agent\'s message (the reason of a failed or unsupported one). ' +
    'severityLabel: 0 Unspecified, 1 Critical, 2 Important, 3 Moderate, 4 Low. policyLabel names the policy (user-set 65/66/68 share the labels of 1/2/4).',
  shape: [
    x.group('patches', [
      x.list('patch', 'items', [
        x.int('patchid', 'Patch id on this device (patchids of the patch_* actions)'),
        x.int('policy', 'Ignore 1, Approve 2, Do Nothing 4; 65, 66, 68 when set by a user'),
        x.str('policyLabel', 'Policy name'),
        x.int('status', 'Missing 1, Pending 2, Queued 4, Installed 8, Failed 16, Ignored 23, Reboot Required 64'),
        x.str('statusLabel', 'Status name, e.g. Installed'),
        x.text('patchTitle', 'Patch title'),
        x.text('product', 'Product the patch applies to'),
        x.int('severity', 'Severity rank'),
        x.str('severityLabel', 'Severity name, e.g. Moderate'),
        x.str('patchUrl', 'Vendor information URL', { canBeEmpty: true }),
        x.str('releaseDateText', 'Release date, e.g. 31-Jul-2024', { canBeEmpty: true }),
        x.str('releaseDate', 'Release date, epoch seconds', { canBeEmpty: true }),
        x.str('installDateText', 'Install date and time (UTC), e.g. 31-Jul-2024 00:00; empty when not installed', { canBeEmpty: true }),
        x.str('installdate', 'Install time, epoch seconds; empty when not installed', { canBeEmpty: true }),
        x.flag('deployable', '1 = can be deployed'),
        x.flag('uninstallable', '1 = can be uninstalled'),
        x.str('lastCommand', 'Sightline: the latest patch_reprocess / patch_retry command of this patch, when there is one', { optional: true }),
        x.str('lastCommandStatus', 'Sightline: its state: queued, delivered, succeeded, failed, unsupported or expired', { optional: true }),
        x.text('lastCommandMessage', "Sightline: the agent's message with its answer (why, when failed or unsupported)", { optional: true }),
      ]),
    ], { key: 'patches' }),
  ],
  async handler({ caller, devices, patches, patchActions }, params) {
    const device = await devices.requireVisible(caller.scope, params.deviceid);
    const rows = await patches.listByDevice(caller.scope, device.id);
    const commands = await patchActions.lastCommands(device.account_id, device.id);
    return {
      patches: {
        items: rows.map((p) => ({
          patchid: p.id,
          policy: p.policy,
          policyLabel: PATCH_POLICY_LABELS[p.policy] ?? '',
          status: p.status,
          statusLabel: PATCH_STATUS_LABELS[p.status] ?? '',
          patchTitle: p.title,
          product: p.product,
          severity: p.severity,
          severityLabel: SEVERITY_LABELS[p.severity] ?? '',
          patchUrl: p.url,
          releaseDateText: patchDateText(p.released_at, false),
          releaseDate: p.released_at === null ? '' : String(p.released_at),
          installDateText: patchDateText(p.installed_at, true),
          installdate: p.installed_at === null ? '' : String(p.installed_at),
          deployable: p.deployable,
          uninstallable: p.uninstallable,
          lastCommand: commands.get(p.id)?.kind,
          lastCommandStatus: commands.get(p.id)?.state,
          lastCommandMessage: commands.get(p.id)?.message,
        })),
      },
    };
  },
});
