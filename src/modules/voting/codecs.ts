import type { CborValue } from '../../encoding/index.js';
import { defineCodec, readStored, stateKey, uintCodec } from '../../execution/index.js';
import type { CborMap, ShapeReader } from '../../ledger/index.js';
import type { StateReader } from '../../state/index.js';
import { type AnswerWire, type BallotWire, ballotValue } from '../../voting-crypto/index.js';
import { ownerSourceValue, readOwnerSource } from './owners.js';
import { type Fraction, MATTERS, type MajorityRule, type Outcome, type Tally } from './rules.js';
import {
  type At,
  ELECTION_GROUPS,
  type Election,
  type EncryptedTally,
  KINDS,
  LIMITS,
  MODULE,
  type OpenCounts,
  type OpenVote,
  PHASES,
  type Question,
  type ResultRecord,
  type TrusteeRecord,
  type Voter,
} from './types.js';

/** State keys: everything of election `id` lives under `voting/e/<id>/`. */
export const keys = {
  election: (id: string): string => stateKey(MODULE, 'e', id),
  voter: (id: string, index: number): string => stateKey(MODULE, 'e', id, 'voter', String(index)),
  credential: (id: string, credHex: string): string => stateKey(MODULE, 'e', id, 'cred', credHex),
  vote: (id: string, credHex: string): string => stateKey(MODULE, 'e', id, 'vote', credHex),
  ballot: (id: string, credHex: string): string => stateKey(MODULE, 'e', id, 'ballot', credHex),
  counts: (id: string): string => stateKey(MODULE, 'e', id, 'counts'),
  tally: (id: string): string => stateKey(MODULE, 'e', id, 'tally'),
  trustee: (id: string, index: number): string => stateKey(MODULE, 'e', id, 'trustee', String(index)),
  result: (id: string): string => stateKey(MODULE, 'e', id, 'result'),
};

export const atValue = (a: At): CborMap => ({ height: a.height, tx: a.tx });
export const readAt = (r: ShapeReader, f: string): At => {
  const s = r.nested(f, ['height', 'tx']);
  return { height: s.uint('height'), tx: s.digest('tx') };
};
const tallyValue = (t: Tally): CborMap => ({ count: t.count, weight: t.weight });
const readTally = (r: ShapeReader, f: string): Tally => {
  const s = r.nested(f, ['count', 'weight']);
  return { count: s.uint('count'), weight: s.uint('weight') };
};

/** A list of byte strings, each of `len` bytes. */
export function readBytesList(r: ShapeReader, f: string, max: number, len: number): Uint8Array[] {
  return r.list(f, max, (v, at) => {
    if (!(v instanceof Uint8Array) || v.length !== len) r.fail(f, `a list of ${len}-byte strings (${at})`);
    return v as Uint8Array;
  });
}

function readFraction(r: ShapeReader, f: string): Fraction {
  const s = r.nested(f, ['num', 'den']);
  return { num: s.uint('num', 1000), den: s.uint('den', 1000) };
}

export const ruleValue = (x: MajorityRule): CborMap => ({
  quorum: { num: x.quorum.num, den: x.quorum.den },
  pass: { num: x.pass.num, den: x.pass.den },
  strict: x.strict,
});
export function readRule(r: ShapeReader, f: string): MajorityRule {
  const s = r.nested(f, ['quorum', 'pass', 'strict']);
  return { quorum: readFraction(s, 'quorum'), pass: readFraction(s, 'pass'), strict: s.bool('strict') };
}

export const questionValue = (q: Question): CborMap => ({
  question: q.question,
  answers: [...q.answers],
  min: q.min,
  max: q.max,
});
export function readQuestion(r: ShapeReader, v: CborValue, at: string): Question {
  const s = r.sub(v, at, ['question', 'answers', 'min', 'max']);
  return {
    question: s.str('question', LIMITS.question),
    answers: s.strs('answers', LIMITS.answers, LIMITS.answer),
    min: s.uint('min', LIMITS.answers),
    max: s.uint('max', LIMITS.answers),
  };
}

