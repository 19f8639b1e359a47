import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import {
  type CheckContext,
  defineMethod,
  readArgs,
  readStored,
  S,
  writeStored,
} from '../../execution/index.js';
import {
  type BallotWire,
  ballotHash,
  foldTally,
  OPEN_CHOICES,
  type OpenChoice,
} from '../../voting-crypto/index.js';
import {
  type BallotRecord,
  ballotCodec,
  countsCodec,
  keys,
  openVoteCodec,
  readBallot,
  tallyCodec,
} from './codecs.js';
import { assertVotingOpen, at, enrolledVoter, groupOf, loadElection } from './common.js';
import { assertVoteSigned, openVoteAdmitJob } from './open-vote-job.js';
import type { Tally } from './rules.js';
import type { EncryptedTally, OpenCounts, OpenVote } from './types.js';
import { ballotAdmitJob, ballotCiphertexts, verifiedBallot } from './verified-ballots.js';

/** Arguments of `voting.vote` (open resolutions). */
export interface VoteArgs {
  readonly election: string;
  readonly credential: Uint8Array;
  readonly seq: number;
  readonly choice: OpenChoice;
  readonly signature: Uint8Array;
}

const shift = (t: Tally, count: number, weight: number): Tally => ({
  count: t.count + count,
  weight: t.weight + weight,
});

function loadOpen(ctx: Pick<CheckContext, 'state'>, id: string, kind: 'resolution' | 'election') {
  const e = loadElection(ctx.state, id);
  if (e.kind !== kind) {
    throw new GongzhiError(
      'VOTING_WRONG_KIND',
      kind === 'resolution' ? 'this is a secret election: cast a ballot' : 'this is an open resolution: vote',
      { id },
    );
  }
  assertVotingOpen(e);
  return e;
}

/**
 * `vote`: a yes / no / abstain on an open resolution, signed by the voter's credential. Anyone may
 * submit it (the signature is what counts). A later vote of the same credential (larger `seq`)
 * replaces the earlier one; the counts move with it.
 */
export const vote = defineMethod<VoteArgs, { vote: OpenVote; counts: OpenCounts }>({
  summary: 'Vote yes / no / abstain on an open resolution, signed by the voting credential',
  args: S.Object(
    {
      election: S.Id(),
      credential: S.Hex(32),
      seq: S.Uint('1 for the first vote, larger for each re-vote'),
      choice: S.Union(OPEN_CHOICES.map((c) => S.Literal(c))),
      signature: S.Hex(64, 'Schnorr signature c ‖ s'),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['election', 'credential', 'seq', 'choice', 'signature']);
    return {
      election: r.id('election'),
      credential: r.bytes('credential', 32),
      seq: r.uint('seq'),
      choice: r.oneOf('choice', OPEN_CHOICES),
      signature: r.bytes('signature', 64),
    };
  },
  // Refused at admission: a vote for an election that is not open, or with a bad signature — the
  // signature as a job the node runs on its verify worker pool. `check` verifies again (memoised).
  admit: (ctx, a) => openVoteAdmitJob(loadOpen(ctx, a.election, 'resolution'), a),
  // Indexed by election, so one election's votes are read without the others'.
  subject: (a) => a.election,
  check: (ctx, a) => {
    const e = loadOpen(ctx, a.election, 'resolution');
    const voter = enrolledVoter(ctx.state, e, a.credential);
    const prev = readStored(ctx.state, keys.vote(e.id, toHex(a.credential)), openVoteCodec);
    if (prev !== undefined && prev.seq >= a.seq) {
      throw new GongzhiError('VOTING_STALE_BALLOT', `seq must be larger than ${prev.seq}`, { seq: a.seq });
    }
    assertVoteSigned(e, a);
    const counts = readStored(ctx.state, keys.counts(e.id), countsCodec);
    if (counts === undefined)
      throw new GongzhiError('CHAIN_INVALID', 'open resolution without counts', { id: e.id });
    const next: Record<OpenChoice, Tally> = { ...counts };
    if (prev !== undefined) next[prev.choice] = shift(next[prev.choice], -1, -voter.weight);
    next[a.choice] = shift(next[a.choice], 1, voter.weight);
    return {
      vote: { seq: a.seq, choice: a.choice, signature: a.signature, at: at(ctx) },
      counts: next,
    };
  },
  apply: (ctx, a, p) => {
    writeStored(ctx.state, keys.vote(a.election, toHex(a.credential)), openVoteCodec, p.vote);
    writeStored(ctx.state, keys.counts(a.election), countsCodec, p.counts);
    ctx.emit('voted', { id: a.election, credential: a.credential, seq: a.seq, choice: a.choice });
  },
});

