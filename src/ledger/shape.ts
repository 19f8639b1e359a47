import type { CborValue } from '../encoding/index.js';
import { type ErrorCode, GongzhiError } from '../errors/index.js';

/** A decoded CBOR map. */
export type CborMap = { readonly [key: string]: CborValue };

/**
 * Strict field readers for decoding on-ledger structures: a structure must have exactly the
 * expected keys with the expected types, otherwise it is rejected with `code`.
 */
export class ShapeReader {
  constructor(
    private readonly map: CborMap,
    private readonly code: ErrorCode,
    private readonly what: string,
  ) {}

  /** Wrap `v`, which must be a map whose keys are all in `allowed`. */
  static of(
    v: CborValue | undefined,
    allowed: readonly string[],
    code: ErrorCode,
    what: string,
  ): ShapeReader {
    if (!isMap(v)) throw new GongzhiError(code, `${what} must be a map`);
    for (const k of Object.keys(v)) {
      if (!allowed.includes(k))
        throw new GongzhiError(code, `${what} has unknown field "${k}"`, { field: k });
    }
    return new ShapeReader(v, code, what);
  }

  private fail(field: string, expected: string): never {
    throw new GongzhiError(this.code, `${this.what}.${field} must be ${expected}`, { field });
  }

  has(field: string): boolean {
    return Object.hasOwn(this.map, field);
  }

  raw(field: string): CborValue {
    if (!this.has(field)) this.fail(field, 'present');
    return this.map[field] as CborValue;
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

  uint(field: string, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.raw(field);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) {
      this.fail(field, `an unsigned integer ≤ ${max}`);
    }
    return v;
  }

  bool(field: string): boolean {
    const v = this.raw(field);
    if (typeof v !== 'boolean') this.fail(field, 'a boolean');
    return v;
  }

  bytes(field: string, len?: number, maxLen = 1 << 20): Uint8Array {
    const v = this.raw(field);
    if (!(v instanceof Uint8Array) || (len !== undefined && v.length !== len) || v.length > maxLen) {
      this.fail(field, len === undefined ? 'bytes' : `${len} bytes`);
    }
    return v;
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
}

/** True for a CBOR map (plain object, not bytes or array). */
export function isMap(v: CborValue | undefined): v is CborMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
