// Test drivers shared by tests and benchmarks: the real block executor over in-memory state.
// Not ledger code (they generate keys and read the clock), so they live outside src/modules.

export {
  FUNDS_SANDBOX_ORGS,
  FUNDS_SANDBOX_REGISTRARS,
  type FundsCall,
  FundsSandbox,
  type OwnersVote,
} from './funds-sandbox.js';
export { type LocalhostCert, makeLocalhostCert } from './localhost-cert.js';
export { MemoryChain, type MemoryChainOptions } from './memory-chain.js';
export { PointsSandbox, type SandboxCall } from './points-sandbox.js';
export { seedOf, VotingSandbox, withBadShare } from './voting-sandbox.js';
