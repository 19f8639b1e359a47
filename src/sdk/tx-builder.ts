import { type CborValue, toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { type CborMap, encodeTx, type SignedTx, signTx, type TxBody, txHash } from '../ledger/index.js';
import type { CryptoSuite } from './suite.js';

/** What a transaction is made of. */
export interface BuildTxInput {
  readonly suite: CryptoSuite;
  readonly secretKey: Uint8Array;
  readonly chain: string;
  readonly group: string;
  readonly module: string;
  readonly method: string;
  readonly args: CborMap | { readonly [key: string]: CborValue };
  /** Unique per sender while valid; 16 random bytes (hex) by default. */
  readonly nonce?: string;
  /** Last block height at which the transaction may be included. */
  readonly validUntil: number;
}

/** A signed transaction ready to submit. */
export interface BuiltTx {
  /** Canonical CBOR of the signed transaction (what the node receives). */
  readonly bytes: Uint8Array;
  /** Transaction hash (hex), as the node reports it. */
  readonly hash: string;
  readonly tx: SignedTx;
}

/** 16 random bytes as hex, from the platform CSPRNG (`crypto.getRandomValues`). */
export function randomNonce(): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  return toHex(b);
}

/** Build, sign and encode a transaction. */
export function buildTx(input: BuildTxInput): BuiltTx {
  if (!Number.isSafeInteger(input.validUntil) || input.validUntil < 0) {
    throw new GongzhiError('TX_MALFORMED', 'validUntil must be a block height', {
      validUntil: input.validUntil,
    });
  }
  const body: TxBody = {
    chain: input.chain,
    group: input.group,
    sender: input.suite.publicKeyFromSecret(input.secretKey),
    nonce: input.nonce ?? randomNonce(),
    validUntil: input.validUntil,
    module: input.module,
    method: input.method,
    args: input.args,
  };
  const tx = signTx(input.suite, input.secretKey, body);
  return { bytes: encodeTx(tx), hash: toHex(txHash(input.suite, body)), tx };
}
