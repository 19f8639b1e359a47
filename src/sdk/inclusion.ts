/**
 * Offline verification of what the transaction endpoint returns: the transaction and its receipt
 * are in the block whose header the proofs lead to, and (given trusted node keys) that block was
 * signed by the consortium's nodes. No network access, no trust in the answering node.
 */
import { bytesEqual, fromBase64Url, fromHex, toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import {
  applyMerkleProof,
  type BlockHeader,
  blockHash,
  decodeHeader,
  decodeReceipt,
  decodeTx,
  leafHash,
  type MerkleStep,
  type Receipt,
  receiptHash,
  type SignedTx,
  txHash,
} from '../ledger/index.js';
import type { MerkleStepView, TxResponse } from '../wire/index.js';
import { type CryptoSuite, getSuite, isSuiteId, type SuiteId } from './suite.js';

/** A node key trusted to sign block headers (as listed by the governance `nodes` query). */
export interface TrustedNodeKey {
  readonly id: string;
  /** Public key (hex) under the chain's suite. */
  readonly publicKey: string;
}

export interface InclusionOptions {
  /** The chain's suite (pin it; defaults to the suite named in the response). */
  readonly suite?: CryptoSuite | SuiteId;
  /** When given, the block must carry at least `minSignatures` valid signatures of these nodes. */
  readonly trustedNodes?: readonly TrustedNodeKey[];
  /** Default 1 when `trustedNodes` is given. */
  readonly minSignatures?: number;
  /** When given, the header must be of this chain / group. */
  readonly chain?: string;
  readonly group?: string;
}

/** The verified facts (decoded from the canonical bytes, not from the JSON views). */
export interface VerifiedInclusion {
  readonly tx: SignedTx;
  readonly receipt: Receipt;
  readonly header: BlockHeader;
  readonly blockHash: string;
  readonly height: number;
  readonly index: number;
  /** Trusted nodes whose signature over the block verified. */
  readonly signedBy: string[];
}

export type InclusionResult =
  | ({ readonly ok: true } & VerifiedInclusion)
  | { readonly ok: false; readonly reason: string };

function fail(reason: string): never {
  throw new GongzhiError('SDK_BAD_PROOF', reason);
}

function steps(v: readonly MerkleStepView[] | undefined, what: string): MerkleStep[] {
  if (!Array.isArray(v) || v.length > 64) fail(`${what} must be a list of at most 64 steps`);
  return v.map((s) => {
    if (s.side !== 'left' && s.side !== 'right') fail(`${what} has a bad side`);
    const hash = fromHex(s.hash);
    if (hash.length !== 32) fail(`${what} has a bad hash`);
    return { side: s.side, hash };
  });
}

/**
 * Check a `GET /v1/groups/:group/txs/:hash` answer offline. Throws SDK_BAD_PROOF with the reason
 * when anything does not hold; returns the facts decoded from the verified bytes otherwise.
 */
export function assertTxInclusion(resp: TxResponse, opts: InclusionOptions = {}): VerifiedInclusion {
  try {
    return verifyOrThrow(resp, opts);
  } catch (e) {
    if (e instanceof GongzhiError && e.code === 'SDK_BAD_PROOF') throw e;
    throw new GongzhiError(
      'SDK_BAD_PROOF',
      `malformed inclusion data: ${(e as Error).message}`,
      {},
      { cause: e },
    );
  }
}

/** Like `assertTxInclusion` but never throws. */
export function verifyTxInclusion(resp: TxResponse, opts: InclusionOptions = {}): InclusionResult {
  try {
    return { ok: true, ...assertTxInclusion(resp, opts) };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

function verifyOrThrow(resp: TxResponse, opts: InclusionOptions): VerifiedInclusion {
  if (resp.status !== 'committed') fail('transaction is not committed');
  const { raw, receiptRaw, proof, receiptProof, block } = resp;
  if (raw === null || receiptRaw === null || proof === null || receiptProof === null || block === null) {
    fail('inclusion data missing');
  }
  if (resp.height === null || resp.index === null) fail('position missing');
  const suiteOpt = opts.suite ?? resp.suite;
  const suite =
    typeof suiteOpt === 'string'
      ? isSuiteId(suiteOpt)
        ? getSuite(suiteOpt)
        : fail('unknown suite')
      : suiteOpt;
  const hash = (b: Uint8Array): Uint8Array => suite.hash(b);

  const tx = decodeTx(fromBase64Url(raw));
  const tHash = txHash(suite, tx.body);
  if (toHex(tHash) !== resp.hash) fail('transaction bytes do not hash to the requested hash');
  if (!suite.verify(tx.body.sender, tHash, tx.sig)) fail('transaction signature does not verify');

  const headerBytes = fromBase64Url(block.header);
  const header = decodeHeader(headerBytes);
  const bHash = blockHash(suite, header);
  if (toHex(bHash) !== block.hash) fail('header does not hash to the block hash');
  if (header.height !== resp.height) fail('header height differs from the reported height');
  if (opts.chain !== undefined && header.chain !== opts.chain) fail('block is of another chain');
  if (opts.group !== undefined && header.group !== opts.group) fail('block is of another group');
  if (tx.body.chain !== header.chain || tx.body.group !== header.group)
    fail('transaction is for another chain or group');
  if (resp.index >= header.txCount) fail('index outside the block');

  if (proof.txRoot !== toHex(header.txRoot)) fail('proof.txRoot differs from the header');
  const txRoot = applyMerkleProof(hash, leafHash(hash, tHash), steps(proof.steps, 'proof.steps'));
  if (!bytesEqual(txRoot, header.txRoot)) fail('transaction proof does not lead to the header txRoot');

  const receipt = decodeReceipt(fromBase64Url(receiptRaw));
  if (!bytesEqual(receipt.tx, tHash)) fail('receipt is for another transaction');
  if (receipt.index !== resp.index) fail('receipt index differs from the reported index');
  if (receiptProof.receiptRoot !== toHex(header.receiptRoot))
    fail('receiptProof.receiptRoot differs from the header');
  const rRoot = applyMerkleProof(
    hash,
    leafHash(hash, receiptHash(suite, receipt)),
    steps(receiptProof.steps, 'receiptProof.steps'),
  );
  if (!bytesEqual(rRoot, header.receiptRoot)) fail('receipt proof does not lead to the header receiptRoot');

  const signedBy: string[] = [];
  if (opts.trustedNodes !== undefined) {
    const keys = new Map(opts.trustedNodes.map((n) => [n.id, n.publicKey]));
    for (const s of block.signatures) {
      const pk = keys.get(s.node);
      if (pk === undefined || signedBy.includes(s.node)) continue;
      if (suite.verify(fromHex(pk), bHash, fromHex(s.sig))) signedBy.push(s.node);
    }
    const min = opts.minSignatures ?? 1;
    if (signedBy.length < min) fail(`block carries ${signedBy.length} trusted signatures, ${min} required`);
  }
  return { tx, receipt, header, blockHash: block.hash, height: header.height, index: resp.index, signedBy };
}
