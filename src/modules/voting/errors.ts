import { defineErrors } from '../../execution/index.js';

/** The voting module's codes: every refusal names what to fix. */
export const VOTING_ERRORS = defineErrors({
  VOTING_NOT_FOUND: [404, 'No election with this id in this group: check the id (`gongzhi vote show`).'],
  VOTING_EXISTS: [409, 'An election with this id exists already: choose another id.'],
  VOTING_NOT_REGISTRAR: [403, 'Only the account that created the election (its registrar) may do this.'],
  VOTING_NOT_TRUSTEE: [
    403,
    'Only one of the trustee accounts named when the election was created may do this.',
  ],
  VOTING_FROZEN: [409, 'The electorate is frozen: no voter can be enrolled or changed any more.'],
  VOTING_NOT_FROZEN: [409, 'Freeze the electorate (`voting.freeze`) before opening the vote.'],
  VOTING_EMPTY_ELECTORATE: [409, 'Enrol at least one voter before freezing the electorate.'],
  VOTING_ALREADY_ENROLLED: [
    409,
    'This credential is enrolled already; each credential votes once per election.',
  ],
  VOTING_BAD_WEIGHT: [400, 'A weight is a whole number of units from 1 to the election’s maxWeight.'],
  VOTING_BAD_CREDENTIAL: [
    400,
    'A voting credential is a 32-byte ristretto255 public key (`gongzhi vote credential`).',
  ],
  VOTING_NOT_ENROLLED: [403, 'This credential is not in the election’s electorate.'],
  VOTING_NOT_OPEN: [409, 'Voting has not opened yet: wait for the registrar’s `voting.open`.'],
  VOTING_CLOSED: [409, 'Voting is closed: ballots and votes are no longer accepted.'],
  VOTING_WRONG_KIND: [
    409,
    'Open resolutions take `voting.vote`; secret elections take `voting.cast` ballots.',
  ],
  VOTING_BAD_PROOF: [
    400,
    'A zero-knowledge proof does not verify: rebuild the ballot or message with the client.',
  ],
  VOTING_BAD_SIGNATURE: [
    400,
    'The credential’s signature does not verify: sign with the enrolled credential.',
  ],
  VOTING_BAD_BALLOT: [
    400,
    'The ballot does not match the election’s questions: rebuild it from `gongzhi vote show`.',
  ],
  VOTING_TOO_MANY_CHOICES: [400, 'The ballot has more choices than the question allows.'],
  VOTING_STALE_BALLOT: [
    409,
    'A later ballot of this credential is in already: a re-vote needs a larger seq.',
  ],
  VOTING_TRUSTEES_PENDING: [409, 'Not every trustee has finished this key-generation round yet.'],
  VOTING_ALREADY_POSTED: [409, 'This trustee already posted this message; it cannot be replaced.'],
  VOTING_BAD_PHASE: [409, 'The election is not in the phase this step needs (see `gongzhi vote show`).'],
  VOTING_WRONG_RESULT: [400, 'The claimed counts do not match the decrypted tally: recompute them.'],
  VOTING_WRONG_GROUP: [
    409,
    'This election runs in the other group: BELENIOS-2048 elections take the belenios* methods (`gongzhi vote … --belenios`), ed25519 ones the others.',
  ],
  VOTING_OWNER_ISSUER: [
    409,
    'The owner credentials’ issuer must be recognised in its category (identity.recognizeIssuer), its DID active, its status list created.',
  ],
  VOTING_OWNER_REQUIRED: [
    400,
    'This election enrols verified owners only: give each voter `owner`, her owner credential’s status index.',
  ],
  VOTING_OWNER_REVOKED: [
    403,
    'The owner credential is revoked or suspended (or its index is outside the status list): it cannot enrol.',
  ],
  VOTING_OWNER_ENROLLED: [409, 'This owner credential is enrolled already: one voting credential per owner.'],
  VOTING_BAD_COMPLAINT: [
    400,
    'A complaint names another trustee of the election by its index (1..n), never the complainer itself.',
  ],
  VOTING_NO_COMPLAINT: [
    409,
    'There is no unanswered complaint here: a reveal answers a filed complaint; only an accused trustee can be disqualified.',
  ],
  VOTING_BAD_SHARE: [
    400,
    'The revealed share does not match your own commitments: reveal f(complainer) from your key-generation seed (`gongzhi vote trustee reveal`).',
  ],
  VOTING_COMPLAINT_PENDING: [
    409,
    'A complaint is unanswered: the accused trustee reveals its share, or the registrar disqualifies it, before the vote opens.',
  ],
  VOTING_DISQUALIFIED: [
    403,
    'This trustee was disqualified in the key generation’s complaint round: it takes no further part.',
  ],
  VOTING_TOO_FEW_TRUSTEES: [
    409,
    'Fewer qualified trustees than the threshold remain: the election cannot open (create it again with other trustees).',
  ],
  VOTING_BAD_RULE: [400, 'A majority rule is a fraction num/den with 0 < num ≤ den ≤ 1000.'],
});

type Codes = { readonly [K in keyof typeof VOTING_ERRORS]: true };
declare module '../../errors/codes.js' {
  interface ModuleErrorCodes extends Codes {}
}
