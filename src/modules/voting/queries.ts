import { toHex } from '../../encoding/index.js';
import { defineQuery, readStored, S } from '../../execution/index.js';
import { cborToJson, type JsonValue } from '../../wire/index.js';
import {
  ballotCodec,
  countsCodec,
  electionCodec,
  keys,
  openVoteCodec,
  resultCodec,
  tallyCodec,
} from './codecs.js';
import { enrolledVoter, loadElection } from './common.js';
import { readElectionRecord, recordJson } from './record.js';

const any = S.Unknown();

/** `get {election}` → the election, its counts or encrypted-tally summary, and its result. */
export const get = defineQuery({
  summary: 'An election: setup, phase, electorate totals, fingerprint, counts and result',
  args: S.Object({ election: S.Id('election id') }),
  result: S.Object({
    election: any,
    counts: S.Optional(any),
    tally: S.Optional(any),
    result: S.Optional(any),
  }),
  run: ({ state }, q) => {
    const id = q.id('election');
    const e = loadElection(state, id);
    const counts = readStored(state, keys.counts(id), countsCodec);
    const tally = readStored(state, keys.tally(id), tallyCodec);
    const result = readStored(state, keys.result(id), resultCodec);
    const out: Record<string, JsonValue> = { election: cborToJson(electionCodec.encode(e)) };
    if (counts !== undefined) out.counts = cborToJson(countsCodec.encode(counts));
    if (tally !== undefined) out.tally = { ballots: tally.ballots, weight: tally.weight };
    if (result !== undefined) out.result = cborToJson(resultCodec.encode(result));
    return out;
  },
});

/** `voter {election, credential}` → the voter's index and weight, and whether a vote or ballot is in. */
export const voter = defineQuery({
  summary: 'An enrolled credential: index, weight, last vote or ballot',
  args: S.Object({ election: S.Id(), credential: S.Hex(32) }),
  result: S.Object({
    index: S.Integer(),
    weight: S.Integer(),
    seq: S.Optional(S.Integer()),
    ballot: S.Optional(S.Hex(32)),
  }),
  run: ({ state }, q) => {
    const id = q.id('election');
    const e = loadElection(state, id);
    const credential = q.hex('credential', 32);
    const v = enrolledVoter(state, e, credential);
    const hex = toHex(credential);
    const vote = readStored(state, keys.vote(id, hex), openVoteCodec);
    const ballot = readStored(state, keys.ballot(id, hex), ballotCodec);
    return {
      index: v.index,
      weight: v.weight,
      ...(vote === undefined ? {} : { seq: vote.seq, choice: vote.choice }),
      ...(ballot === undefined ? {} : { seq: ballot.ballot.seq, ballot: toHex(ballot.hash) }),
    };
  },
});

/** `record {election}` → the whole election record for `gongzhi vote verify` (see docs/voting.md). */
export const record = defineQuery({
  summary:
    'The whole election record (electorate, ballots, trustees, tally, result) for offline verification',
  args: S.Object({ election: S.Id() }),
  result: S.Object({ format: S.Literal('gongzhi-vote-record/1') }, { additionalProperties: true }),
  run: ({ state }, q) => recordJson(readElectionRecord(state, q.id('election'))),
});
