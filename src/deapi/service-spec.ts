import { z } from 'zod';
import type { Caller } from '../access/scope.js';
import type { Repositories } from '../repositories.js';
import type { Clock } from '../lib/clock.js';
import type { InstallationPackageService } from '../agent-protocol/installation-package.service.js';

/**
 * A Data Extraction API service, declared as data: its wire name, parameters, permission, the XML shape
 * of its answer and a handler that returns plain data (async iterables for long lists), never markup.
 * The XML renderer, `describe=true` and docs/services.md are all derived from these objects.
 */
export type ServiceSpec = {
  /** Exact wire name, e.g. `list_devices_at_client` or `mob/mob_list_selection_size`. */
  readonly name: string;
  readonly family: string;
  /** One or two sentences, shown by describe=true. */
  readonly description: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Permission the caller's role must allow (permissions.ts); null for reads every key may make. */
  readonly permission: string | null;
  /** Writes need a read-write key. */
  readonly write?: boolean;
  /** Root element; `result` unless the spec documents another (`settings`, `quarantines`, …). */
  readonly root?: string;
  /** Whether the root carries created/host/status (false only where the documented root has none). */
  readonly rootAttributes?: 'full' | 'created-host' | 'none';
  readonly shape: readonly XmlNode[];
  /** When element names depend on a parameter (list_devices_at_client's devicetype): the shape to render. */
  readonly shapeFor?: (params: any) => readonly XmlNode[];
  /** Choices taken where the spec is unverified; published in docs/services.md. */
  readonly notes?: string;
  readonly handler: (ctx: ServiceContext, params: any) => Promise<Record<string, unknown>>;
};

export type ServiceContext = {
  readonly caller: Caller;
  readonly repos: Repositories;
  readonly clock: Clock;
  /** The deployment's configured base URL (an account's own public_url, when set, takes precedence). */
  readonly publicUrl: string;
  /** Builds site installation packages (get_site_installation_package). */
  readonly installationPackages: InstallationPackageService;
};

// ---------------------------------------------------------------------------------------------------
// Parameters

export type ParamSpec = {
  /** Type shown by describe: boolean, integer, number, string, xml, phone, datetime. */
  readonly type: string;
  readonly required: boolean;
  readonly description: string;
  /** Shown by describe as `<default>`; also the value used when the parameter is absent. */
  readonly default?: string;
  /** Shown by describe as `<values>`. */
  readonly values?: string;
  /** Validates and converts the raw text; a failure answers "Invalid value for parameter: NAME". */
  readonly schema: z.ZodType;
};

const MAX_ID = 2 ** 53 - 1;
const idSchema = z
  .string()
  .regex(/^\d{1,16}$/)
  .transform(Number)
  .refine((n) => n >= 1 && n <= MAX_ID);

/** Builders for the parameter kinds N-sight uses. */
export const param = {
  id(description: string, required = true): ParamSpec {
    return { type: 'integer', required, description, default: '0', values: '0', schema: idSchema };
  },
  oneOf<const T extends readonly [string, ...string[]]>(
    values: T,
    description: string,
    options: { required?: boolean; default?: T[number] } = {},
  ): ParamSpec {
    return {
      type: 'string',
      required: options.required ?? false,
      description,
      default: options.default,
      values: values.join('|'),
      schema: z.enum(values),
    };
  },
  string(description: string, options: { required?: boolean; max?: number; type?: string } = {}): ParamSpec {
    return {
      type: options.type ?? 'string',
      required: options.required ?? false,
      description,
      schema: z.string().max(options.max ?? 255),
    };
  },
  integer(description: string, options: { required?: boolean; min?: number; max?: number; default?: number } = {}): ParamSpec {
    return {
      type: 'integer',
      required: options.required ?? false,
      description,
      default: options.default === undefined ? undefined : String(options.default),
      schema: z
        .string()
        .regex(/^-?\d{1,15}$/)
        .transform(Number)
        .refine((n) => n >= (options.min ?? -MAX_ID) && n <= (options.max ?? MAX_ID)),
    };
  },
} as const;

// ---------------------------------------------------------------------------------------------------
// XML shape

export type FieldType = 'integer' | 'string' | 'date' | 'datetime' | 'boolean' | 'number';

/** A leaf element whose text comes from `data[key ?? name]`. */
export type FieldNode = {
  readonly kind: 'field';
  readonly name: string;
  readonly key?: string;
  readonly type: FieldType;
  readonly description: string;
  /** Wrap in CDATA (names and free text, as PowerShell clients read them). */
  readonly cdata?: boolean;
  /** Omit the element when the value is null/undefined (instead of writing it empty). */
  readonly optional?: boolean;
  readonly canBeEmpty?: boolean;
  /** One element per item of an array value (`<checks><name>a</name><name>b</name></checks>`). */
  readonly repeated?: boolean;
};

/** An element holding children, rendered from `data[key]` (or from `data` itself without a key). */
export type GroupNode = {
  readonly kind: 'group';
  readonly name: string;
  readonly key?: string;
  readonly attributes?: readonly AttributeNode[];
  /** Omit the element when `data[key]` is null/undefined. */
  readonly optional?: boolean;
  readonly children: readonly XmlNode[];
};

/**
 * One element per item of `data[key]`: an array, or, when `stream` is set, an async iterable of pages
 * (arrays of rows, one per keyset query), so memory stays flat however long the list.
 */
export type ListNode = {
  readonly kind: 'list';
  readonly name: string;
  readonly key: string;
  readonly stream?: boolean;
  readonly attributes?: readonly AttributeNode[];
  readonly children: readonly XmlNode[];
};

export type AttributeNode = { readonly name: string; readonly key?: string };

export type XmlNode = FieldNode | GroupNode | ListNode;

type FieldOptions = Partial<Omit<FieldNode, 'kind' | 'name' | 'type' | 'description'>>;

/** Shape builders, so specs read like the element trees of api-services.md. */
export const x = {
  int: (name: string, description: string, o: FieldOptions = {}): FieldNode => ({ kind: 'field', name, type: 'integer', description, ...o }),
  str: (name: string, description: string, o: FieldOptions = {}): FieldNode => ({ kind: 'field', name, type: 'string', description, ...o }),
  /** Free text, sent as CDATA. */
  text: (name: string, description: string, o: FieldOptions = {}): FieldNode => ({ kind: 'field', name, type: 'string', description, cdata: true, ...o }),
  flag: (name: string, description: string, o: FieldOptions = {}): FieldNode => ({ kind: 'field', name, type: 'boolean', description, ...o }),
  date: (name: string, description: string, o: FieldOptions = {}): FieldNode => ({ kind: 'field', name, type: 'date', description, ...o }),
  datetime: (name: string, description: string, o: FieldOptions = {}): FieldNode => ({ kind: 'field', name, type: 'datetime', description, ...o }),
  group: (name: string, children: readonly XmlNode[], o: Partial<Omit<GroupNode, 'kind' | 'name' | 'children'>> = {}): GroupNode => ({ kind: 'group', name, children, ...o }),
  list: (name: string, key: string, children: readonly XmlNode[], o: Partial<Omit<ListNode, 'kind' | 'name' | 'key' | 'children'>> = {}): ListNode => ({ kind: 'list', name, key, children, ...o }),
  /** `<items>` holding one streamed element per row: the usual list-service answer. */
  items: (name: string, children: readonly XmlNode[]): GroupNode => ({ kind: 'group', name: 'items', children: [{ kind: 'list', name, key: 'items', stream: true, children }] }),
};
