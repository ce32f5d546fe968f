/**
 * Scope cases derived from the service registry: which parameters of a service name a row (and of which
 * kind), and which values make a call valid, so scope.test.ts and the scope property can call every
 * registered service without a hand-written list. A service whose parameters these tables cannot place
 * fails those tests with a message saying what to add here.
 */
import { SaxesParser } from 'saxes';
import { expect } from 'vitest';

/** The kinds of row an id parameter names. */
export type IdKind = 'client' | 'site' | 'device' | 'check' | 'licenseGroup' | 'serverTemplate' | 'workstationTemplate' | 'patch';

/** One id per kind: a coherent path (a client, one of its sites, a device there, a check on it, …). */
export type Ids = Partial<Record<IdKind, number>>;

/**
 * Every id parameter of the registry and the row it names. `accountWide` rows belong to the account, not
 * to a client, so a key sees all of its account's whatever its client group (only another account's are
 * hidden from it).
 */
export const ID_PARAMS: Readonly<Record<string, { kind: IdKind; accountWide?: true; aliasOf?: string }>> = {
  clientid: { kind: 'client' },
  // get_site_installation_package names the client endcustomerid.
  endcustomerid: { kind: 'client' },
  siteid: { kind: 'site' },
  deviceid: { kind: 'device' },
  assetid: { kind: 'device' },
  checkid: { kind: 'check' },
  license_group_id: { kind: 'licenseGroup', accountWide: true },
  // Read only when license_group_id is absent.
  groupid: { kind: 'licenseGroup', accountWide: true, aliasOf: 'license_group_id' },
  servertemplate: { kind: 'serverTemplate', accountWide: true },
  workstationtemplate: { kind: 'workstationTemplate', accountWide: true },
  // The patch actions' comma-separated list; the cases pass one patch of the path's device.
  patchids: { kind: 'patch' },
};

/** Integer (or `…id`) parameters that do not name a row. */
export const NOT_ID_PARAMS: ReadonlySet<string> = new Set([
  'year', 'month', 'max_results', 'interval',
  // An antivirus product slug (`bitdefender`), the same for every account.
  'productid',
]);

let probes = 0;
/** A fresh name on every call, so repeated writes do not collide on a unique name. */
const probeName = () => `Scope probe ${++probes}`;

/** Valid values for required parameters that have no list of values to take the first of. */
export const EXAMPLES: Readonly<Record<string, string | number | (() => string)>> = {
  year: 2026,
  month: 11,
  // An antivirus definition of test/history-factories.ts (addAvDefinitions).
  version: '7.98765',
  name: probeName,
  sitename: probeName,
  // The item test/asset-factories.ts quarantined on the DC (mav_quarantine_release / _remove).
  guids: '6F9619FF-8B86-D011-B42D-00C04FC964FF',
};

/** Optional parameters without which a service cannot answer OK (one of several alternatives is needed). */
export const NEEDS: Readonly<Record<string, Record<string, string | number>>> = {
  list_performance_history: { interval: 15 },
  list_av_definitions: { product: 'bitdefender' },
  get_av_definition_release_date: { product: 'bitdefender' },
  add_check_note: { private_note: 'Scope probe note' },
};

/** The fields of a registry spec these cases read (a subset every spec keeps). */
export type SpecLike = {
  readonly name: string;
  readonly write?: boolean;
  readonly params: Readonly<Record<string, { readonly type: string; readonly required: boolean; readonly values?: string }>>;
};

/** `aliasOf`: another name of the same parameter, which wins when both are sent. */
export type IdParam = { name: string; kind: IdKind; required: boolean; accountWide: boolean; aliasOf?: string };

const WHERE = 'test/support/scope-cases.ts';

/** The id parameters of a service; throws, naming the table to extend, for an id-like parameter it cannot place. */
export function idParamsOf(spec: SpecLike): IdParam[] {
  const ids: IdParam[] = [];
  for (const [name, p] of Object.entries(spec.params)) {
    const known = ID_PARAMS[name];
    if (known) {
      ids.push({ name, kind: known.kind, required: p.required, accountWide: known.accountWide === true, ...(known.aliasOf && { aliasOf: known.aliasOf }) });
    } else if ((p.type === 'integer' || /id$/i.test(name)) && !NOT_ID_PARAMS.has(name)) {
      throw new Error(
        `${spec.name}: parameter "${name}" looks like an id. Add it to ID_PARAMS in ${WHERE} (with the kind of row it names, ` +
          'and a way to pick such a row in the scope tests) or, if it names no row, to NOT_ID_PARAMS.',
      );
    }
  }
  return ids;
}

/**
 * A valid call of the service: its required parameters (ids from `ids`, others from EXAMPLES or the first
 * of their values) plus what NEEDS lists. Throws, naming what to add, when a value cannot be found.
 */
