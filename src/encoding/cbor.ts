import { decode, encode, rfc8949EncodeOptions } from 'cborg';
import { GongzhiError } from '../errors/index.js';
import { encodeLedgerValue, pathOf } from './encoder.js';
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

function unsupported(message: string, stack: readonly (string | number)[]): GongzhiError {
  return new GongzhiError('ENCODING_UNSUPPORTED_TYPE', message, { path: pathOf(stack) });
}

/** Check a decoded value is a ledger value; `stack` is its path, a string only if it fails. */
function checkLedgerValue(v: unknown, stack: (string | number)[], depth: number): void {
  if (depth > MAX_DEPTH) throw unsupported('value nested too deeply', stack);
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw unsupported('only safe integers are allowed (no floats)', stack);
    return;
  }
  if (typeof v === 'bigint') {
    if (v >= -(2n ** 64n) && v < 2n ** 64n) return;
    throw unsupported('integer outside 64-bit range', stack);
  }
  if (v instanceof Uint8Array) return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      stack.push(i);
      checkLedgerValue(v[i], stack, depth + 1);
      stack.pop();
    }
    return;
  }
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null)
      throw unsupported('only plain objects may be encoded', stack);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const item = o[k];
      stack.push(k);
      if (item === undefined) throw unsupported('undefined is not encodable; omit the key', stack);
      checkLedgerValue(item, stack, depth + 1);
      stack.pop();
    }
    return;
  }
  throw unsupported(`type ${typeof v} is not encodable`, stack);
}

function assertLedgerValue(v: unknown): asserts v is CborValue {
  checkLedgerValue(v, [], 0);
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
  assertLedgerValue(value);
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
    assertLedgerValue(value);
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
