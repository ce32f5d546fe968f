import { epochSeconds } from '../../../lib/clock.js';
import { utcDateTime } from '../../../lib/dates.js';
import { defineService, x, param } from '../../service-spec.js';
import { loadMavHistory } from './mav-history.js';
import { ENGINE_NAMES, engineVersion, engineVersionParam, isBitdefender, scanKindText } from './mav-presenter.js';

export const listMavThreats = defineService({
  name: 'list_mav_threats',
  family: 'mav',
  description: 'Lists the latest occurrence of each distinct threat Managed Antivirus found on one device in the last year.',
  params: { deviceid: param.id('The deviceid must be a valid id.'), v: engineVersionParam },
  permission: null,
  notes:
    'A threat is distinct by engine and name; the latest occurrence is the one of the most recently started scan. ' +
    'last_event is the UTC end of that scan (its start while it runs), or the quarantine event when later (Bitdefender). Ordered by name.',
  shape: [
    x.list('threat', 'threats', [
      x.text('name', 'Threat name'),
      x.str('category', 'Threat category (names differ by engine)'),
      x.datetime('last_event', 'UTC time of the last detection'),
      x.str('last_status', 'VIPRE: QUARANTINED, RELEASE_PENDING, …; Bitdefender: Ignored, Detected, Deleted, Blocked, Quarantined, Cleaned, QuarantineRestored, QuarantineDeleted'),
      x.str('last_scan_type', 'VIPRE: QUICK, DEEP, ACTIVE, CUSTOM; Bitdefender: Active Protection, Quick, Deep, Custom, Behavioral, IDS, Device'),
      x.int('last_trace_count', 'Traces in the last detection'),
      x.str('engine', 'VIPRE or Bitdefender; only when v>1', { optional: true }),
    ]),
  ],
  async handler(ctx, params) {
    const version = engineVersion(params.v);
    const h = await loadMavHistory(ctx, ctx.caller.scope, params.deviceid, version, epochSeconds(ctx.clock));
    const latest = new Map<string, (typeof h.threats)[number]>();
    for (const t of h.threats) {
      const key = `${t.engine}\u0000${t.name}`;
      const seen = latest.get(key);
      if (!seen || t.started_at > seen.started_at || (t.started_at === seen.started_at && t.id > seen.id)) latest.set(key, t);
    }
    const threats = [...latest.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.engine - b.engine));
    return {
      threats: threats.map((t) => {
        const quarantineAt = Math.max(0, ...(h.quarantineByThreat.get(t.id) ?? []).map((q) => q.event_at));
        const detectedAt = t.ended_at ?? t.started_at;
        return {
          name: t.name,
          category: t.category,
          last_event: utcDateTime(isBitdefender(t.engine) ? Math.max(detectedAt, quarantineAt) : detectedAt),
          last_status: t.status,
          last_scan_type: scanKindText(t.engine, t.kind),
          last_trace_count: t.trace_count,
          engine: version.withEngine ? ENGINE_NAMES[t.engine] : undefined,
        };
      }),
    };
  },
});