export function validParams(spec: SpecLike, ids: Ids): Record<string, string | number> {
  const idParams = new Map(idParamsOf(spec).map((p) => [p.name, p]));
  const params: Record<string, string | number> = { service: spec.name };
  for (const [name, p] of Object.entries(spec.params)) {
    if (!p.required) continue;
    const id = idParams.get(name);
    if (id) {
      const value = ids[id.kind];
      if (value === undefined) throw new Error(`${spec.name}: no ${id.kind} id to pass as "${name}"; give the scope test's paths one`);
      params[name] = value;
      continue;
    }
    const example = EXAMPLES[name];
    const firstValue = p.values?.includes('|') ? p.values.split('|')[0] : undefined;
    const value = typeof example === 'function' ? example() : (example ?? firstValue);
    if (value === undefined) throw new Error(`${spec.name}: required parameter "${name}" has no value to call it with; add one to EXAMPLES in ${WHERE}`);
    params[name] = value;
  }
  return { ...params, ...NEEDS[spec.name] };
}

/**
 * A MAV action refused for the device's state (N-sight's status="FAIL" with a <msg> and no <error>: a scan
 * is already running, the engine is VIPRE…) answers after the device was found, so it passed the scope.
 */
const MAV_STATE_REFUSAL = /^<\?xml [^>]*\?>\n<result [^>]*status="FAIL"><msg>/;

/** An answer that is not the error envelope (some roots, like `<settings>`, carry no status attribute). */
export function expectOk(body: string, label: string): void {
  // A file answer (get_site_installation_package's zip or tar.gz) is that service's success.
  if (body.startsWith('PK\u0003\u0004') || body.startsWith('\u001f\ufffd')) return;
  expect(body, label).toMatch(/^<\?xml [^>]*\?>\n<[a-z]+ /);
  if (MAV_STATE_REFUSAL.test(body)) return;
  expect(body, label).not.toMatch(/ status="FAIL"|<errorcode>/);
}

/** An id no row has (ids are at most 16 digits; this is far above any test's). */
export const MISSING_ID = 999_999_999;

/** Ids no row has, of every kind. */
export const NOWHERE: Required<Ids> = {
  client: MISSING_ID, site: MISSING_ID, device: MISSING_ID, check: MISSING_ID,
  licenseGroup: MISSING_ID, serverTemplate: MISSING_ID, workstationTemplate: MISSING_ID, patch: MISSING_ID,
};

/**
 * Parameters naming a row by text rather than by number (the MAV quarantine actions' `guids`): the scope
 * property draws them like ids. Kept apart from ID_PARAMS, whose numeric paths scope.test.ts builds.
 */
export const TEXT_ID_PARAMS: Readonly<Record<string, 'quarantine'>> = { guids: 'quarantine' };

/** The row-naming parameters of a service: its id parameters and its TEXT_ID_PARAMS. */
export function rowParamsOf(spec: SpecLike): { name: string; kind: IdKind | 'quarantine'; required: boolean; accountWide: boolean; aliasOf?: string }[] {
  const text = Object.entries(spec.params)
    .filter(([name]) => name in TEXT_ID_PARAMS)
    .map(([name, p]) => ({ name, kind: TEXT_ID_PARAMS[name]!, required: p.required, accountWide: false }));
  return [...idParamsOf(spec), ...text];
}

/**
 * The rows an answer names: a table, or `table.column` for a text identifier (a GUID). An id-like element
 * or attribute of any answer shape (a name ending in `id` or `guid`, or `device`) must be listed here,
 * with the rows it may name, or with none when its number names no row (a code, a catalog entry shared by
 * every account); scope-cases.test.ts walks every shape of the registry to keep this complete. Keys are
 * `parent/name` for an element, `parent@name` for an attribute, or the bare `name` / `@name` anywhere.
 */
export const ANSWER_ROWS: Readonly<Record<string, readonly RowKind[]>> = {
  clientid: ['clients'], 'client/id': ['clients'],
  siteid: ['sites'], 'site/id': ['sites'],
  deviceid: ['devices'], assetid: ['devices'], serverid: ['devices'], workstationid: ['devices'],
  'server/id': ['devices'], 'workstation/id': ['devices'], 'mobile_device/id': ['devices'], 'user@device': ['devices'],
  'server/guid': ['devices.guid'], 'workstation/guid': ['devices.guid'], 'mobile_device/guid': ['devices.guid'],
  checkid: ['checks'], check_id: ['checks'],
  noteid: ['check_notes'],
  outage_id: ['outages'], 'outage/id': ['outages'],
  hardwareid: ['device_hardware'], softwareid: ['device_software'], patchid: ['device_patches'],
  threateventid: ['mav_scans'], session_id: ['mob_sessions'], license_count_id: ['client_license_counts'],
  quarantineguid: ['mav_quarantine.guid'], 'quarantined_item/guid': ['mav_quarantine.guid'], 'item/guid': ['mav_quarantine.guid'],
  // Bitdefender's quarantine id is its guid, VIPRE's the row id.
  quarantine_id: ['mav_quarantine.guid', 'mav_quarantine'],
  'user@objectGUID': ['ad_users.object_guid'],
  license_group_id: ['license_groups'], swgrpid: ['license_groups'], templateid: ['installation_templates'],
  // Codes and shared catalogs: no row of an account.
  statusid: [], psaticketstatusid: [], uid: [], '@uid': [], descriptorid: [], checkdescriptorid: [], cpu_id: [], slotid: [],
  catalogid: [], 'product/id': [], storage_account_id: [],
};

