import { Permission } from '../../../access/permissions.js';
import { TASK_RUN_TTL_SECONDS } from '../../../checks/check-action.service.js';
import { defineService, param, x } from '../../service-spec.js';

export const taskRunNow = defineService({
  name: 'task_run_now',
  family: 'other',
  description: 'Tells an Automated Task (or another check) to run now on the device\'s agent, and answers the minutes until it starts.',
  params: { checkid: param.id('The Automated Task\'s check id (list_checks).') },
  permission: Permission.devices,
  write: true,
  notes:
    'Queues a run_check command for the device\'s agent, delivered at once to an agent that is online (long-poll). message@time is 0 (it runs as soon as the agent ' +
    `receives it). A run not received within ${TASK_RUN_TTL_SECONDS / 60} minutes expires; asking again while one is pending queues no second run (the answer says so). ` +
    'The agent answers with the check\'s result, which list_checks, get_formatted_check_output and list_device_monitoring_details then show; a failed, unsupported or ' +
    'expired run shows with its reason under Task runs on the dashboard\'s device page. Any check may be named (N-sight documents Automated Tasks): the agent acknowledges a check it does not run as unsupported, with the reason.',
  shape: [x.str('message', 'When the task runs; @time is the minutes until it does', { attributes: [{ name: 'time' }] })],
  async handler({ caller, checkActions }, params) {
    const { queued } = await checkActions.runTask(caller.scope, params.checkid);
    return { message: `Task ${queued ? 'queued' : 'already queued'}: it runs as soon as the agent of the device receives it`, time: 0 };
  },
});
