import { z } from 'zod';
import type { Caller } from '../access/scope.js';
import type { DeapiDomain } from './deapi.services.js';
import type { Clock } from '../lib/clock.js';
import type { InstallationPackageService } from '../agent-protocol/installation-package.service.js';

/**
 * A Data Extraction API service, declared as data: its wire name, parameters, permission, the XML shape
 * of its answer and a handler that returns plain data (async iterables for long lists), never markup.
 * The XML renderer, `describe=true` and docs/services.md are all derived from these objects.
 *
 * `P` (the parameter schemas) gives the handler its parameter types, `S` (the shape) the type of the data
 * it must return: write specs with `defineService`, which infers both.
 */
export type ServiceSpec<P extends ParamSchemas = ParamSchemas, S extends Shape = Shape> = {
  /** Exact wire name, e.g. `list_devices_at_client` or `mob/mob_list_selection_size`. */
  readonly name: string;
  readonly family: string;
  /** One or two sentences, shown by describe=true. */
  readonly description: string;
  readonly params: P;
  /** Permission the caller's role must allow (permissions.ts); null for reads every key may make. */
  readonly permission: string | null;
  /** Writes need a read-write key, run in one transaction and are written to the audit log. */
  readonly write?: boolean;
  /** Root element; `result` unless the spec documents another (`settings`, `quarantines`, …). */
  readonly root?: string;
  /** Whether the root carries created/host/status (false only where the documented root has none). */
  readonly rootAttributes?: 'full' | 'created-host' | 'none';
  readonly shape: S;
  /** When element names depend on a parameter (list_devices_at_client's devicetype): the shape to render. */
  shapeFor?(params: ParamValues<P>): S;
  /** The root's status for this data, where a service answers FAIL without an error (the MAV actions' `<msg>`); OK otherwise. */
  statusOf?(data: DataOf<S>): 'OK' | 'FAIL';
  /** Choices taken where the spec is unverified; published in docs/services.md. */
  readonly notes?: string;
  // Method syntax on purpose: a typed spec is then a ServiceSpec of the registry's erased types too.
  handler(ctx: ServiceContext, params: ParamValues<P>): Promise<DataOf<S>>;
};

/**
 * Declares a service. Its handler's `params` are typed from the parameter schemas (`param.id` → number,
 * a parameter that is not required → `T | undefined`, `param.oneOf` → the union of its values) and the
 * data it returns is checked against the shape's keys.
 */
export function defineService<const P extends ParamSchemas, const S extends Shape>(spec: ServiceSpec<P, S>): ServiceSpec<P, S> {
  return spec;
}

/** What a handler works with: who calls, and the domain services it may read (and, for writes, change). */
export type ServiceContext = DeapiDomain & {
  readonly caller: Caller;
  readonly clock: Clock;
  /** The deployment's configured base URL (an account's own public_url, when set, takes precedence). */
  readonly publicUrl: string;
};

// ---------------------------------------------------------------------------------------------------
// Parameters

/** A parameter: `T` is what its schema makes of the text, `R` whether it is required (a literal type). */
export type ParamSpec<T = unknown, R extends boolean = boolean> = {
  /** Type shown by describe: boolean, integer, number, string, xml, phone, datetime. */
  readonly type: string;
  readonly required: R;
  readonly description: string;
  /** Shown by describe as `<default>`. The handler still sees an absent parameter as undefined. */
  readonly default?: string;
  /** Shown by describe as `<values>`. */
  readonly values?: string;
  /** Validates and converts the raw text; a failure answers "Invalid value for parameter: NAME". */
  readonly schema: z.ZodType<T>;
};

export type ParamSchemas = Readonly<Record<string, ParamSpec>>;

type ValueOf<S> = S extends ParamSpec<infer T> ? T : never;
type Flatten<T> = { [K in keyof T]: T[K] } & {};

/** The parameters a handler receives: required ones always present, the others `T | undefined`. */
export type ParamValues<P extends ParamSchemas> = Flatten<
  { readonly [K in keyof P as P[K]['required'] extends true ? K : never]: ValueOf<P[K]> } & {
    readonly [K in keyof P as P[K]['required'] extends true ? never : K]?: ValueOf<P[K]>;
  }
