import { bytesEqual, toBase64Url, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import {
  type BlockHeader,
  type BlockSignature,
  encodeHeader,
  encodeReceipt,
  encodeTx,
  leafHash,
  type MerkleStep,
  merkleProof,
  merkleRoot,
  type Receipt,
  receiptHash,
  type SignedTx,
  txHash,
} from '../../ledger/index.js';
import type { CryptoSuite, SuiteId } from '../suite.js';
import {
  CERTIFICATE_TYPE,
  type EvidenceCertificate,
  type EvidenceProof,
  type EvidenceRecordJson,
  type MerkleStepJson,
  type TxEvidence,
} from './types.js';

/** The pieces proving one transaction, as the node holds them in storage (decoded). */
export interface TxEvidenceParts {
  readonly tx: SignedTx;
  readonly receipt: Receipt;
  /** Inclusion path of leafHash(txHash) in `header.txRoot`. */
  readonly txProof: readonly MerkleStep[];
  /** Inclusion path of leafHash(receiptHash) in `header.receiptRoot`. */
  readonly receiptProof: readonly MerkleStep[];
  readonly header: BlockHeader;
  readonly signatures: readonly BlockSignature[];
}

/** Everything `buildCertificate` assembles; plain data the node layer fills from storage. */
export interface CertificateParts {
  readonly chain: string;
  readonly group: string;
  readonly suite: SuiteId;
  /** The file digest the certificate is about (the anchored digest unless batched). */
  readonly digest: Uint8Array;
  /** Proof from `digest` to the anchored batch root, when the file was anchored in a batch. */
  readonly batchProof?: EvidenceProof;
  /** The record as returned by the `evidence.get` query. */
  readonly record: EvidenceRecordJson;
  readonly anchor: TxEvidenceParts;
  /** Cosign transactions, in the order of `record.signers`. */
  readonly cosigns?: readonly TxEvidenceParts[];
  /** Revoke transactions, in chain order. */
  readonly revocations?: readonly TxEvidenceParts[];
}

/** The contents of one committed block. `receipts[i]` is the receipt of `txs[i]`. */
export interface BlockContents {
  readonly header: BlockHeader;
  readonly signatures: readonly BlockSignature[];
  readonly txs: readonly SignedTx[];
  readonly receipts: readonly Receipt[];
}

/** Where to find one transaction a certificate needs. */
export interface CertificateTxRef {
  readonly height: number;
  /** Transaction hash (hex). */
  readonly tx: string;
}

/** Convert ledger Merkle steps to their JSON form. */
export function stepsToJson(steps: readonly MerkleStep[]): MerkleStepJson[] {
  return steps.map((s) => ({ side: s.side, hash: toHex(s.hash) }));
}

/** Serialize one transaction's evidence. */
export function txEvidenceJson(p: TxEvidenceParts): TxEvidence {
  return {
    tx: toBase64Url(encodeTx(p.tx)),
    receipt: toBase64Url(encodeReceipt(p.receipt)),
    txProof: stepsToJson(p.txProof),
    receiptProof: stepsToJson(p.receiptProof),
    header: toBase64Url(encodeHeader(p.header)),
    signatures: p.signatures.map((s) => ({ node: s.node, sig: toHex(s.sig) })),
  };
}

/**
 * Assemble a certificate from its parts. Pure: no I/O and no checking beyond the digest's
 * length (EVIDENCE_BAD_DIGEST); `verifyCertificate` is what decides whether it holds.
 */
export function buildCertificate(parts: CertificateParts): EvidenceCertificate {
  if (!(parts.digest instanceof Uint8Array) || parts.digest.length !== 32) {
    throw new GongzhiError('EVIDENCE_BAD_DIGEST', 'digest must be 32 bytes');
  }
  return {
    type: CERTIFICATE_TYPE,
    version: 1,
    chain: parts.chain,
    group: parts.group,
    suite: parts.suite,
    digest: toHex(parts.digest),
    ...(parts.batchProof === undefined ? {} : { batchProof: parts.batchProof }),
    record: parts.record,
    anchor: txEvidenceJson(parts.anchor),
    cosigns: (parts.cosigns ?? []).map(txEvidenceJson),
    revocations: (parts.revocations ?? []).map(txEvidenceJson),
  };
}

/**
 * Evidence parts for the transaction `tx` (hash, bytes or hex) of a committed block: computes
 * both inclusion proofs. Throws TX_NOT_FOUND when the block does not hold it and CHAIN_INVALID
 * when the block's contents do not reproduce its header roots.
 */
export function txEvidenceFromBlock(
  suite: CryptoSuite,
  block: BlockContents,
  tx: Uint8Array | string,
): TxEvidenceParts {
  const want = typeof tx === 'string' ? tx : toHex(tx);
  const hash = (b: Uint8Array): Uint8Array => suite.hash(b);
  const txLeaves = block.txs.map((t) => leafHash(hash, txHash(suite, t.body)));
  const receiptLeaves = block.receipts.map((r) => leafHash(hash, receiptHash(suite, r)));
  if (
    block.txs.length !== block.receipts.length ||
    !bytesEqual(merkleRoot(hash, txLeaves), block.header.txRoot) ||
    !bytesEqual(merkleRoot(hash, receiptLeaves), block.header.receiptRoot)
  ) {
    throw new GongzhiError('CHAIN_INVALID', 'block contents do not match the header roots', {
      height: block.header.height,
    });
  }
  const index = block.txs.findIndex((t) => toHex(txHash(suite, t.body)) === want);
  const found = block.txs[index];
  const receipt = block.receipts[index];
  if (index < 0 || found === undefined || receipt === undefined) {
    throw new GongzhiError('TX_NOT_FOUND', 'transaction is not in this block', {
      tx: want,
      height: block.header.height,
    });
  }
  return {
    tx: found,
    receipt,
    txProof: merkleProof(hash, txLeaves, index),
    receiptProof: merkleProof(hash, receiptLeaves, index),
    header: block.header,
    signatures: block.signatures,
  };
}

/**
 * The transactions a complete certificate for `record` needs: the anchor, every co-signature
 * (signers after the first) and every revocation, each with the height of its block.
 */
export function certificateTxRefs(record: EvidenceRecordJson): {
  anchor: CertificateTxRef;
  cosigns: CertificateTxRef[];
  revocations: CertificateTxRef[];
} {
  const revocations = record.signers
    .flatMap((s) => (s.revoked === undefined ? [] : [{ height: s.revoked.height, tx: s.revoked.tx }]))
    .sort((a, b) => a.height - b.height);
  return {
    anchor: { height: record.anchoredAt.height, tx: record.anchoredAt.tx },
    cosigns: record.signers.slice(1).map((s) => ({ height: s.height, tx: s.tx })),
    revocations,
  };
}