/** A table, or `table.column` for rows named by a text identifier. */
export type RowKind =
  | 'clients' | 'sites' | 'devices' | 'devices.guid' | 'checks' | 'check_notes' | 'outages' | 'device_hardware' | 'device_software'
  | 'device_patches' | 'mav_scans' | 'mav_quarantine' | 'mav_quarantine.guid' | 'mob_sessions' | 'client_license_counts'
  | 'ad_users.object_guid' | 'license_groups' | 'installation_templates';

/** Whether an element or attribute name looks like it names a row (so ANSWER_ROWS must place it). */
export const looksLikeRowName = (name: string) => /id$|guid$/i.test(name) || name === 'device';

/** The rows an element (`attribute` unset) or attribute under `parent` names; undefined when ANSWER_ROWS does not place it. */
export function answerRowsOf(parent: string, name: string, attribute = false): readonly RowKind[] | undefined {
  return attribute ? (ANSWER_ROWS[`${parent}@${name}`] ?? ANSWER_ROWS[`@${name}`]) : (ANSWER_ROWS[`${parent}/${name}`] ?? ANSWER_ROWS[name]);
}

/** One value an answer shows in a row-naming element or attribute. */
export type RowShown = { where: string; value: string; kinds: readonly RowKind[] };

/**
 * Every value an XML answer shows in an element or attribute of ANSWER_ROWS, parsed with saxes (a strict
 * parser: a malformed answer throws). An id-like name ANSWER_ROWS does not place is returned with no kinds
 * and `unplaced` set, so the caller can fail on it.
 */
export function rowsShown(body: string): (RowShown & { unplaced?: true })[] {
  const shown: (RowShown & { unplaced?: true })[] = [];
  const parser = new SaxesParser();
  const stack: { name: string; text: string }[] = [];
  const place = (parent: string, name: string, value: string, attribute: boolean) => {
    if (!looksLikeRowName(name)) return;
    const kinds = answerRowsOf(parent, name, attribute);
    const where = `${parent}${attribute ? '@' : '/'}${name}`;
    if (kinds === undefined) shown.push({ where, value, kinds: [], unplaced: true });
    // Empty, or 0 for none (an outage of the device itself has checkid 0): no row.
    else if (kinds.length > 0 && value !== '' && value !== '0') shown.push({ where, value, kinds });
  };
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    for (const [name, value] of Object.entries(tag.attributes)) place(tag.name, name, String(value), true);
    stack.push({ name: tag.name, text: '' });
  });
  parser.on('text', (text) => {
    if (stack.length > 0) stack[stack.length - 1]!.text += text;
  });
  parser.on('cdata', (text) => {
    if (stack.length > 0) stack[stack.length - 1]!.text += text;
  });
  parser.on('closetag', () => {
    const element = stack.pop()!;
    place(stack[stack.length - 1]?.name ?? '', element.name, element.text.trim(), false);
  });
  parser.write(body).close();
  return shown;
}

/** The parameter kinds of the rows ANSWER_ROWS names, for tests that track hidden rows by parameter kind. */
const ID_KINDS_OF_ROWS: Partial<Record<RowKind, readonly IdKind[]>> = {
  clients: ['client'], sites: ['site'], devices: ['device'], checks: ['check'], device_patches: ['patch'],
  license_groups: ['licenseGroup'], installation_templates: ['serverTemplate', 'workstationTemplate'],
};

/** Every id an XML answer shows (rowsShown) of a row a parameter can name, with the kinds it may be; none for a file answer. */
export function idsShown(body: string): { where: string; id: number; kinds: readonly IdKind[] }[] {
  if (!body.startsWith('<?xml')) return [];
  return rowsShown(body).flatMap(({ where, value, kinds }) => {
    const idKinds = kinds.flatMap((kind) => ID_KINDS_OF_ROWS[kind] ?? []);
    return idKinds.length > 0 && /^\d+$/.test(value) ? [{ where, id: Number(value), kinds: idKinds }] : [];
  });
}
