import { defineErrors } from '../../execution/index.js';

/** The points module's codes. */
export const POINTS_ERRORS = defineErrors({
  POINTS_NOT_FOUND: [404, 'No such program, member, offer or period: check the id (programs query).'],
  POINTS_EXISTS: [409, 'An entry with this id exists already: choose another id.'],
  POINTS_BAD_CONFIG: [400, 'Fix the program or methodology field named in the message.'],
  POINTS_BAD_AMOUNT: [400, 'Give a positive whole amount within the limit.'],
  POINTS_WRONG_ROLE: [403, 'The caller lacks the program role named; the issuer grants program roles.'],
  POINTS_PROGRAM_NOT_APPROVED: [409, 'A supervisor must approve the program (or methodology) first.'],
  POINTS_FROZEN: [403, 'The supervisor froze this program or account; ask the supervisor.'],
  POINTS_NOT_MEMBER: [403, 'The account must join the program (with consent) first.'],
  POINTS_OVER_QUOTA: [409, 'The distributor’s quota is used up; ask the issuer for more.'],
  POINTS_INSUFFICIENT_FUNDS: [409, 'The sponsor pool cannot cover this; a sponsor must fund it first.'],
  POINTS_INSUFFICIENT_BALANCE: [409, 'Not enough unexpired points; check the balance query.'],
  POINTS_LOT_EXPIRED: [409, 'These points have expired.'],
  POINTS_DEBT_LIMIT: [409, 'This would exceed the program’s debt limit.'],
  POINTS_DUPLICATE_CLAIM: [409, 'This activity was already claimed; each claim counts once.'],
  POINTS_OUTSIDE_WINDOW: [409, 'The claim is outside the accepted time window.'],
  POINTS_UNKNOWN_ACTIVITY: [400, 'Use an activity the approved methodology lists.'],
  POINTS_IMPLAUSIBLE_CLAIM: [400, 'The measurement is not plausible (duration, distance, speed).'],
  POINTS_CAP_EXCEEDED: [409, 'A daily or per-member cap is reached; try again in the next period.'],
  POINTS_TRANSFER_NOT_ALLOWED: [403, 'This program does not allow transfers between these accounts.'],
  POINTS_CLOSED_LOOP: [403, 'Points stay in the closed loop: no cash-out.'],
  POINTS_OUT_OF_STOCK: [409, 'The offer is sold out.'],
  POINTS_BALANCE_NOT_ZERO: [409, 'Settle or spend the remaining balance first.'],
  POINTS_INVALID_STATE: [409, 'Not possible in the current state (period, offer or program status).'],
  POINTS_ALREADY_SIGNED: [409, 'This party already signed.'],
  POINTS_LIMIT: [409, 'A size or range limit was reached; see the message.'],
  POINTS_ROLE_CONFLICT: [
    409,
    'One party cannot hold these two roles in one program (see the incompatible-roles table in docs/points.md).',
  ],
  POINTS_PRICE_CHANGED: [409, 'The price changed since you saw it; check the catalogue and redeem again.'],
  POINTS_DEVICE_UNREGISTERED: [
    403,
    'Register the device (registerDevice) and have its member bind it; a released device claims nothing.',
  ],
  POINTS_DEVICE_CONFLICT: [
    409,
    'The asset is bound to another device, or the device measures another member: release or re-register it.',
  ],
  POINTS_NOT_VALIDATED: [
    409,
    'A verifier of the program must give a positive validation (validateMethodology) and none negative first.',
  ],
  POINTS_READ_DENIED: [
    403,
    'Sign the read (signedAccount) with the member’s key, or the issuer’s, clearing provider’s or a supervisor’s, at a recent height.',
  ],
  POINTS_HELD: [
    409,
    'Points under an open dispute are held: wait for the auditor’s decision (decideDispute) or spend less.',
  ],
  POINTS_NO_CONSENT: [
    403,
    'The party who pays has not signed its consent (sponsor: consentQuota / backExchange; clearing: confirm).',
  ],
});

type Codes = { readonly [K in keyof typeof POINTS_ERRORS]: true };
declare module '../../errors/codes.js' {
  interface ModuleErrorCodes extends Codes {}
}
