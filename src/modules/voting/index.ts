export { beleniosCast, beleniosDecrypt, beleniosTally } from './belenios-cast.js';
export {
  type BelRecordView,
  type BelTrusteesView,
  beleniosCastArgs,
  beleniosCredential,
  beleniosDecryptArgs,
  beleniosResult,
  beleniosTrusteeArgs,
  credentialStringFromSeed,
  readBelRecordView,
  readBelTrusteesView,
} from './belenios-client.js';
export { withEveryBallot } from './belenios-history.js';
export { readBeleniosRecord } from './belenios-record.js';
export { beleniosUuid, bytesElement, elementBytes } from './belenios-state.js';
export { BEL_STEPS, type BelStep, type BelTrusteeArgs } from './belenios-trustee.js';
export type { CastArgs, VoteArgs } from './cast.js';
export {
  badShares,
  castArgs,
  computeResult,
  credential,
  decryptArgs,
  revealArgs,
  trusteeKeyArgs,
  trusteeShare,
  trusteeSharesArgs,
  voteArgs,
} from './client.js';
export { keys as votingKeys, readElection } from './codecs.js';
export type { DecryptArgs, TallyArgs } from './decrypt.js';
export { tallyCiphertexts } from './decrypt.js';
export { VOTING_ERRORS } from './errors.js';
export { ballotContext, electorateStep, fingerprintOf } from './fingerprint.js';
export {
  type ElectionRecord,
  RECORD_FORMAT,
  readElectionRecord,
  recordFromJson,
  recordJson,
  recordValue,
} from './record.js';
export { ART_278, decide, type MajorityRule, type Matter, meets, type Outcome } from './rules.js';
export type { CreateArgs, EnrolArgs } from './setup.js';
export * from './types.js';
export { verifyElectionRecord } from './verify-record.js';
export { verifyElectionRecordOn } from './verify-record-pool.js';
export { votingModule } from './voting-module.js';
