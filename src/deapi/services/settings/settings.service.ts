import { defineService, x } from '../../service-spec.js';

export const listGeneralSettings = defineService({
  name: 'list_general_settings',
  family: 'settings',
  description: 'Returns the general settings of the account.',
  params: {},
  permission: null,
  root: 'settings',
  rootAttributes: 'created-host',
  notes: 'Account-wide: every key of the account sees the same settings. language and vartimezone are the account\'s own.',
  shape: [
    x.group('items', [
      x.group('general', [
        x.str('language', 'Dashboard language, e.g. en_GB'),
        x.flag('clear24x7checks', '1 = failed 24x7 checks may be cleared (clear_check)'),
        x.flag('cleardailysafetychecks', '1 = failed Daily Safety Checks may be cleared (clear_check)'),
        x.int('notesbacklog', 'Days of check notes kept'),
        x.flag('forcenotes', '1 = both notes are required when clearing a check'),
        x.str('vartimezone', 'Account timezone, e.g. Europe/London; may be empty', { canBeEmpty: true }),
      ], { key: 'general' }),
    ]),
  ],
  async handler({ caller, settings }) {
    const s = await settings.get(caller.scope);
    return {
      general: {
        language: s.language,
        clear24x7checks: s.clear24x7checks,
        cleardailysafetychecks: s.cleardailysafetychecks,
        notesbacklog: s.notesbacklog,
        forcenotes: s.forcenotes,
        vartimezone: s.timezone,
      },
    };
  },
});

export const listWallchartSettings = defineService({
  name: 'list_wallchart_settings',
  family: 'settings',
  description: 'Returns the general Wall Chart settings of the account, each 0 (off) or 1 (on).',
  params: {},
  permission: null,
  root: 'settings',
  rootAttributes: 'created-host',
  notes: 'Account-wide. Tags are lower case (the doc example\'s mismatched closing tags are not reproduced).',
  shape: [
    x.group('wallchart', [
      x.group('servers', [
        x.flag('show24x7problems', 'Show 24x7 check problems'),
        x.flag('showdailysafetycheckproblems', 'Show Daily Safety Check problems'),
        x.flag('showautomatedtaskproblems', 'Show Automated Task problems'),
        x.flag('includeoverdueservers', 'Include overdue servers'),
        x.flag('includeofflineservers', 'Include offline servers'),
      ], { key: 'servers' }),
      x.group('workstations', [
        x.flag('show24x7problems', 'Show 24x7 check problems'),
        x.flag('showdailysafetycheckproblems', 'Show Daily Safety Check problems'),
        x.flag('showautomatedtaskproblems', 'Show Automated Task problems'),
      ], { key: 'workstations' }),
    ]),
  ],
  async handler({ caller, settings }) {
    const s = await settings.get(caller.scope);
    return {
      servers: {
        show24x7problems: s.wallchart_servers_show24x7problems,
        showdailysafetycheckproblems: s.wallchart_servers_showdailysafetycheckproblems,
        showautomatedtaskproblems: s.wallchart_servers_showautomatedtaskproblems,
        includeoverdueservers: s.wallchart_servers_includeoverdueservers,
        includeofflineservers: s.wallchart_servers_includeofflineservers,
      },
      workstations: {
        show24x7problems: s.wallchart_workstations_show24x7problems,
        showdailysafetycheckproblems: s.wallchart_workstations_showdailysafetycheckproblems,
        showautomatedtaskproblems: s.wallchart_workstations_showautomatedtaskproblems,
      },
    };
  },
});