/** Arguments of `voting.cast` (secret elections). */
export interface CastArgs {
  readonly election: string;
  readonly ballot: BallotWire;
}

/**
 * `cast`: a secret ballot. Verified completely at admission and here — every 0/1 proof, every min..max proof and
 * the credential's signature, all bound to the election fingerprint — so a bad ballot is refused
 * with its code and changes nothing. The homomorphic tallies (head-count and weighted) move with
 * it; a re-vote (larger `seq`) takes the credential's previous ballot out first.
 */
export const cast = defineMethod<CastArgs, { record: BallotRecord; tally: EncryptedTally }>({
  summary: 'Cast a secret ballot (encrypted choices with proofs, signed by the credential)',
  args: S.Object(
    {
      election: S.Id(),
      ballot: S.Object(
        {
          credential: S.Hex(32),
          seq: S.Uint(),
          answers: S.Array(
            S.Object({
              choices: S.Array(S.Hex(64, 'α ‖ β')),
              proofs: S.Array(S.Array(S.Hex(64), { minItems: 2, maxItems: 2 })),
              overall: S.Array(S.Hex(64)),
            }),
          ),
          signature: S.Hex(64),
        },
        { description: 'see docs/voting.md for the encoding' },
      ),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['election', 'ballot']);
    return { election: r.id('election'), ballot: readBallot(r, 'ballot') };
  },
  // Refused at admission (nothing enters a block): a ballot for an election that is not open,
  // or one whose proofs or signature do not verify — those checks as a job the node runs on its
  // verify worker pool. `check` verifies again (memoised).
  admit: (ctx, a) => ballotAdmitJob(loadOpen(ctx, a.election, 'election'), a.ballot),
  subject: (a) => a.election,
  check: (ctx, a) => {
    const e = loadOpen(ctx, a.election, 'election');
    const voter = enrolledVoter(ctx.state, e, a.ballot.credential);
    const credHex = toHex(a.ballot.credential);
    const prev = readStored(ctx.state, keys.ballot(e.id, credHex), ballotCodec);
    if (prev !== undefined && prev.ballot.seq >= a.ballot.seq) {
      throw new GongzhiError('VOTING_STALE_BALLOT', `seq must be larger than ${prev.ballot.seq}`, {
        seq: a.ballot.seq,
      });
    }
    const cts = verifiedBallot(e, a.ballot);
    const stored = readStored(ctx.state, keys.tally(e.id), tallyCodec);
    if (stored === undefined)
      throw new GongzhiError('CHAIN_INVALID', 'open election without a tally', { id: e.id });
    const grp = groupOf(e);
    let plain: Uint8Array[] = [...stored.plain];
    let weighted: Uint8Array[] = [...stored.weighted];
    let { ballots, weight } = stored;
    if (prev !== undefined) {
      // Verified when it was admitted: only its ciphertexts are needed to take it out again.
      const old = ballotCiphertexts(prev.ballot);
      plain = foldTally(grp, plain, old, 1, -1);
      weighted = foldTally(grp, weighted, old, voter.weight, -1);
    } else {
      ballots += 1;
      weight += voter.weight;
    }
    plain = foldTally(grp, plain, cts, 1, 1);
    weighted = foldTally(grp, weighted, cts, voter.weight, 1);
    return {
      record: { ballot: a.ballot, hash: ballotHash(a.ballot), at: at(ctx) },
      tally: { ballots, weight, plain, weighted },
    };
  },
  apply: (ctx, a, p) => {
    writeStored(ctx.state, keys.ballot(a.election, toHex(a.ballot.credential)), ballotCodec, p.record);
    writeStored(ctx.state, keys.tally(a.election), tallyCodec, p.tally);
    ctx.emit('cast', { id: a.election, ballot: p.record.hash, seq: a.ballot.seq });
  },
});
