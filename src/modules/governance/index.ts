export type { CborMap } from '../../ledger/index.js';
export { ACTION_SCHEMA, actionValue, type GovAction, parseAction } from './actions.js';
export { GOVERNANCE_ERRORS } from './errors.js';
export { GOVERNANCE_PERMISSIONS } from './genesis.js';
export { governanceAuthorizer, governanceModule, orgAdminAddresses } from './governance-module.js';
export { type Proposal, type ProposalStatus, proposalCodec, tally } from './proposals.js';
export type { ProposeArgs } from './propose.js';
export { MAX_LISTED_PROPOSALS } from './queries.js';
export {
  type Committee,
  committeeCodec,
  isFrozen,
  keys as governanceKeys,
  listNodes,
  orgCodec,
  paramsCodec,
  readCommittee,
  readParams,
  readRoles,
} from './state.js';
export type { VoteArgs } from './vote.js';
