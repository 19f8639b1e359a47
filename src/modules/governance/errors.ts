import { defineErrors } from '../../execution/index.js';

/** The governance module's codes. */
export const GOVERNANCE_ERRORS = defineErrors({
  GOV_NOT_COMMITTEE: [403, 'Only committee members may propose or vote; see the committee query.'],
  GOV_PROPOSAL_NOT_FOUND: [404, 'No proposal with this id; list them with the proposals query.'],
  GOV_PROPOSAL_CLOSED: [409, 'The proposal was decided or expired; make a new proposal.'],
  GOV_ALREADY_VOTED: [409, 'Each member votes once per proposal.'],
  GOV_INVALID_CHANGE: [400, 'The proposed change is not valid in the current state; fix the field named.'],
  GOV_UNKNOWN_ORG: [404, 'No organisation with this id; list them with the orgs query.'],
});

type Codes = { readonly [K in keyof typeof GOVERNANCE_ERRORS]: true };
declare module '../../errors/codes.js' {
  interface ModuleErrorCodes extends Codes {}
}