>;

const MAX_ID = 2 ** 53 - 1;
const idSchema = z
  .string()
  .regex(/^\d{1,16}$/)
  .transform(Number)
  .refine((n) => n >= 1 && n <= MAX_ID);

/** `required: true` in a builder's options makes the parameter's type required; anything else, optional. */
type RequiredIn<O> = O extends { required: true } ? true : false;

function id(description: string): ParamSpec<number, true>;
function id(description: string, required: false): ParamSpec<number, false>;
function id(description: string, required = true): ParamSpec<number> {
  return { type: 'integer', required, description, default: '0', values: '0', schema: idSchema };
}

/** Builders for the parameter kinds N-sight uses. */
export const param = {
  id,
  oneOf<const T extends readonly [string, ...string[]], const O extends { required?: boolean; default?: T[number] } = {}>(
    values: T,
    description: string,
    options: O = {} as O,
  ): ParamSpec<T[number], RequiredIn<O>> {
    return {
      type: 'string',
      required: (options.required ?? false) as RequiredIn<O>,
      description,
      default: options.default,
      values: values.join('|'),
      schema: z.enum(values),
    };
  },
  string<const O extends { required?: boolean; max?: number; type?: string } = {}>(description: string, options: O = {} as O): ParamSpec<string, RequiredIn<O>> {
    return {
      type: options.type ?? 'string',
      required: (options.required ?? false) as RequiredIn<O>,
      description,
      schema: z.string().max(options.max ?? 255),
    };
  },
  integer<const O extends { required?: boolean; min?: number; max?: number; default?: number } = {}>(
    description: string,
    options: O = {} as O,
  ): ParamSpec<number, RequiredIn<O>> {
    return {
      type: 'integer',
      required: (options.required ?? false) as RequiredIn<O>,
      description,
      default: options.default === undefined ? undefined : String(options.default),
      schema: z
        .string()
        .regex(/^-?\d{1,15}$/)
        .transform(Number)
        .refine((n) => n >= (options.min ?? -MAX_ID) && n <= (options.max ?? MAX_ID)),
    };
  },
};

// ---------------------------------------------------------------------------------------------------
// XML shape
//
// Every node carries, as a type only, the data it reads from its parent's data (`D`): a field
// `{ clientid: FieldValue }`, an optional group `{ key?: … }`, a list `{ key: Iterable<…> }`. `DataOf`
// joins them, so a handler whose data misses a key of its shape does not compile.

declare const DATA: unique symbol;
type Carries<D> = { readonly [DATA]?: D };

export type FieldType = 'integer' | 'string' | 'date' | 'datetime' | 'boolean' | 'number';

/** What a leaf element's text is made from; null/undefined write an empty element (or none, when optional). */
export type FieldValue = string | number | null | undefined;

/** A leaf element whose text comes from `data[key ?? name]`. */
export type FieldNode<D = unknown> = Carries<D> & {
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
  /** Attributes read from the same data as the element's text (task_run_now's `message[@time]`). */
  readonly attributes?: readonly AttributeNode[];
};

/** An element holding children, rendered from `data[key]` (or from `data` itself without a key). */
export type GroupNode<D = unknown> = Carries<D> & {
  readonly kind: 'group';
  readonly name: string;
  readonly key?: string;
  readonly attributes?: readonly AttributeNode[];
  /** Omit the element when `data[key]` is null/undefined. */
  readonly optional?: boolean;
  readonly children: Shape;
};

/**
 * One element per item of `data[key]`: an array, or, when `stream` is set, an async iterable of pages
 * (arrays of rows, one per keyset query), so memory stays flat however long the list.
 */
export type ListNode<D = unknown> = Carries<D> & {
  readonly kind: 'list';
  readonly name: string;
  readonly key: string;
  readonly stream?: boolean;
  readonly attributes?: readonly AttributeNode[];
  readonly children: Shape;
};

export type AttributeNode = { readonly name: string; readonly key?: string };

export type XmlNode = FieldNode | GroupNode | ListNode;