function readLedger(r: ShapeReader): { chain: string; group: string } {
  const l = r.nested('ledger', ['chain', 'group']);
  return { chain: l.str('chain', 128), group: l.str('group', 128) };
}

export const electionCodec = defineCodec<Election>(
  'election',
  [
    'id',
    'kind',
    'title',
    'registrar',
    'ledger',
    'group',
    'maxWeight',
    'matter',
    'rule',
    'questions',
    'trustees',
    'threshold',
    'owners',
    'phase',
    'electorate',
    'created',
    'fingerprint',
    'publicKey',
  ],
  (e) => ({
    id: e.id,
    kind: e.kind,
    title: e.title,
    registrar: e.registrar,
    ledger: { chain: e.ledger.chain, group: e.ledger.group },
    group: e.group,
    maxWeight: e.maxWeight,
    ...(e.matter === undefined ? {} : { matter: e.matter }),
    ...(e.rule === undefined ? {} : { rule: ruleValue(e.rule) }),
    questions: e.questions.map(questionValue),
    trustees: [...e.trustees],
    threshold: e.threshold,
    ...(e.owners === undefined ? {} : { owners: ownerSourceValue(e.owners) }),
    phase: e.phase,
    electorate: { count: e.electorate.count, totalWeight: e.electorate.totalWeight, root: e.electorate.root },
    created: atValue(e.created),
    ...(e.fingerprint === undefined ? {} : { fingerprint: e.fingerprint }),
    ...(e.publicKey === undefined ? {} : { publicKey: e.publicKey }),
  }),
  (r) => {
    const el = r.nested('electorate', ['count', 'totalWeight', 'root']);
    const group = r.oneOf('group', ELECTION_GROUPS);
    return {
      id: r.id('id'),
      kind: r.oneOf('kind', KINDS),
      title: r.str('title', LIMITS.title),
      registrar: r.str('registrar', 128),
      ledger: readLedger(r),
      group,
      maxWeight: r.uint('maxWeight', LIMITS.maxWeight),
      ...(r.has('matter') ? { matter: r.oneOf('matter', MATTERS) } : {}),
      ...(r.has('rule') ? { rule: readRule(r, 'rule') } : {}),
      questions: r.list('questions', LIMITS.questions, (v, at) => readQuestion(r, v, at)),
      trustees: r.strs('trustees', LIMITS.trustees, 128),
      threshold: r.uint('threshold', LIMITS.trustees),
      ...(r.has('owners') ? { owners: readOwnerSource(r, 'owners') } : {}),
      phase: r.oneOf('phase', PHASES),
      electorate: { count: el.uint('count'), totalWeight: el.uint('totalWeight'), root: el.digest('root') },
      created: readAt(r, 'created'),
      ...(r.has('fingerprint') ? { fingerprint: r.digest('fingerprint') } : {}),
      // ristretto255 keys are 32 bytes, BELENIOS-2048 elements 256 (big-endian).
      ...(r.has('publicKey') ? { publicKey: r.bytes('publicKey', group === 'ed25519' ? 32 : 256) } : {}),
    };
  },
);

export const voterCodec = defineCodec<Voter>(
  'voter',
  ['index', 'credential', 'weight'],
  (v) => ({ index: v.index, credential: v.credential, weight: v.weight }),
  (r) => {
    // 32 bytes (ristretto255) or 256 (a BELENIOS-2048 element); the election's group says which.
    const credential = r.bytes('credential', undefined, 256);
    if (credential.length !== 32 && credential.length !== 256) r.fail('credential', '32 or 256 bytes');
    return { index: r.uint('index'), credential, weight: r.uint('weight') };
  },
);

