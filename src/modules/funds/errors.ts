import { defineErrors } from '../../execution/index.js';

/**
 * The funds module's codes. Each refusal names what was wrong; none carries personal data (payees,
 * donors and beneficiaries are pseudonymous ids or digests).
 */
export const FUNDS_ERRORS = defineErrors({
  FUNDS_NOT_FOUND: [404, 'No fund, expense, donation, project or disbursement has this id: list them first.'],
  FUNDS_EXISTS: [409, 'This id is taken already: choose another id.'],
  FUNDS_BAD_RULES: [
    400,
    'The fund rules are inconsistent: tiers start at 0 and rise, each committee tier needs a weight the members can reach.',
  ],
  FUNDS_NOT_ROLE: [
    403,
    'This account does not hold the fund role this step needs (manager, custodian, supervisor or committee member).',
  ],
  FUNDS_BAD_STATE: [
    409,
    'The expense (or disbursement) is not in a state that allows this step: read its status.',
  ],
  FUNDS_SELF_APPROVAL: [403, 'The submitter of an expense can never approve it: another member must.'],
  FUNDS_ALREADY_APPROVED: [
    409,
    'This member already voted on this expense (approval or rejection); one vote each.',
  ],
  FUNDS_FROZEN: [
    409,
    'The fund is frozen by its supervisor: no new expenses, approvals or payments until unfrozen.',
  ],
  FUNDS_NOT_FROZEN: [409, 'The fund is not frozen; nothing to unfreeze.'],
  FUNDS_INSUFFICIENT_BALANCE: [
    409,
    'The fund’s available balance is below this amount: the balance can never go negative.',
  ],
  FUNDS_DUPLICATE_REFERENCE: [
    409,
    'This custodian reference was used already in this fund: each bank movement is posted once.',
  ],
  FUNDS_RESOLUTION_REQUIRED: [
    409,
    'This needs a passed owners’ resolution (voting module): hold one whose title carries the motion tag in the details, then cite its id.',
  ],
  FUNDS_RESOLUTION_NOT_FOUND: [
    404,
    'No election with this id in the voting module: check the resolution id.',
  ],
  FUNDS_RESOLUTION_MISMATCH: [
    409,
    'This resolution does not decide this: it must be an open resolution under art. 278, organised by a committee member or the supervisor after the proposal, with the motion tag in its title.',
  ],
  FUNDS_RESOLUTION_NOT_PASSED: [
    409,
    'The owners’ resolution is not closed yet, or it did not pass: nothing can be spent (or amended) on it.',
  ],
  FUNDS_AMENDMENT_STALE: [
    409,
    'The fund’s rules changed since this amendment was proposed: propose it again on the current rules.',
  ],
  FUNDS_EMERGENCY_LIMIT: [
    409,
    'The supervisor’s fast track covers amounts up to the fund’s emergency limit only.',
  ],
  FUNDS_RECEIPT_NOT_ANCHORED: [
    409,
    'Anchor the receipt (invoice, contract, photo) through the evidence module first, then cite its digest.',
  ],
  FUNDS_STATEMENT_MISMATCH: [
    409,
    'The custodian statement does not equal the ledger’s books: the difference is in the details; investigate before posting again.',
  ],
  FUNDS_STATEMENT_GAP: [
    409,
    'Statements are contiguous: this one must start where the previous one ended, and end no later than now.',
  ],
  FUNDS_NOT_CHARITY: [409, 'Donations, projects and disbursements exist only in charity funds.'],
  FUNDS_PROJECT_INSUFFICIENT: [
    409,
    'The project holds less unallocated money (for this earmark) than this disbursement.',
  ],
  FUNDS_GOODS_INSUFFICIENT: [409, 'Fewer goods remain in this donation than this distribution hands out.'],
  FUNDS_UNBALANCED: [500, 'A journal entry did not balance (a bug): nothing was posted.'],
});

type Codes = { readonly [K in keyof typeof FUNDS_ERRORS]: true };
declare module '../../errors/codes.js' {
  interface ModuleErrorCodes extends Codes {}
}
