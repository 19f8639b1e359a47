import { type CborValue, fromHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { type CborMap, ID_PATTERN, ShapeReader } from '../ledger/index.js';
import type { StateOverlay, StateReader } from '../state/index.js';

/**
 * The one reader set every module uses (one assertion per kind, the field's name in every
 * message), in three flavours that differ only in the code they raise:
 * - `readArgs`: a method's CBOR arguments → `EXEC_BAD_ARGS`;
 * - `QueryArgs`: a query's string parameters → `EXEC_BAD_ARGS`;
 * - `defineCodec` / `readStored`: a stored record → `CHAIN_INVALID` (a record that does not decode
 *   is damage, never a default).
 */

/** Read a method's arguments: a map whose keys are all in `allowed` (EXEC_BAD_ARGS). */
export function readArgs(v: CborMap | CborValue | undefined, allowed: readonly string[]): ShapeReader {
  return ShapeReader.of(v, allowed, 'EXEC_BAD_ARGS', 'args');
}

/** Read a nested argument structure named `what` (e.g. `args.meta`) (EXEC_BAD_ARGS). */
export function readArgsAt(v: CborValue | undefined, allowed: readonly string[], what: string): ShapeReader {
  return ShapeReader.of(v, allowed, 'EXEC_BAD_ARGS', what);
}

/** Read a stored record named `what` (CHAIN_INVALID). */
export function readRecordFields(
  v: CborValue | undefined,
  allowed: readonly string[],
  what: string,
): ShapeReader {
  return ShapeReader.of(v, allowed, 'CHAIN_INVALID', what);
}

/** A strict codec for one stored record type: one canonical encoding, strict decoding. */
export interface Codec<T> {
  /** What the record is called in messages. */
  readonly what: string;
  encode(value: T): CborValue;
  /** Decode, or CHAIN_INVALID when the value is not exactly a `what`. */
  decode(value: CborValue): T;
}

/** A codec for a map-shaped record with the keys in `fields`. */
export function defineCodec<T>(
  what: string,
  fields: readonly string[],
  encode: (value: T) => CborMap,
  decode: (r: ShapeReader) => T,
): Codec<T> {
  return {
    what,
    encode,
    decode: (v) => decode(readRecordFields(v, fields, what)),
  };
}

/** A codec for a record that is not a map (a counter, a list), checked by `decode`. */
export function defineValueCodec<T>(
  what: string,
  encode: (value: T) => CborValue,
  decode: (v: CborValue, fail: (expected: string) => never) => T,
): Codec<T> {
  const fail = (expected: string): never => {
    throw new GongzhiError('CHAIN_INVALID', `stored ${what} must be ${expected}`, { record: what });
  };
  return { what, encode, decode: (v) => decode(v, fail) };
}

/** A stored unsigned integer (counters, next ids). */
export const uintCodec: Codec<number> = defineValueCodec(
  'counter',
  (n) => n,
  (v, fail) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail('an unsigned integer')),
);

/** A stored list of strings (indexes). */
export const stringListCodec: Codec<string[]> = defineValueCodec(
  'string list',
  (l) => [...l],
  (v, fail) => {
    if (!Array.isArray(v)) return fail('a list of strings');
    return v.map((x) => (typeof x === 'string' ? x : fail('a list of strings')));
  },
);

/** A stored 32-byte digest. */
export const digestCodec: Codec<Uint8Array> = defineValueCodec(
  'digest',
  (d) => d,
  (v, fail) => (v instanceof Uint8Array && v.length === 32 ? v : fail('32 bytes')),
);

/** A stored presence flag (`true`). */
export const flagCodec: Codec<true> = defineValueCodec(
  'flag',
  () => true,
  (v, fail) => (v === true ? true : fail('true')),
);

/** The record under `key`, decoded strictly; undefined when absent. */
export function readStored<T>(state: StateReader, key: string, codec: Codec<T>): T | undefined {
  const v = state.get(key);
  if (v === undefined) return undefined;
  try {
    return codec.decode(v);
  } catch (e) {
    if (e instanceof GongzhiError && e.code === 'CHAIN_INVALID') {
      throw new GongzhiError('CHAIN_INVALID', `${e.message} (state key ${key})`, { ...e.details, key });
    }
    throw e;
  }
}

/** Write `value` under `key` in its one canonical encoding. */
export function writeStored<T>(state: StateOverlay, key: string, codec: Codec<T>, value: T): void {
  state.set(key, codec.encode(value));
}

/**
 * A query's parameters (strings from a URL, or JSON values from an SDK call), read one at a time
 * with EXEC_BAD_ARGS naming the parameter.
 */
export class QueryArgs {
  constructor(private readonly args: Readonly<Record<string, unknown>>) {}

  private bad(name: string, expected: string): never {
    throw new GongzhiError('EXEC_BAD_ARGS', `query parameter ${name} must be ${expected}`, { name });
  }

  /** The parameters as given. */
  raw(): Readonly<Record<string, unknown>> {
    return this.args;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.args, name) && this.args[name] !== undefined;
  }

  /** A required string of 1..max chars, optionally matching `re`. */
  str(name: string, max = 256, re?: RegExp, expected?: string): string {
    const v = this.args[name];
    if (typeof v !== 'string' || v.length === 0 || v.length > max || (re !== undefined && !re.test(v))) {
      this.bad(name, expected ?? `a string of 1..${max} chars`);
    }
    return v;
  }

  optStr(name: string, max = 256, re?: RegExp, expected?: string): string | undefined {
    return this.has(name) ? this.str(name, max, re, expected) : undefined;
  }

  /** An identifier ([a-z0-9-], ≤ 64). */
  id(name: string): string {
    return this.str(name, 64, ID_PATTERN, 'an id ([a-z0-9-], ≤ 64 chars)');
  }

  /** An unsigned integer in `min..max`; `dflt` when absent (required when `dflt` is undefined). */
  uint(name: string, dflt: number | undefined, max = Number.MAX_SAFE_INTEGER, min = 0): number {
    if (!this.has(name)) {
      if (dflt === undefined) this.bad(name, `an integer ${min}..${max}`);
      return dflt;
    }
    const v = this.args[name];
    const n =
      typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]{1,16}$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) this.bad(name, `an integer ${min}..${max}`);
    return n;
  }

  /** A boolean (`true`/`false`, or the strings); `dflt` when absent. */
  bool(name: string, dflt: boolean): boolean {
    if (!this.has(name)) return dflt;
    const v = this.args[name];
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    return this.bad(name, 'true or false');
  }

  /** One of `values`; `dflt` when absent (required when `dflt` is undefined). */
  oneOf<T extends string>(name: string, values: readonly T[], dflt?: T): T {
    if (!this.has(name) && dflt !== undefined) return dflt;
    const v = this.args[name];
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.bad(name, `one of ${values.join(', ')}`);
    }
    return v as T;
  }

  /** Hex bytes of exactly `len` bytes (`0x` prefix allowed). */
  hex(name: string, len: number): Uint8Array {
    const v = this.args[name];
    const s = typeof v === 'string' ? v.toLowerCase().replace(/^0x/, '') : '';
    if (s.length !== len * 2 || !/^[0-9a-f]*$/.test(s)) this.bad(name, `${len} bytes of hex`);
    return fromHex(s);
  }
}
