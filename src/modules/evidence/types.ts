/**
 * Wire types of the evidence module shared by the ledger module, the node API and the SDK.
 * Everything here is plain JSON: byte strings travel as lower-case hex.
 */

/** Hash algorithm of an anchored digest (and of a batch tree). */
export type EvidenceAlg = 'sha256' | 'sm3';

/** The hash algorithms evidence may be anchored with. */
export const EVIDENCE_ALGS: readonly EvidenceAlg[] = ['sha256', 'sm3'];

/** True when `x` names a supported evidence hash algorithm. */
export function isEvidenceAlg(x: unknown): x is EvidenceAlg {
  return x === 'sha256' || x === 'sm3';
}

/** Largest number of files one batch root may stand for (`batch.count`). */
export const MAX_BATCH_COUNT = 1 << 20;

/** Client-supplied description of the evidence. Nothing in it is checked by the chain. */
export interface EvidenceMeta {
  /** Kind of evidence, e.g. "photo", "contract", "audio". */
  readonly type: string;
  /** Who captured it (free text: person, device, organisation). */
  readonly capturedBy: string;
  /** Capture time in ms since the epoch, as claimed by the client. */
  readonly capturedAt: number;
  /** How it was captured, e.g. "camera", "scan", "export". */
  readonly method: string;
  /** Optional external reference (case number, file name, URL). */
  readonly ref?: string;
}

/** A revocation of one signer's signature. */
export interface EvidenceRevocationJson {
  readonly height: number;
  /** Hash (hex) of the revoke transaction. */
  readonly tx: string;
  readonly reason: string;
}

/** One account that anchored or co-signed the evidence. */
export interface EvidenceSignerJson {
  readonly account: string;
  readonly height: number;
  /** Hash (hex) of the anchor or cosign transaction. */
  readonly tx: string;
  readonly revoked?: EvidenceRevocationJson;
}

/** An append-only note left by a signer. */
export interface EvidenceNoteJson {
  readonly account: string;
  readonly height: number;
  /** Hash (hex) of the note transaction. */
  readonly tx: string;
  readonly text: string;
}

/** An evidence record as returned by the `evidence.get` query. */
export interface EvidenceRecordJson {
  /** The anchored digest (hex): a file digest, or a batch root when `batch` is present. */
  readonly digest: string;
  readonly alg: EvidenceAlg;
  readonly meta: EvidenceMeta;
  /** Present when `digest` is the root of a batch of `count` file digests. */
  readonly batch?: { readonly count: number };
  /** Block height and orderer timestamp (ms) of the anchor, and the anchor transaction hash (hex). */
  readonly anchoredAt: { readonly height: number; readonly timestamp: number; readonly tx: string };
  /** The anchoring account first, then co-signers in chain order. */
  readonly signers: readonly EvidenceSignerJson[];
  readonly notes: readonly EvidenceNoteJson[];
}

/** One operation of a batch proof. */
export type EvidenceProofOp =
  /** Replace the running value v by leafHash(v) = H(0x00 || v). Always the first operation. */
  | { readonly op: 'leaf' }
  /** v := H(0x01 || hash || v) (sibling on the left) or H(0x01 || v || hash) (sibling on the right). */
  | { readonly op: 'left' | 'right'; readonly hash: string };

/**
 * A portable (Chainpoint-style) proof that a file digest is part of an anchored batch root:
 * start from `leaf`, apply `ops` in order with the `alg` hash, arrive at `root`.
 */
export interface EvidenceProof {
  readonly version: 1;
  readonly alg: EvidenceAlg;
  /** The file digest (hex). */
  readonly leaf: string;
  readonly ops: readonly EvidenceProofOp[];
  /** The batch root (hex), which is what gets anchored. */
  readonly root: string;
}

/** One step of a block-level Merkle inclusion proof (tx tree or receipt tree). */
export interface MerkleStepJson {
  readonly side: 'left' | 'right';
  readonly hash: string;
}

/** A node signature over a block hash. */
export interface BlockSignatureJson {
  readonly node: string;
  readonly sig: string;
}

/** Everything needed to check offline that one transaction was executed successfully in a signed block. */
export interface TxEvidence {
  /** base64url of the canonical CBOR signed transaction (`encodeTx`). */
  readonly tx: string;
  /** base64url of the canonical CBOR receipt (`encodeReceipt`). */
  readonly receipt: string;
  /** Path from leafHash(txHash) to `header.txRoot`. */
  readonly txProof: readonly MerkleStepJson[];
  /** Path from leafHash(H(receipt)) to `header.receiptRoot`. */
  readonly receiptProof: readonly MerkleStepJson[];
  /** base64url of the canonical CBOR block header (`encodeHeader`). */
  readonly header: string;
  /** Node signatures over H(header). */
  readonly signatures: readonly BlockSignatureJson[];
}

/** The certificate format identifier. */
export const CERTIFICATE_TYPE = 'gongzhi.evidence.certificate';

/** A self-contained, offline-verifiable proof that a file was anchored on a Gongzhi chain. */
export interface EvidenceCertificate {
  readonly type: typeof CERTIFICATE_TYPE;
  readonly version: 1;
  readonly chain: string;
  readonly group: string;
  /** Signature suite of the group (decides the tx/block hash and signature scheme). */
  readonly suite: 'ed25519' | 'secp256k1' | 'sm2';
  /** The file digest (hex) this certificate is about. */
  readonly digest: string;
  /** Present when the file was anchored as part of a batch: from `digest` to the anchored root. */
  readonly batchProof?: EvidenceProof;
  /** The record as returned by the `evidence.get` query when the certificate was built. */
  readonly record: EvidenceRecordJson;
  /** The `evidence.anchor` transaction. */
  readonly anchor: TxEvidence;
  /** The `evidence.cosign` transactions, in chain order. */
  readonly cosigns: readonly TxEvidence[];
  /** The `evidence.revoke` transactions, in chain order. */
  readonly revocations: readonly TxEvidence[];
}
