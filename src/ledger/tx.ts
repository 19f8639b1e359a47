import type { CryptoSuite } from '../crypto/index.js';
import { type CborValue, decodeCanonical, encodeCanonical } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { type CborMap, ShapeReader } from './shape.js';

/** The signed part of a transaction. Field names are the canonical CBOR map keys. */
export interface TxBody {
  readonly chain: string;
  readonly group: string;
  /** Sender public key (raw bytes of the chain's suite). */
  readonly sender: Uint8Array;
  /** Client-chosen, unique per sender while the transaction is valid. */
  readonly nonce: string;
  /** Last block height at which the transaction may be included (FISCO BCOS blockLimit). */
  readonly validUntil: number;
  readonly module: string;
  readonly method: string;
  readonly args: CborMap;
}

/** A transaction with its signature over `txHash(body)`. */
export interface SignedTx {
  readonly body: TxBody;
  readonly sig: Uint8Array;
}

const NAME_RE = /^[a-z][a-zA-Z0-9]{0,31}$/;
const BODY_FIELDS = ['chain', 'group', 'sender', 'nonce', 'validUntil', 'module', 'method', 'args'] as const;

/** The body as a CBOR value (the canonical encoding's input). */
export function txBodyValue(b: TxBody): CborValue {
  return {
    chain: b.chain,
    group: b.group,
    sender: b.sender,
    nonce: b.nonce,
    validUntil: b.validUntil,
    module: b.module,
    method: b.method,
    args: b.args,
  };
}

/** Canonical bytes of a signed transaction (what travels and what is stored). */
export function encodeTx(tx: SignedTx): Uint8Array {
  return encodeCanonical({ body: txBodyValue(tx.body), sig: tx.sig });
}

/** Hash identifying a transaction: H(canonical body). The signature is not part of it. */
export function txHash(suite: CryptoSuite, body: TxBody): Uint8Array {
  return suite.hash(encodeCanonical(txBodyValue(body)));
}

function parseBody(v: CborValue | undefined): TxBody {
  const r = ShapeReader.of(v, BODY_FIELDS, 'TX_MALFORMED', 'tx.body');
  const module = r.str('module', 32);
  const method = r.str('method', 32);
  if (!NAME_RE.test(module) || !NAME_RE.test(method)) {
    throw new GongzhiError('TX_MALFORMED', 'module and method must be identifiers', { module, method });
  }
  return {
    chain: r.str('chain', 64),
    group: r.str('group', 64),
    sender: r.bytes('sender', undefined, 128),
    nonce: r.str('nonce', 64),
    validUntil: r.uint('validUntil'),
    module,
    method,
    args: r.map_('args'),
  };
}

/** Strictly decode a signed transaction (canonical CBOR, exact fields). */
export function decodeTx(bytes: Uint8Array): SignedTx {
  let v: CborValue;
  try {
    v = decodeCanonical(bytes);
  } catch (e) {
    if (e instanceof GongzhiError) throw new GongzhiError('TX_MALFORMED', e.message, { cause: e.code });
    throw e;
  }
  const r = ShapeReader.of(v, ['body', 'sig'], 'TX_MALFORMED', 'tx');
  return { body: parseBody(r.raw('body')), sig: r.bytes('sig', undefined, 128) };
}

/** Sign a body with the sender's secret key. */
export function signTx(suite: CryptoSuite, secretKey: Uint8Array, body: TxBody): SignedTx {
  return { body, sig: suite.sign(secretKey, txHash(suite, body)) };
}

/**
 * Hash of a transaction straight from its canonical bytes, without re-encoding the body.
 * In the canonical form the map is `{sig, body}` (shorter key first), so the body's bytes are the
 * suffix after the `sig` entry and the `body` key. Only valid for bytes `decodeTx` accepted.
 */
export function txHashFromBytes(suite: CryptoSuite, tx: SignedTx, bytes: Uint8Array): Uint8Array {
  const sigLen = tx.sig.length;
  const sigHeader = sigLen < 24 ? 1 : sigLen < 256 ? 2 : 3;
  // a2 | 63 's' 'i' 'g' | bytes header + sig | 64 'b' 'o' 'd' 'y' | body…
  const start = 1 + 4 + sigHeader + sigLen + 5;
  return suite.hash(bytes.subarray(start));
}
