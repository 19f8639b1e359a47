export { actionValue, type GovAction, parseAction } from './actions.js';
export { governanceAuthorizer, governanceModule, orgAdminAddresses } from './governance-module.js';
export { type Proposal, type ProposalStatus, tally } from './proposals.js';
export { isFrozen, listNodes, readCommittee, readParams, readRoles } from './state.js';
