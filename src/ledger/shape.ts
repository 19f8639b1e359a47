import type { CborValue } from '../encoding/index.js';
import { type ErrorCode, GongzhiError } from '../errors/index.js';

/** A decoded CBOR map. */
export type CborMap = { readonly [key: string]: CborValue };

/** Identifiers used across modules: lower-case letters, digits and dashes, ≤ 64. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * Strict field readers, one per kind, for everything decoded from CBOR: transaction arguments
 * (`EXEC_BAD_ARGS`), stored records (`CHAIN_INVALID`), on-ledger structures (`TX_MALFORMED`,
 * `GENESIS_INVALID`…). A structure must have exactly the expected keys with the expected types;
 * every message names the field (`args.program must be …`).
 */
export class ShapeReader {
  constructor(
    private readonly map: CborMap,
    /** The code every failure carries. */
    readonly code: ErrorCode,
    /** The path of this structure in messages (`args`, `args.meta`, `program`). */
    readonly what: string,
  ) {}

  /** Wrap `v`, which must be a map whose keys are all in `allowed`. */
  static of(v: unknown, allowed: readonly string[], code: ErrorCode, what: string): ShapeReader {
    if (!isMap(v)) throw new GongzhiError(code, `${what} must be a map`, { field: what });
    for (const k of Object.keys(v)) {
      if (!allowed.includes(k))
        throw new GongzhiError(code, `${what} has unknown field "${k}"`, { field: k });
    }
    return new ShapeReader(v, code, what);
  }

  /** Throw this reader's code for `field` ("<what>.<field> must be <expected>"). */
  fail(field: string, expected: string): never {
    throw new GongzhiError(this.code, `${this.what}.${field} must be ${expected}`, { field });
  }

  has(field: string): boolean {
    return Object.hasOwn(this.map, field);
  }

  raw(field: string): CborValue {
    if (!this.has(field)) this.fail(field, 'present');
    return this.map[field] as CborValue;
  }

  /** The nested map `field`, read with the same code; its keys must be in `allowed`. */
  nested(field: string, allowed: readonly string[]): ShapeReader {
    return ShapeReader.of(this.raw(field), allowed, this.code, `${this.what}.${field}`);
  }

  /** Read `v` (a list item, `what` = its path) as a map with this reader's code. */
  sub(v: CborValue, what: string, allowed: readonly string[]): ShapeReader {
    return ShapeReader.of(v, allowed, this.code, what);
  }

  str(field: string, maxLen = 256, minLen = 1): string {
    const v = this.raw(field);
    if (typeof v !== 'string' || v.length < minLen || v.length > maxLen) {
      this.fail(field, `a string of ${minLen}..${maxLen} chars`);
    }
    return v;
  }

  optStr(field: string, maxLen = 256): string | undefined {
    return this.has(field) ? this.str(field, maxLen, 0) : undefined;
  }

  /** A string matching `re` (described as `expected` in the message). */
  match(field: string, re: RegExp, expected: string, maxLen = 256): string {
    const v = this.raw(field);
    if (typeof v !== 'string' || v.length > maxLen || !re.test(v)) this.fail(field, expected);
    return v;
  }

  /** An identifier ([a-z0-9-], ≤ 64). */
  id(field: string): string {
    return this.match(field, ID_PATTERN, 'an id ([a-z0-9-], ≤ 64 chars)', 64);
  }

  /** One of `values`. */
  oneOf<T extends string>(field: string, values: readonly T[]): T {
    const v = this.raw(field);
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.fail(field, `one of ${values.join(', ')}`);
    }
    return v as T;
  }

  uint(field: string, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.raw(field);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) {
      this.fail(field, `an unsigned integer ≤ ${max}`);
    }
    return v;
  }

  /** An unsigned integer, or `dflt` when the field is absent. */
  optUint(field: string, dflt: number, max = Number.MAX_SAFE_INTEGER): number {
    return this.has(field) ? this.uint(field, max) : dflt;
  }

  /** A safe integer in `min..max` (may be negative). */
  int(field: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.raw(field);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      this.fail(field, `an integer in ${min}..${max}`);
    }
    return v;
  }

  bool(field: string): boolean {
    const v = this.raw(field);
    if (typeof v !== 'boolean') this.fail(field, 'a boolean');
    return v;
  }

  optBool(field: string, dflt: boolean): boolean {
    return this.has(field) ? this.bool(field) : dflt;
  }

  bytes(field: string, len?: number, maxLen = 1 << 20): Uint8Array {
    const v = this.raw(field);
    if (!(v instanceof Uint8Array) || (len !== undefined && v.length !== len) || v.length > maxLen) {
      this.fail(field, len === undefined ? 'bytes' : `${len} bytes`);
    }
    return v;
  }

  /** A 32-byte digest. */
  digest(field: string): Uint8Array {
    return this.bytes(field, 32);
  }

  map_(field: string): CborMap {
    const v = this.raw(field);
    if (!isMap(v)) this.fail(field, 'a map');
    return v;
  }

  array(field: string, maxLen = 100_000): readonly CborValue[] {
    const v = this.raw(field);
    if (!Array.isArray(v) || v.length > maxLen) this.fail(field, `an array of ≤ ${maxLen} items`);
    return v as readonly CborValue[];
  }

  /** An array whose items are each read by `item` (which throws for a bad item). */
  list<T>(field: string, maxLen: number, item: (v: CborValue, at: string) => T): T[] {
    return this.array(field, maxLen).map((v, i) => item(v, `${this.what}.${field}[${i}]`));
  }

  /** An array of strings (each 1..maxItemLen); `unique` refuses duplicates. */
  strs(field: string, maxLen = 100_000, maxItemLen = 256, unique = false): string[] {
    const out = this.array(field, maxLen).map((v) => {
      if (typeof v !== 'string' || v.length === 0 || v.length > maxItemLen) {
        this.fail(field, `a list of strings of 1..${maxItemLen} chars`);
      }
      return v;
    });
    if (unique && new Set(out).size !== out.length) this.fail(field, 'a list without duplicates');
    return out;
  }
}

/** True for a CBOR map (plain object, not bytes or array). */
export function isMap(v: unknown): v is CborMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