/** The elements of an answer (or of one element), in order. */
export type Shape = readonly XmlNode[];

type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;
type NodeData<N> = N extends Carries<infer D> ? D : never;

/** The data a shape reads: the keys of all its nodes together. */
export type DataOf<S extends Shape> = [S[number]] extends [never] ? {} : UnionToIntersection<NodeData<S[number]>>;

/** A key of literal type requires its value; a key only known as `string` (a computed shape) checks nothing. */
type Keyed<K extends string, V, Optional> = string extends K ? {} : Optional extends true ? { [P in K]?: V } : { [P in K]: V };

type FieldOptions = Partial<Omit<FieldNode, 'kind' | 'name' | 'type' | 'description' | typeof DATA>>;
type KeyOf<N extends string, O extends { key?: string }> = O['key'] extends string ? O['key'] : N;
type FieldData<N extends string, O extends FieldOptions> = Keyed<KeyOf<N, O>, O['repeated'] extends true ? readonly FieldValue[] : FieldValue, O['optional']> &
  AttributesData<O['attributes']>;

type AttributesData<A> = A extends readonly AttributeNode[] ? UnionToIntersection<AttributeData<A[number]>> : {};
type AttributeData<A> = A extends AttributeNode ? Keyed<KeyOf<A['name'], A>, FieldValue, false> : never;

type GroupOptions = Partial<Omit<GroupNode, 'kind' | 'name' | 'children' | typeof DATA>>;
type GroupData<C extends Shape, O extends GroupOptions> = O['key'] extends string
  ? Keyed<O['key'], (DataOf<C> & AttributesData<O['attributes']>) | null | undefined, O['optional']>
  : DataOf<C> & AttributesData<O['attributes']>;

type ListOptions = Partial<Omit<ListNode, 'kind' | 'name' | 'key' | 'children' | typeof DATA>>;
type ListItems<Item, Stream> = Stream extends true ? AsyncIterable<readonly Item[]> | Iterable<readonly Item[]> : Iterable<Item> | undefined;

function field<const N extends string, const O extends FieldOptions>(type: FieldType, name: N, description: string, o: O, cdata?: true): FieldNode<FieldData<N, O>> {
  return cdata ? { kind: 'field', name, type, description, cdata, ...o } : { kind: 'field', name, type, description, ...o };
}

/** Shape builders, so specs read like the element trees of api-services.md. */
export const x = {
  int: <const N extends string, const O extends FieldOptions = {}>(name: N, description: string, o: O = {} as O) => field('integer', name, description, o),
  str: <const N extends string, const O extends FieldOptions = {}>(name: N, description: string, o: O = {} as O) => field('string', name, description, o),
  /** Free text, sent as CDATA. */
  text: <const N extends string, const O extends FieldOptions = {}>(name: N, description: string, o: O = {} as O) => field('string', name, description, o, true),
  flag: <const N extends string, const O extends FieldOptions = {}>(name: N, description: string, o: O = {} as O) => field('boolean', name, description, o),
  date: <const N extends string, const O extends FieldOptions = {}>(name: N, description: string, o: O = {} as O) => field('date', name, description, o),
  datetime: <const N extends string, const O extends FieldOptions = {}>(name: N, description: string, o: O = {} as O) => field('datetime', name, description, o),
  group: <const C extends Shape, const O extends GroupOptions = {}>(name: string, children: C, o: O = {} as O): GroupNode<GroupData<C, O>> => ({ kind: 'group', name, children, ...o }),
  list: <const K extends string, const C extends Shape, const O extends ListOptions = {}>(
    name: string,
    key: K,
    children: C,
    o: O = {} as O,
  ): ListNode<Keyed<K, ListItems<DataOf<C> & AttributesData<O['attributes']>, O['stream']>, false>> => ({ kind: 'list', name, key, children, ...o }),
  /** `<items>` holding one streamed element per row: the usual list-service answer. */
  items: <const C extends Shape>(name: string, children: C): GroupNode<{ items: ListItems<DataOf<C>, true> }> => ({
    kind: 'group',
    name: 'items',
    children: [{ kind: 'list', name, key: 'items', stream: true, children }],
  }),
};
