export { type ChainVerifyReport, verifyChainFile } from './chain-verify.js';
export { type CommitInfo, CommitWaiters, DEFAULT_MAX_COMMIT_WAITERS } from './commit-waiters.js';
export { type LoadedConfig, loadNodeConfig, type NodeConfigFile } from './config.js';
export {
  DEFAULT_PERMISSIONS,
  type GroupSpec,
  type InitOptions,
  initConsortium,
  type OrgSpec,
} from './consortium.js';
export { FifoMempool, type FifoMempoolOptions, type SignatureVerifier } from './fifo-mempool.js';
export { FinalityTracker } from './finality.js';
export { buildGenesisBlock, type GenesisBlock } from './genesis-block.js';
export { DEFAULT_MODULES, GongzhiNode, type NodeInfo, type NodeOptions } from './gongzhi-node.js';
export { type BlockEvent, GroupLedger, type SubmitResult } from './group-ledger.js';
export {
  DEFAULT_HEALTH_THRESHOLDS,
  type GroupHealth,
  groupHealth,
  type HealthThresholds,
  resolveHealthThresholds,
} from './health.js';
export type {
  CredentialConfiguration,
  IdentityNodeOptions,
  StatusSigner,
  VerifierCertificate,
} from './identity-options.js';
export type { AdmitResult, Mempool, MempoolUpdate, PendingTx, RemovedTx } from './mempool.js';
export { NodeMetrics } from './metrics.js';
export type { NetworkOptions } from './network-options.js';
