/**
 * JSON views of ledger structures, shared by the node API (which renders them) and the SDK
 * (which reads them). Byte strings become lower-case hex, bigints become decimal strings.
 * Views are for reading; anything that must be verified travels as canonical bytes as well.
 */

import { type CborValue, toHex } from '../encoding/index.js';
import type {
  BlockHeader,
  BlockSignature,
  LedgerEvent,
  MerkleStep,
  Receipt,
  SignedTx,
} from '../ledger/index.js';
import type { CryptoSuite } from './suite.js';

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** JSON view of a CBOR value: bytes → hex, bigint → decimal string, the rest unchanged. */
export function cborToJson(v: CborValue): JsonValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) return (v as readonly CborValue[]).map(cborToJson);
  const out: JsonObject = {};
  for (const [k, item] of Object.entries(v as { readonly [key: string]: CborValue }))
    out[k] = cborToJson(item);
  return out;
}

/** JSON view of a CBOR map. */
export function cborMapToJson(v: { readonly [key: string]: CborValue }): JsonObject {
  return cborToJson(v) as JsonObject;
}

/**
 * Convert anything a module query may return into JSON (bytes → hex, bigint → string,
 * undefined properties dropped). Non-plain values are rendered with `String`.
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

/** A signed transaction as JSON. */
export interface TxView {
  readonly hash: string;
  readonly chain: string;
  readonly group: string;
  /** Sender address (`gz…`). */
  readonly sender: string;
  /** Sender public key (hex). */
  readonly senderKey: string;
  readonly nonce: string;
  readonly validUntil: number;
  readonly module: string;
  readonly method: string;
  readonly args: JsonObject;
  /** Signature (hex). */
  readonly sig: string;
}

/** JSON view of a signed transaction. `hash` is its tx hash; `sender` its address when known. */
export function txView(suite: CryptoSuite, tx: SignedTx, hash: Uint8Array, sender?: string): TxView {
  const b = tx.body;
  let address = sender;
  if (address === undefined) {
    try {
      address = suite.address(b.sender);
    } catch {
      address = '';
    }
  }
  return {
    hash: toHex(hash),
    chain: b.chain,
    group: b.group,
    sender: address,
    senderKey: toHex(b.sender),
    nonce: b.nonce,
    validUntil: b.validUntil,
    module: b.module,
    method: b.method,
    args: cborMapToJson(b.args),
    sig: toHex(tx.sig),
  };
}

/** An event as JSON. */
export interface EventView {
  readonly module: string;
  readonly name: string;
  readonly data: JsonObject;
}

export function eventView(e: LedgerEvent): EventView {
  return { module: e.module, name: e.name, data: cborMapToJson(e.data) };
}

/** A receipt as JSON. */
export interface ReceiptView {
  /** Transaction hash (hex). */
  readonly tx: string;
  readonly index: number;
  /** 'ok' or the error code of the failed execution. */
  readonly status: string;
  readonly message?: string;
  readonly events: EventView[];
  /** [state key, hex of H(new value) or null for a deletion]. */
  readonly writes: [string, string | null][];
}

export function receiptView(r: Receipt): ReceiptView {
  return {
    tx: toHex(r.tx),
    index: r.index,
    status: r.status,
    ...(r.message === undefined ? {} : { message: r.message }),
    events: r.events.map(eventView),
    writes: r.writes.map(([k, h]) => [k, h === null ? null : toHex(h)]),
  };
}

/** A block header as JSON. */
export interface HeaderView {
  readonly chain: string;
  readonly group: string;
  readonly height: number;
  readonly parent: string;
  readonly timestamp: number;
  readonly txCount: number;
  readonly txRoot: string;
  readonly receiptRoot: string;
  readonly stateRoot: string;
  readonly order: JsonObject;
}

export function headerView(h: BlockHeader): HeaderView {
  return {
    chain: h.chain,
    group: h.group,
    height: h.height,
    parent: toHex(h.parent),
    timestamp: h.timestamp,
    txCount: h.txCount,
    txRoot: toHex(h.txRoot),
    receiptRoot: toHex(h.receiptRoot),
    stateRoot: toHex(h.stateRoot),
    order: cborMapToJson(h.order),
  };
}

/** A node signature over a block hash, as JSON. */
export interface SignatureView {
  readonly node: string;
  readonly sig: string;
}

export function signaturesView(sigs: readonly BlockSignature[]): SignatureView[] {
  return sigs.map((s) => ({ node: s.node, sig: toHex(s.sig) }));
}

/** One Merkle proof step as JSON. */
export interface MerkleStepView {
  readonly side: 'left' | 'right';
  readonly hash: string;
}

export function stepsView(steps: readonly MerkleStep[]): MerkleStepView[] {
  return steps.map((s) => ({ side: s.side, hash: toHex(s.hash) }));
}