export const openVoteCodec = defineCodec<OpenVote>(
  'open vote',
  ['seq', 'choice', 'signature', 'at'],
  (v) => ({ seq: v.seq, choice: v.choice, signature: v.signature, at: atValue(v.at) }),
  (r) => ({
    seq: r.uint('seq'),
    choice: r.oneOf('choice', ['yes', 'no', 'abstain'] as const),
    signature: r.bytes('signature', 64),
    at: readAt(r, 'at'),
  }),
);

export const countsCodec = defineCodec<OpenCounts>(
  'open counts',
  ['yes', 'no', 'abstain'],
  (c) => ({ yes: tallyValue(c.yes), no: tallyValue(c.no), abstain: tallyValue(c.abstain) }),
  (r) => ({ yes: readTally(r, 'yes'), no: readTally(r, 'no'), abstain: readTally(r, 'abstain') }),
);

/** Read a secret ballot (arguments or stored record: the reader's code decides). */
export function readBallot(r: ShapeReader, f: string): BallotWire {
  const b = r.nested(f, ['credential', 'seq', 'answers', 'signature']);
  return {
    credential: b.bytes('credential', 32),
    seq: b.uint('seq'),
    answers: b.list('answers', LIMITS.questions, (v, at): AnswerWire => {
      const a = b.sub(v, at, ['choices', 'proofs', 'overall']);
      return {
        choices: readBytesList(a, 'choices', LIMITS.answers + 1, 64),
        proofs: a.list('proofs', LIMITS.answers + 1, (p, pat) => {
          if (!Array.isArray(p) || p.length !== 2) a.fail('proofs', `two proof pairs each (${pat})`);
          return (p as CborValue[]).map((x) => {
            if (!(x instanceof Uint8Array) || x.length !== 64) a.fail('proofs', `64-byte pairs (${pat})`);
            return x as Uint8Array;
          });
        }),
        overall: readBytesList(a, 'overall', LIMITS.answers + 2, 64),
      };
    }),
    signature: b.bytes('signature', 64),
  };
}

/** A stored secret ballot (the last of its credential) and its hash. */
export interface BallotRecord {
  readonly ballot: BallotWire;
  readonly hash: Uint8Array;
  readonly at: At;
}

export const ballotCodec = defineCodec<BallotRecord>(
  'ballot',
  ['ballot', 'hash', 'at'],
  (b) => ({ ballot: ballotValue(b.ballot), hash: b.hash, at: atValue(b.at) }),
  (r) => ({ ballot: readBallot(r, 'ballot'), hash: r.digest('hash'), at: readAt(r, 'at') }),
);

export const tallyCodec = defineCodec<EncryptedTally>(
  'encrypted tally',
  ['ballots', 'weight', 'plain', 'weighted'],
  (t) => ({
    ballots: t.ballots,
    weight: t.weight,
    plain: [...t.plain],
    weighted: [...t.weighted],
  }),
  (r) => ({
    ballots: r.uint('ballots'),
    weight: r.uint('weight'),
    plain: readBytesList(r, 'plain', LIMITS.questions * LIMITS.answers, 64),
    weighted: readBytesList(r, 'weighted', LIMITS.questions * LIMITS.answers, 64),
  }),
);

export const trusteeCodec = defineCodec<TrusteeRecord>(
  'trustee',
  ['index', 'key', 'shares', 'partial'],
  (t) => ({
    index: t.index,
    ...(t.key === undefined ? {} : { key: { publicKey: t.key.publicKey, proof: t.key.proof } }),
    ...(t.shares === undefined
      ? {}
      : {
          shares: {
            commitments: [...t.shares.commitments],
            proof: t.shares.proof,
            shares: [...t.shares.shares],
          },
        }),
    ...(t.partial === undefined
      ? {}
      : { partial: t.partial.map((p) => ({ factor: p.factor, proof: p.proof })) }),
  }),
  (r) => {
    const key = r.has('key') ? r.nested('key', ['publicKey', 'proof']) : undefined;
    const sh = r.has('shares') ? r.nested('shares', ['commitments', 'proof', 'shares']) : undefined;
    return {
      index: r.uint('index', LIMITS.trustees),
      ...(key === undefined
        ? {}
        : { key: { publicKey: key.bytes('publicKey', 32), proof: key.bytes('proof', 64) } }),
      ...(sh === undefined
        ? {}
        : {
            shares: {
              commitments: readBytesList(sh, 'commitments', LIMITS.trustees, 32),
              proof: sh.bytes('proof', 64),
              shares: readBytesList(sh, 'shares', LIMITS.trustees, 64),
            },
          }),
      ...(r.has('partial')
        ? {
            partial: r.list('partial', 2 * LIMITS.questions * LIMITS.answers, (v, at) => {
              const p = r.sub(v, at, ['factor', 'proof']);
              return { factor: p.bytes('factor', 32), proof: p.bytes('proof', 64) };
            }),
          }
        : {}),
    };
  },
);

