import type { CryptoSuite } from '../crypto/index.js';
import { type CborValue, decodeCanonical, encodeCanonical } from '../encoding/index.js';
import { type CborMap, ShapeReader } from './shape.js';

/** An event emitted by a module during execution. */
export interface LedgerEvent {
  readonly module: string;
  readonly name: string;
  readonly data: CborMap;
}

/** One state write: key and H(new value), or null for a deletion. */
export type WriteEntry = readonly [key: string, valueHash: Uint8Array | null];

/** Outcome of one transaction. A failed transaction has no events and no writes. */
export interface Receipt {
  readonly tx: Uint8Array;
  readonly index: number;
  /** 'ok' or a stable error code. */
  readonly status: string;
  readonly message?: string;
  readonly events: readonly LedgerEvent[];
  readonly writes: readonly WriteEntry[];
}

/** Receipt as CBOR value. */
export function receiptValue(r: Receipt): CborValue {
  const v: Record<string, CborValue> = {
    tx: r.tx,
    index: r.index,
    status: r.status,
    events: r.events.map((e) => ({ module: e.module, name: e.name, data: e.data })),
    writes: r.writes.map(([k, h]) => [k, h]),
  };
  if (r.message !== undefined) v.message = r.message;
  return v;
}

/** Canonical receipt bytes. */
export function encodeReceipt(r: Receipt): Uint8Array {
  return encodeCanonical(receiptValue(r));
}

/** Strictly decode a receipt. */
export function decodeReceipt(bytes: Uint8Array): Receipt {
  const r = ShapeReader.of(
    decodeCanonical(bytes),
    ['tx', 'index', 'status', 'message', 'events', 'writes'],
    'ENCODING_INVALID',
    'receipt',
  );
  const events = r.array('events').map((e) => {
    const er = ShapeReader.of(e, ['module', 'name', 'data'], 'ENCODING_INVALID', 'event');
    return { module: er.str('module'), name: er.str('name'), data: er.map_('data') };
  });
  const writes = r.array('writes', 1_000_000).map((w): WriteEntry => {
    if (!Array.isArray(w) || w.length !== 2 || typeof w[0] !== 'string') {
      throw new ShapeReader({}, 'ENCODING_INVALID', 'receipt').raw('writes');
    }
    const h = w[1];
    return [w[0], h instanceof Uint8Array ? h : null];
  });
  const message = r.optStr('message', 4096);
  return {
    tx: r.bytes('tx'),
    index: r.uint('index'),
    status: r.str('status', 64),
    ...(message === undefined ? {} : { message }),
    events,
    writes,
  };
}

/** Leaf hash input for the receipt tree. */
export function receiptHash(suite: CryptoSuite, r: Receipt): Uint8Array {
  return suite.hash(encodeReceipt(r));
}
