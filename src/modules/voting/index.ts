export type { CastArgs, VoteArgs } from './cast.js';
export {
  castArgs,
  computeResult,
  credential,
  decryptArgs,
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
export { votingModule } from './voting-module.js';
