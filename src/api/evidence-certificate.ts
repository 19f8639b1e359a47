/**
 * Server side of evidence certificates: gathers the stored pieces (anchor, cosign and revoke
 * transactions with their receipts, blocks, Merkle proofs and signatures) and assembles them
 * with the evidence SDK's `buildCertificate`.
 */
import { fromHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { decodeReceipt, decodeTx } from '../ledger/index.js';
import type { GroupLedger } from '../node/group-ledger.js';
import {
  type BlockContents,
  buildCertificate,
  type CertificateTxRef,
  certificateTxRefs,
  type TxEvidenceParts,
  txEvidenceFromBlock,
} from '../sdk/evidence/certificate.js';
import type { EvidenceCertificate, EvidenceRecordJson } from '../sdk/evidence/types.js';
import { inclusionSteps } from './inclusion-steps.js';

function isRecordJson(v: unknown): v is EvidenceRecordJson {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<EvidenceRecordJson>;
  return (
    typeof r.digest === 'string' &&
    typeof r.anchoredAt === 'object' &&
    r.anchoredAt !== null &&
    Array.isArray(r.signers) &&
    Array.isArray(r.notes)
  );
}

/** Certificate for the digest anchored in `g`; EVIDENCE_NOT_FOUND when it was never anchored. */
export function evidenceCertificate(g: GroupLedger, digestHex: string): EvidenceCertificate {
  const record = g.query('evidence', 'get', { digest: digestHex });
  if (record === undefined || record === null) {
    throw new GongzhiError('EVIDENCE_NOT_FOUND', 'no evidence anchored with this digest', {
      digest: digestHex,
    });
  }
  if (!isRecordJson(record)) {
    throw new GongzhiError('API_INTERNAL', 'evidence query returned an unexpected record shape');
  }
  const blocks = new Map<number, BlockContents>();
  const contents = (height: number): BlockContents => {
    const cached = blocks.get(height);
    if (cached) return cached;
    const b = g.store.blockByHeight(height);
    if (!b) throw new GongzhiError('BLOCK_NOT_FOUND', `no block ${height}`, { height });
    const stored = g.store.txsOfBlock(height);
    const c: BlockContents = {
      header: b.header,
      signatures: b.signatures,
      txs: stored.map((t) => decodeTx(t.tx)),
      receipts: stored.map((t) => decodeReceipt(t.receipt)),
    };
    blocks.set(height, c);
    return c;
  };
  const parts = (ref: CertificateTxRef): TxEvidenceParts => {
    const stored = g.store.tx(fromHex(ref.tx));
    const block = stored === undefined ? undefined : g.store.blockByHeight(stored.height);
    // The transaction's own row and the trees kept with its block: no other transaction is read.
    if (stored !== undefined && block !== undefined) {
      const { txSteps, receiptSteps } = inclusionSteps(g, block, stored);
      return {
        tx: decodeTx(stored.tx),
        receipt: decodeReceipt(stored.receipt),
        txProof: txSteps,
        receiptProof: receiptSteps,
        header: block.header,
        signatures: block.signatures,
      };
    }
    // Not in the transaction index: the block the record names, read whole.
    return txEvidenceFromBlock(g.suite, contents(ref.height), ref.tx);
  };
  const refs = certificateTxRefs(record);
  return buildCertificate({
    chain: g.chain,
    group: g.group,
    suite: g.suite.id,
    digest: fromHex(digestHex),
    record,
    anchor: parts(refs.anchor),
    cosigns: refs.cosigns.map(parts),
    revocations: refs.revocations.map(parts),
  });
}
