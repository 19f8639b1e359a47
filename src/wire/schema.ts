/**
 * TypeBox helpers of the wire layer: each wire type is declared once as a JSON Schema and its
 * TypeScript type is `Static<typeof Schema>`. The helpers keep the schema text the API has always
 * published (`type: ['object', 'null']`, `enum`) where TypeBox's own builders would render it
 * differently (`anyOf`, `const`), so OpenAPI and serialization stay as they were.
 */
import {
  Array as ArrayOf,
  Boolean as Bool,
  Integer,
  Object as Obj,
  Optional,
  type Static,
  String as Str,
  type TSchema,
  type TUnsafe,
  Unsafe,
} from '@sinclair/typebox';

/**
 * The TypeBox builders the wire layer uses, imported one by one: TypeBox's `Type` object would
 * pull its whole builder (~45 KB minified) into the browser SDK bundle; these are ~3 KB.
 */
export const T = {
  Array: ArrayOf,
  Boolean: Bool,
  Integer,
  Object: Obj,
  Optional,
  String: Str,
  Unsafe,
} as const;

/** `schema` or JSON null, as `type: [schema's type, 'null']`. */
export function Nullable<S extends TSchema>(schema: S): TUnsafe<Static<S> | null> {
  // Object.entries skips TypeBox's symbol keys: the result is a plain schema of kind Unsafe.
  const plain: Record<string, unknown> = Object.fromEntries(Object.entries(schema));
  return T.Unsafe<Static<S> | null>({ ...plain, type: [schema.type, 'null'] });
}

/** A string that is one of `values`, as `{type: 'string', enum}`. */
export function StringEnum<const V extends readonly string[]>(
  values: V,
  options: { description?: string } = {},
): TUnsafe<V[number]> {
  return T.Unsafe<V[number]>({ type: 'string', enum: [...values], ...options });
}

/** Lower-case hex of 32 bytes (hashes, digests). */
export const HEX64_PATTERN = '^[0-9a-f]{64}$';
/** A group id. */
export const GROUP_PATTERN = '^[a-z0-9][a-z0-9-]{0,63}$';
/** A module, method or query name in a URL. */
export const NAME_PATTERN = '^[a-z][a-zA-Z0-9]{0,31}$';
/** An account address. */
export const ADDRESS_PATTERN = '^gz[0-9a-f]{40}$';
