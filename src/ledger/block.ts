import type { CryptoSuite } from '../crypto/index.js';
import { type CborValue, decodeCanonical, encodeCanonical } from '../encoding/index.js';
import { type CborMap, ShapeReader } from './shape.js';

/** The hashed part of a block. */
export interface BlockHeader {
  readonly chain: string;
  readonly group: string;
  readonly height: number;
  /** Hash of the previous header (32 zero bytes for height 0). */
  readonly parent: Uint8Array;
  /** Milliseconds since the epoch, assigned by the orderer, strictly increasing. */
  readonly timestamp: number;
  readonly txCount: number;
  readonly txRoot: Uint8Array;
  readonly receiptRoot: Uint8Array;
  readonly stateRoot: Uint8Array;
  /** Orderer-specific deterministic metadata (e.g. stream positions); empty for solo. */
  readonly order: CborMap;
}

/** A signature of a node over a block hash. */
export interface BlockSignature {
  readonly node: string;
  readonly sig: Uint8Array;
}

const HEADER_FIELDS = [
  'chain',
  'group',
  'height',
  'parent',
  'timestamp',
  'txCount',
  'txRoot',
  'receiptRoot',
  'stateRoot',
  'order',
] as const;

/** Header as a CBOR value. */
export function headerValue(h: BlockHeader): CborValue {
  return {
    chain: h.chain,
    group: h.group,
    height: h.height,
    parent: h.parent,
    timestamp: h.timestamp,
    txCount: h.txCount,
    txRoot: h.txRoot,
    receiptRoot: h.receiptRoot,
    stateRoot: h.stateRoot,
    order: h.order,
  };
}

/** Canonical header bytes. */
export function encodeHeader(h: BlockHeader): Uint8Array {
  return encodeCanonical(headerValue(h));
}

/** Block hash: H(canonical header). */
export function blockHash(suite: CryptoSuite, h: BlockHeader): Uint8Array {
  return suite.hash(encodeHeader(h));
}

/** Parse a header from a decoded CBOR value. */
export function parseHeader(v: CborValue | undefined): BlockHeader {
  const r = ShapeReader.of(v, HEADER_FIELDS, 'ENCODING_INVALID', 'header');
  return {
    chain: r.str('chain', 64),
    group: r.str('group', 64),
    height: r.uint('height'),
    parent: r.bytes('parent', 32),
    timestamp: r.uint('timestamp'),
    txCount: r.uint('txCount'),
    txRoot: r.bytes('txRoot', 32),
    receiptRoot: r.bytes('receiptRoot', 32),
    stateRoot: r.bytes('stateRoot', 32),
    order: r.map_('order'),
  };
}

/** Strictly decode a header. */
export function decodeHeader(bytes: Uint8Array): BlockHeader {
  return parseHeader(decodeCanonical(bytes));
}

/** Canonical bytes of a signature list. */
export function encodeSignatures(sigs: readonly BlockSignature[]): Uint8Array {
  return encodeCanonical(sigs.map((s) => ({ node: s.node, sig: s.sig })));
}

/** Parse a signature list from a decoded value. */
export function parseSignatures(v: CborValue): BlockSignature[] {
  if (!Array.isArray(v)) return new ShapeReader({}, 'ENCODING_INVALID', 'signatures').raw('list') as never;
  return (v as CborValue[]).map((s) => {
    const r = ShapeReader.of(s, ['node', 'sig'], 'ENCODING_INVALID', 'signature');
    return { node: r.str('node', 64), sig: r.bytes('sig', undefined, 128) };
  });
}

/** Strictly decode a signature list. */
export function decodeSignatures(bytes: Uint8Array): BlockSignature[] {
  return parseSignatures(decodeCanonical(bytes));
}

/** The 32-byte zero hash used as parent of block 0. */
export const ZERO_HASH = new Uint8Array(32);