const outcomeValue = (o: Outcome): CborMap => ({ ...o });
const readOutcome = (r: ShapeReader, v: CborValue, at: string): Outcome => {
  const s = r.sub(v, at, ['quorumArea', 'quorumOwners', 'passArea', 'passOwners', 'passed']);
  return {
    quorumArea: s.bool('quorumArea'),
    quorumOwners: s.bool('quorumOwners'),
    passArea: s.bool('passArea'),
    passOwners: s.bool('passOwners'),
    passed: s.bool('passed'),
  };
};
const readUintMatrix = (r: ShapeReader, f: string): number[][] =>
  r.list(f, LIMITS.questions, (v, at) => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0)) {
      r.fail(f, `lists of unsigned integers (${at})`);
    }
    return v as number[];
  });

export const resultCodec = defineCodec<ResultRecord>(
  'result',
  ['participation', 'counts', 'outcome', 'plain', 'weighted', 'outcomes', 'at'],
  (x) => ({
    participation: tallyValue(x.participation),
    ...(x.counts === undefined ? {} : { counts: countsCodec.encode(x.counts) }),
    ...(x.outcome === undefined ? {} : { outcome: outcomeValue(x.outcome) }),
    ...(x.plain === undefined ? {} : { plain: x.plain.map((q) => [...q]) }),
    ...(x.weighted === undefined ? {} : { weighted: x.weighted.map((q) => [...q]) }),
    ...(x.outcomes === undefined ? {} : { outcomes: x.outcomes.map((q) => q.map(outcomeValue)) }),
    at: atValue(x.at),
  }),
  (r) => ({
    participation: readTally(r, 'participation'),
    ...(r.has('counts') ? { counts: countsCodec.decode(r.raw('counts')) } : {}),
    ...(r.has('outcome') ? { outcome: readOutcome(r, r.raw('outcome'), 'result.outcome') } : {}),
    ...(r.has('plain') ? { plain: readUintMatrix(r, 'plain') } : {}),
    ...(r.has('weighted') ? { weighted: readUintMatrix(r, 'weighted') } : {}),
    ...(r.has('outcomes')
      ? {
          outcomes: r.list('outcomes', LIMITS.questions, (v, at) => {
            if (!Array.isArray(v)) r.fail('outcomes', 'lists');
            return (v as CborValue[]).map((o, i) => readOutcome(r, o, `${at}[${i}]`));
          }),
        }
      : {}),
    at: readAt(r, 'at'),
  }),
);

export const readElection = (s: StateReader, id: string): Election | undefined =>
  readStored(s, keys.election(id), electionCodec);
export const readVoter = (s: StateReader, id: string, i: number): Voter | undefined =>
  readStored(s, keys.voter(id, i), voterCodec);
export const readCredentialIndex = (s: StateReader, id: string, credHex: string): number | undefined =>
  readStored(s, keys.credential(id, credHex), uintCodec);
export const readTrustee = (s: StateReader, id: string, i: number): TrusteeRecord | undefined =>
  readStored(s, keys.trustee(id, i), trusteeCodec);
export { uintCodec };
