import { type CborValue, fromHex, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { readStored } from '../../execution/index.js';
import type { CborMap } from '../../ledger/index.js';
import type { StateReader } from '../../state/index.js';
import { cborToJson, type JsonValue } from '../../wire/index.js';
import {
  type BallotRecord,
  ballotCodec,
  countsCodec,
  electionCodec,
  keys,
  openVoteCodec,
  readVoter,
  resultCodec,
  tallyCodec,
  trusteeCodec,
  voterCodec,
} from './codecs.js';
import { loadElection } from './common.js';
import { dkgCodec, dkgKey } from './dkg.js';
import { trusteeRecords } from './trustee-methods.js';
import type {
  DkgRecord,
  Election,
  EncryptedTally,
  OpenCounts,
  OpenVote,
  ResultRecord,
  TrusteeRecord,
  Voter,
} from './types.js';

/** The record format's name and version. */
export const RECORD_FORMAT = 'gongzhi-vote-record/1';

/**
 * A whole election as the offline verifier reads it: the election, the frozen electorate
 * (credentials and weights, index order), every counted vote or ballot (the last of each
 * credential), the trustees' key-generation messages (with the complaint round's record) and
 * partial decryptions, the tally and the
 * result. Nothing in it names a resident.
 */
export interface ElectionRecord {
  readonly election: Election;
  readonly voters: readonly Voter[];
  readonly votes: readonly { readonly credential: Uint8Array; readonly vote: OpenVote }[];
  readonly ballots: readonly BallotRecord[];
  readonly trustees: readonly TrusteeRecord[];
  /** The key generation's complaints and disqualifications (absent when none was filed). */
  readonly dkg?: DkgRecord;
  readonly counts?: OpenCounts;
  readonly tally?: EncryptedTally;
  readonly result?: ResultRecord;
}

/** Read the record of election `id` from state. */
export function readElectionRecord(state: StateReader, id: string): ElectionRecord {
  const election = loadElection(state, id);
  const voters: Voter[] = [];
  const votes: { credential: Uint8Array; vote: OpenVote }[] = [];
  const ballots: BallotRecord[] = [];
  for (let i = 0; i < election.electorate.count; i++) {
    const v = readVoter(state, id, i);
    if (v === undefined) throw new GongzhiError('CHAIN_INVALID', `voter ${i} missing`, { id });
    voters.push(v);
    const hex = toHex(v.credential);
    const vote = readStored(state, keys.vote(id, hex), openVoteCodec);
    if (vote !== undefined) votes.push({ credential: v.credential, vote });
    const b = readStored(state, keys.ballot(id, hex), ballotCodec);
    if (b !== undefined) ballots.push(b);
  }
  const trustees = trusteeRecords(state, election).filter((t): t is TrusteeRecord => t !== undefined);
  const dkg = readStored(state, dkgKey(id), dkgCodec);
  const counts = readStored(state, keys.counts(id), countsCodec);
  const tally = readStored(state, keys.tally(id), tallyCodec);
  const result = readStored(state, keys.result(id), resultCodec);
  return {
    election,
    voters,
    votes,
    ballots,
    trustees,
    ...(dkg === undefined ? {} : { dkg }),
    ...(counts === undefined ? {} : { counts }),
    ...(tally === undefined ? {} : { tally }),
    ...(result === undefined ? {} : { result }),
  };
}

/** The record as one CBOR map (each part in its stored encoding). */
export function recordValue(r: ElectionRecord): CborMap {
  return {
    format: RECORD_FORMAT,
    election: electionCodec.encode(r.election),
    voters: r.voters.map((v) => voterCodec.encode(v)),
    votes: r.votes.map((v) => ({ credential: v.credential, vote: openVoteCodec.encode(v.vote) })),
    ballots: r.ballots.map((b) => ballotCodec.encode(b)),
    trustees: r.trustees.map((t) => trusteeCodec.encode(t)),
    ...(r.dkg === undefined ? {} : { dkg: dkgCodec.encode(r.dkg) }),
    ...(r.counts === undefined ? {} : { counts: countsCodec.encode(r.counts) }),
    ...(r.tally === undefined ? {} : { tally: tallyCodec.encode(r.tally) }),
    ...(r.result === undefined ? {} : { result: resultCodec.encode(r.result) }),
  };
}

/** JSON form of the record (bytes as lower-case hex). */
export function recordJson(r: ElectionRecord): JsonValue {
  return cborToJson(recordValue(r));
}

/** Fields whose string values (directly or in lists) are bytes in hex. */
const BYTE_KEYS = new Set([
  'credential',
  'signature',
  'root',
  'fingerprint',
  'publicKey',
  'tx',
  'hash',
  'proof',
  'factor',
  'choices',
  'proofs',
  'overall',
  'commitments',
  'shares',
  'plain',
  'weighted',
  'share',
]);

function fromJsonValue(v: unknown, bytes: boolean, path: string): CborValue {
  if (typeof v === 'string') {
    if (!bytes) return v;
    if (!/^([0-9a-f]{2})*$/.test(v)) throw new GongzhiError('EXEC_BAD_ARGS', `${path} must be hex`, { path });
    return fromHex(v);
  }
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  if (Array.isArray(v)) return v.map((x, i) => fromJsonValue(x, bytes, `${path}[${i}]`));
  if (typeof v === 'object') {
    const out: Record<string, CborValue> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      out[k] = fromJsonValue(x, BYTE_KEYS.has(k), `${path}.${k}`);
    }
    return out;
  }
  throw new GongzhiError('EXEC_BAD_ARGS', `${path} is not a JSON value of the record`, { path });
}

/** Read a record from its JSON form, strictly (every part through its codec: CHAIN_INVALID). */
export function recordFromJson(json: unknown): ElectionRecord {
  const v = fromJsonValue(json, false, 'record');
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    throw new GongzhiError('CHAIN_INVALID', 'the record must be an object');
  }
  const m = v as CborMap;
  if (m.format !== RECORD_FORMAT)
    throw new GongzhiError('CHAIN_INVALID', `the record format must be ${RECORD_FORMAT}`);
  const list = (k: string): readonly CborValue[] => {
    const x = m[k];
    if (!Array.isArray(x)) throw new GongzhiError('CHAIN_INVALID', `record.${k} must be a list`);
    return x;
  };
  return {
    election: electionCodec.decode(m.election ?? null),
    voters: list('voters').map((x) => voterCodec.decode(x)),
    votes: list('votes').map((x) => {
      const o = x as CborMap;
      const credential = o.credential;
      if (!(credential instanceof Uint8Array))
        throw new GongzhiError('CHAIN_INVALID', 'vote.credential must be bytes');
      return { credential, vote: openVoteCodec.decode(o.vote ?? null) };
    }),
    ballots: list('ballots').map((x) => ballotCodec.decode(x)),
    trustees: list('trustees').map((x) => trusteeCodec.decode(x)),
    ...(m.dkg === undefined ? {} : { dkg: dkgCodec.decode(m.dkg) }),
    ...(m.counts === undefined ? {} : { counts: countsCodec.decode(m.counts) }),
    ...(m.tally === undefined ? {} : { tally: tallyCodec.decode(m.tally) }),
    ...(m.result === undefined ? {} : { result: resultCodec.decode(m.result) }),
  };
}
