import { errors } from '../../../errors.js';
import { defineService, x, param } from '../../service-spec.js';

export const getTakeControlConnectionUrl = defineService({
  name: 'get_take_control_connection_url',
  family: 'other',
  description: 'Returns the URL that opens a Take Control (remote control) session to one device.',
  params: { deviceid: param.id('The deviceid must be a valid id.') },
  permission: null,
  notes:
    'The URL is the text of the first child of <result> (<url>), which is what the one known client reads. Sightline has no remote-control relay: ' +
    'the URL opens the device on this deployment\'s dashboard (the account\'s public URL when set). A device with Take Control disabled answers error 4.',
  shape: [x.str('url', 'Connection URL')],
  async handler({ caller, devices, accounts, publicUrl }, params) {
    const device = await devices.findVisible(caller.scope, params.deviceid);
    if (!device || device.takecontrol !== 1) throw errors.invalidValue('deviceid');
    const account = await accounts.findById(caller.scope.accountId);
    const base = (account?.public_url ?? publicUrl).replace(/\/+$/, '');
    return { url: `${base}/dashboard/devices/${device.id}/take-control` };
  },
});
