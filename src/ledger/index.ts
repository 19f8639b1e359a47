export {
  type BlockHeader,
  type BlockSignature,
  blockHash,
  decodeHeader,
  decodeSignatures,
  encodeHeader,
  encodeSignatures,
  headerValue,
  parseHeader,
  parseSignatures,
  ZERO_HASH,
} from './block.js';
export {
  addressOfHex,
  assertValidGenesis,
  type ChainParams,
  type CommitteeMember,
  DEFAULT_PARAMS,
  type Genesis,
  genesisHash,
  genesisValue,
  type NodeIdentity,
  type OrgInfo,
  PARAM_NAMES,
  RESERVED_GROUP_IDS,
} from './genesis.js';
export {
  applyMerkleProof,
  type HashFn,
  leafHash,
  type MerkleStep,
  merkleProof,
  merkleRoot,
  nodeHash,
} from './merkle.js';
export { levelsRoot, merkleLevels, packedTreeBytes, packLevels, proofFromPacked } from './merkle-tree.js';
export {
  decodeReceipt,
  encodeReceipt,
  type LedgerEvent,
  type Receipt,
  receiptHash,
  receiptValue,
  type WriteEntry,
} from './receipt.js';
export { type CborMap, ID_PATTERN, isMap, ShapeReader } from './shape.js';
export {
  decodeTx,
  encodeTx,
  type SignedTx,
  signTx,
  type TxBody,
  txBodyValue,
  txHash,
  txHashFromBytes,
} from './tx.js';
export {
  CheckFailure,
  Checks,
  failCheck,
  failedCheck,
  formatVerification,
  passedCheck,
  type VerificationCheck,
  type VerificationResult,
  verificationResult,
} from './verification.js';
