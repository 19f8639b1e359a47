import type { CborValue } from '../../encoding/index.js';
import { type Codec, defineValueCodec } from '../../execution/index.js';
import { isMap } from '../../ledger/index.js';

/**
 * CBOR's canonical map-key order (RFC 8949 §4.2.1) for the ASCII keys the module uses (field
 * names, account addresses): shorter first, then by code unit. Decoded maps are rebuilt in this
 * order, so a record decoded from stored bytes and one decoded from the value just encoded are
 * identical, key order included — and query results list keys as the stored bytes do.
 */
export function canonicalKeyOrder(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A number map as the module holds it: name → non-zero safe integer (absent means 0). */
export type NumMap = Readonly<Record<string, number>>;

/**
 * Totals, aggregates and quota buckets: a map of non-zero safe integers (zero entries are never
 * stored). Decoding refuses anything else (CHAIN_INVALID).
 */
export const numMapCodec: Codec<NumMap> = defineValueCodec(
  'number map',
  (m) => {
    const out: Record<string, CborValue> = {};
    for (const k of Object.keys(m)) {
      const v = m[k] as number;
      if (v !== 0) out[k] = v;
    }
    return out;
  },
  (v, fail) => {
    if (!isMap(v)) return fail('a map of non-zero integers');
    const out: Record<string, number> = {};
    for (const k of Object.keys(v).sort(canonicalKeyOrder)) {
      const x = v[k];
      if (typeof x !== 'number' || !Number.isSafeInteger(x) || x === 0) {
        return fail('a map of non-zero integers');
      }
      out[k] = x;
    }
    return out;
  },
);

/** A plain account's balance: a non-zero safe integer (a zero balance is deleted). */
export const balanceCodec: Codec<number> = defineValueCodec(
  'balance',
  (n) => n,
  (v, fail) => (typeof v === 'number' && Number.isSafeInteger(v) && v !== 0 ? v : fail('a non-zero integer')),
);
