import { decode, encode, rfc8949EncodeOptions } from 'cborg';
import { GongzhiError } from '../errors/index.js';
import { encodeLedgerValue } from './encoder.js';
import type { CborValue } from './value.js';

export type { CborValue };

/** Upper bound of nesting depth, so a hostile input cannot blow the stack. */
const MAX_DEPTH = 64;

const DECODE_OPTIONS = {
  strict: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: true,
  useMaps: false,
  tags: [],
} as const;

function assertLedgerValue(v: unknown, path: string, depth: number): asserts v is CborValue {
  if (depth > MAX_DEPTH) {
    throw new GongzhiError('ENCODING_UNSUPPORTED_TYPE', 'value nested too deeply', { path });
  }
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) {
      throw new GongzhiError('ENCODING_UNSUPPORTED_TYPE', 'only safe integers are allowed (no floats)', {
        path,
      });
    }
    return;
  }
  if (typeof v === 'bigint') {
    if (v >= -(2n ** 64n) && v < 2n ** 64n) return;
    throw new GongzhiError('ENCODING_UNSUPPORTED_TYPE', 'integer outside 64-bit range', { path });
  }
  if (v instanceof Uint8Array) return;
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      assertLedgerValue(item, `${path}[${i}]`, depth + 1);
    });
    return;
  }
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      throw new GongzhiError('ENCODING_UNSUPPORTED_TYPE', 'only plain objects may be encoded', { path });
    }
    for (const [k, item] of Object.entries(v)) {
      if (item === undefined) {
        throw new GongzhiError('ENCODING_UNSUPPORTED_TYPE', 'undefined is not encodable; omit the key', {
          path: `${path}.${k}`,
        });
      }
      assertLedgerValue(item, `${path}.${k}`, depth + 1);
    }
    return;
  }
  throw new GongzhiError('ENCODING_UNSUPPORTED_TYPE', `type ${typeof v} is not encodable`, { path });
}

/**
 * Encode a value with the RFC 8949 §4.2.1 core deterministic rules: shortest integer and
 * length forms, definite lengths, map keys sorted bytewise by their encoding.
 * Throws ENCODING_UNSUPPORTED_TYPE for floats, undefined, class instances.
 */
export function encodeCanonical(value: CborValue): Uint8Array {
  return encodeLedgerValue(value);
}

/** The same encoding produced by cborg's RFC 8949 encoder; used to cross-check `encodeCanonical`. */
export function encodeWithCborg(value: CborValue): Uint8Array {
  assertLedgerValue(value, '$', 0);
  return encode(value, rfc8949EncodeOptions);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Decode strictly: rejects malformed input, indefinite lengths, duplicate map keys,
 * trailing bytes, tags, floats, undefined, and any encoding that is not the canonical one
 * (checked by re-encoding and comparing bytes).
 */
export function decodeCanonical(bytes: Uint8Array): CborValue {
  let value: unknown;
  try {
    value = decode(bytes, DECODE_OPTIONS);
  } catch (e) {
    throw new GongzhiError('ENCODING_INVALID', `invalid CBOR: ${(e as Error).message}`, {}, { cause: e });
  }
  try {
    assertLedgerValue(value, '$', 0);
  } catch (e) {
    if (e instanceof GongzhiError) throw new GongzhiError('ENCODING_NON_CANONICAL', e.message, e.details);
    throw e;
  }
  const again = encodeLedgerValue(value);
  if (!bytesEqual(again, bytes)) {
    throw new GongzhiError('ENCODING_NON_CANONICAL', 'input is not in canonical (deterministic) form');
  }
  return value;
}
