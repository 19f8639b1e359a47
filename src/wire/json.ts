/**
 * JSON values and the one CBOR→JSON converter: byte strings become lower-case hex, bigints
 * decimal strings. Every JSON view (server responses, SDK results) goes through these.
 */
import { type CborValue, toHex } from '../encoding/index.js';
import { T } from './schema.js';

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Any JSON object (a CBOR map's view, a module's free-form data). */
export const JsonObjectSchema = T.Unsafe<JsonObject>({ type: 'object', additionalProperties: true });

/** Any JSON value. */
export const jsonValueSchema = (description: string) => T.Unsafe<JsonValue>({ description });

/**
 * JSON view of a CBOR value: bytes → hex, bigint → decimal string, the rest unchanged. The same
 * conversion as `toJsonValue` (one converter), typed for decoded ledger values.
 */
export function cborToJson(v: CborValue): JsonValue {
  return toJsonValue(v);
}

/** JSON view of a CBOR map. */
export function cborMapToJson(v: { readonly [key: string]: CborValue }): JsonObject {
  return cborToJson(v) as JsonObject;
}

/**
 * Convert anything (a decoded CBOR value, a module query's result) into JSON: bytes → hex,
 * bigint → decimal string, undefined properties dropped, non-finite numbers → null, non-plain
 * values rendered with `String`. Nesting deeper than the CBOR codec's limit (64) becomes null.
 */
export function toJsonValue(v: unknown, depth = 0): JsonValue {
  if (depth > 64) return null;
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) return v.map((x) => toJsonValue(x, depth + 1));
  if (typeof v === 'object') {
    const out: JsonObject = {};
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      if (item !== undefined) out[k] = toJsonValue(item, depth + 1);
    }
    return out;
  }
  return String(v);
}
