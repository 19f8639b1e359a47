import { defineModule, type LedgerModule } from '../../execution/index.js';
import { beleniosBallotJob } from './belenios-ballot-job.js';
import { beleniosCast, beleniosDecrypt, beleniosTally } from './belenios-cast.js';
import { belenios, beleniosTrustees } from './belenios-record.js';
import { beleniosTrustee } from './belenios-trustee.js';
import { cast, vote } from './cast.js';
import { decrypt, tally } from './decrypt.js';
import { trusteeComplain, trusteeDisqualify, trusteeReveal } from './dkg-methods.js';
import { VOTING_ERRORS } from './errors.js';
import { openVoteJob } from './open-vote-job.js';
import { close, open } from './phase.js';
import { get, record, voter } from './queries.js';
import { create, enrol, freeze } from './setup.js';
import { trusteeKey, trusteeShares } from './trustee-methods.js';
import { MODULE, REGISTRAR_ROLE } from './types.js';
import { ballotJob } from './verified-ballots.js';

/**
 * Community voting: weighted open resolutions under PRC Civil Code art. 278's double majority,
 * and secret elections (exponential ElGamal on ristretto255, proofs checked at admission,
 * threshold trustees, homomorphic head-count and weighted tallies). See docs/voting.md.
 */
export const votingModule: LedgerModule = defineModule({
  name: MODULE,
  summary: 'Owners’ resolutions (art. 278 double majority) and secret elections with threshold trustees',
  methods: {
    create,
    enrol,
    freeze,
    open,
    close,
    vote,
    cast,
    trusteeKey,
    trusteeShares,
    trusteeComplain,
    trusteeReveal,
    trusteeDisqualify,
    decrypt,
    tally,
    beleniosTrustee,
    beleniosCast,
    beleniosDecrypt,
    beleniosTally,
  },
  queries: { get, voter, record, belenios, beleniosTrustees },
  // Registrars (organisations given the role by the committee) run elections; the module itself
  // checks that the sender is this election's registrar or trustee. Votes and ballots count by
  // their credential's signature, so anyone may carry them (no account links a ballot to a person).
  permissions: {
    create: [REGISTRAR_ROLE],
    enrol: [REGISTRAR_ROLE],
    freeze: [REGISTRAR_ROLE],
    open: [REGISTRAR_ROLE],
    close: [REGISTRAR_ROLE],
    vote: ['*'],
    cast: ['*'],
    trusteeKey: ['*'],
    trusteeShares: ['*'],
    trusteeComplain: ['*'],
    trusteeReveal: ['*'],
    trusteeDisqualify: [REGISTRAR_ROLE],
    decrypt: ['*'],
    tally: ['*'],
    beleniosTrustee: ['*'],
    beleniosCast: ['*'],
    beleniosDecrypt: ['*'],
    beleniosTally: ['*'],
  },
  errors: VOTING_ERRORS,
  // Ballot proofs and open-vote signatures checked at admission on the node's worker threads (MethodDef.admit's jobs).
  admitJobs: {
    'voting.ballot': ballotJob,
    'voting.beleniosBallot': beleniosBallotJob,
    'voting.openVote': openVoteJob,
  },
});
