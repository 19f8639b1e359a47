export {
  applyProof,
  buildBatch,
  type EvidenceBatch,
  MAX_PROOF_OPS,
  parseProof,
  verifyProof,
} from './batch.js';
export {
  type BlockContents,
  buildCertificate,
  type CertificateParts,
  type CertificateTxRef,
  certificateTxRefs,
  stepsToJson,
  type TxEvidenceParts,
  txEvidenceFromBlock,
  txEvidenceJson,
} from './certificate.js';
export { type EvidenceHasher, fileDigest, hasherFor } from './hash.js';
export {
  type BlockSignatureJson,
  CERTIFICATE_TYPE,
  EVIDENCE_ALGS,
  type EvidenceAlg,
  type EvidenceCertificate,
  type EvidenceMeta,
  type EvidenceNoteJson,
  type EvidenceProof,
  type EvidenceProofOp,
  type EvidenceRecordJson,
  type EvidenceRevocationJson,
  type EvidenceSignerJson,
  isEvidenceAlg,
  MAX_BATCH_COUNT,
  type MerkleStepJson,
  type TxEvidence,
} from './types.js';
export {
  type CertificateCheck,
  type CertificateVerification,
  parseCertificate,
  type TrustedNode,
  type VerifiedEvidence,
  type VerifiedRevocation,
  type VerifiedSigner,
  type VerifyCertificateInput,
  verifyCertificate,
} from './verify-certificate.js';
