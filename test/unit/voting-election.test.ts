import { describe, expect, it } from 'vitest';
import type { KeyPair } from '../../src/crypto/index.js';
import { type AdmitJobRunner, ModuleRegistry, runAdmitJobFn } from '../../src/execution/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import { BUILTIN_MODULES } from '../../src/modules/index.js';
import {
  ballotContext,
  castArgs,
  computeResult,
  credential,
  decryptArgs,
  type ElectionRecord,
  trusteeKeyArgs,
  trusteeSharesArgs,
  verifyElectionRecord,
  verifyElectionRecordOn,
} from '../../src/modules/voting/index.js';
import { seedOf, VotingSandbox } from '../../src/testing/index.js';
import { ballotValue, createBallot, credentialFromSeed, RISTRETTO } from '../../src/voting-crypto/index.js';

const pk = (name: string): Uint8Array => credential({ group: 'ed25519' }, seedOf(name)).publicKey;

function refused(sb: VotingSandbox, key: KeyPair, method: string, args: CborMap, code: string): void {
  const before = sb.snapshot();
  const r = sb.call(key, method, args);
  expect(r.status, r.message).toBe(code);
  expect(sb.snapshot()).toEqual(before);
}

const WEIGHTS = [8950, 12000, 7525, 10000, 9100];
const QUESTIONS = [
  { question: 'Committee: choose up to two', answers: ['Li', 'Wang', 'Zhang'], min: 0, max: 2 },
  { question: 'Install EV chargers?', answers: ['yes'], min: 0, max: 1 },
];

/** A secret election with three trustees (threshold 2) and five weighted voters, set up and open. */
function setup(id = 'e1'): VotingSandbox {
  const sb = new VotingSandbox(3);
  sb.ok(sb.registrar, 'create', {
    id,
    kind: 'election',
    title: 'Owners’ committee 2027',
    questions: QUESTIONS,
    trustees: sb.trustees.map((k) => sb.address(k)),
    threshold: 2,
    rule: { quorum: { num: 2, den: 3 }, pass: { num: 1, den: 2 }, strict: true },
  });
  sb.ok(sb.registrar, 'enrol', {
    election: id,
    voters: WEIGHTS.map((w, i) => ({ credential: pk(`voter-${i}`), weight: w })),
  });
  sb.runDkg(id);
  sb.ok(sb.registrar, 'freeze', { election: id });
  sb.ok(sb.registrar, 'open', { election: id });
  return sb;
}

describe('voting: secret elections', () => {
  it('ballots, a re-vote, threshold decryption by trustees 1 and 3, weighted and head-count results; the record verifies', async () => {
    const sb = setup();
    const votes = [
      [[1, 1, 0], [1]],
      [[0, 1, 0], [0]],
      [[0, 0, 1], [1]],
      [[1, 0, 0], [1]],
    ];
    for (const [i, v] of votes.entries()) expect(sb.cast('e1', `voter-${i}`, v).status).toBe('ok');
    // voter-1 changes its mind: only the last ballot counts.
    expect(sb.cast('e1', 'voter-1', [[1, 0, 1], [1]], 2).status).toBe('ok');
    refused(
      sb,
      sb.registrar,
      'cast',
      castArgs(sb.record('e1').election, seedOf('voter-1'), [[0, 1, 0], [0]], seedOf('old'), 2),
      'VOTING_STALE_BALLOT',
    );
    sb.ok(sb.registrar, 'close', { election: 'e1' });
    refused(
      sb,
      sb.registrar,
      'cast',
      castArgs(sb.record('e1').election, seedOf('voter-4'), [[1, 0, 0], [0]], seedOf('late')),
      'VOTING_CLOSED',
    );
    refused(
      sb,
      sb.registrar,
      'tally',
      { election: 'e1', plain: [[0, 0, 0], [0]], weighted: [[0, 0, 0], [0]] },
      'VOTING_TRUSTEES_PENDING',
    );
    const outsider = sb.suite.generateKeyPair();
    refused(
      sb,
      outsider,
      'decrypt',
      decryptArgs(sb.record('e1'), 1, seedOf('trustee-e1-1')),
      'VOTING_NOT_TRUSTEE',
    );
    // Trustee 2 posting trustee 1's factors: its proofs are against another verification key.
    refused(
      sb,
      sb.trustees[1] as KeyPair,
      'decrypt',
      decryptArgs(sb.record('e1'), 1, seedOf('trustee-e1-1')),
      'VOTING_BAD_PROOF',
    );
    const r = sb.decryptAndTally('e1', [1, 3]);
    expect(r.status, r.message).toBe('ok');
    const rec = sb.record('e1');
    const final = [votes[0], [[1, 0, 1], [1]], votes[2], votes[3]] as number[][][];
    const expectPlain = QUESTIONS.map((q, qi) =>
      q.answers.map((_, ai) => final.reduce((s, v) => s + (v[qi]?.[ai] ?? 0), 0)),
    );
    const expectWeighted = QUESTIONS.map((q, qi) =>
      q.answers.map((_, ai) => final.reduce((s, v, i) => s + (v[qi]?.[ai] ?? 0) * (WEIGHTS[i] ?? 0), 0)),
    );
    expect(rec.result?.plain).toEqual(expectPlain);
    expect(rec.result?.weighted).toEqual(expectWeighted);
    expect(rec.result?.participation).toEqual({ count: 4, weight: 8950 + 12000 + 7525 + 10000 });
    // EV chargers: 3 of 4 voters, 26475 of 38475 area → passes (4 of 5 owners took part: quorum met).
    expect(rec.result?.outcomes?.[1]?.[0]?.passed).toBe(true);
    const v = verifyElectionRecord(rec);
    expect(v.valid, JSON.stringify(v.checks)).toBe(true);
    expect(rec.election.phase).toBe('tallied');
    await tampering(rec);
  });

  it('refuses each bad input with its code and no state change', () => {
    const sb = new VotingSandbox(3);
    const id = 'e2';
    sb.ok(sb.registrar, 'create', {
      id,
      kind: 'election',
      title: 't',
      questions: QUESTIONS,
      trustees: sb.trustees.map((k) => sb.address(k)),
      threshold: 2,
    });
    sb.ok(sb.registrar, 'enrol', { election: id, voters: [{ credential: pk('a'), weight: 5 }] });
    sb.ok(sb.registrar, 'freeze', { election: id });
    refused(sb, sb.registrar, 'open', { election: id }, 'VOTING_TRUSTEES_PENDING');
    const e0 = sb.record(id).election;
    refused(
      sb,
      sb.trustees[0] as KeyPair,
      'trusteeKey',
      trusteeKeyArgs(e0, 2, seedOf('k')),
      'VOTING_BAD_PROOF',
    );
    refused(
      sb,
      sb.suite.generateKeyPair(),
      'trusteeKey',
      trusteeKeyArgs(e0, 1, seedOf('k')),
      'VOTING_NOT_TRUSTEE',
    );
    sb.ok(sb.trustees[0] as KeyPair, 'trusteeKey', trusteeKeyArgs(e0, 1, seedOf('trustee-e2-1')));
    refused(
      sb,
      sb.trustees[0] as KeyPair,
      'trusteeKey',
      trusteeKeyArgs(e0, 1, seedOf('trustee-e2-1')),
      'VOTING_ALREADY_POSTED',
    );
    sb.ok(sb.trustees[1] as KeyPair, 'trusteeKey', trusteeKeyArgs(e0, 2, seedOf('trustee-e2-2')));
    refused(
      sb,
      sb.trustees[0] as KeyPair,
      'trusteeShares',
      trusteeSharesArgs(e0, 1, sb.record(id).trustees, seedOf('x')),
      'VOTING_TRUSTEES_PENDING',
    );
    sb.ok(sb.trustees[2] as KeyPair, 'trusteeKey', trusteeKeyArgs(e0, 3, seedOf('trustee-e2-3')));
    // A share message whose proof of the constant term was made for another trustee index.
    const wrong = trusteeSharesArgs(e0, 2, sb.record(id).trustees, seedOf('trustee-e2-1'));
    refused(sb, sb.trustees[0] as KeyPair, 'trusteeShares', wrong, 'VOTING_BAD_PROOF');
    for (const j of [1, 2, 3]) {
      sb.ok(
        sb.trustees[j - 1] as KeyPair,
        'trusteeShares',
        trusteeSharesArgs(e0, j, sb.record(id).trustees, seedOf(`trustee-e2-${j}`)),
      );
    }
    // Before open: there is no election key; any ballot is refused as not open.
    const early = { credential: pk('a'), seq: 1, answers: [], signature: new Uint8Array(64) };
    refused(sb, sb.registrar, 'cast', { election: id, ballot: early }, 'VOTING_NOT_OPEN');
    sb.ok(sb.registrar, 'open', { election: id });
    const e = sb.record(id).election;
    refused(
      sb,
      sb.registrar,
      'cast',
      castArgs(e, seedOf('stranger'), [[1, 0, 0], [0]], seedOf('s')),
      'VOTING_NOT_ENROLLED',
    );
    // Wrong proof: answers' 0/1 proofs swapped.
    const good = castArgs(e, seedOf('a'), [[1, 0, 0], [1]], seedOf('s'));
    const ballot = good.ballot as {
      answers: { choices: Uint8Array[]; proofs: Uint8Array[][]; overall: Uint8Array[] }[];
    };
    const q0 = ballot.answers[0] as (typeof ballot.answers)[number];
    const swapped = { ...q0, proofs: [q0.proofs[1], q0.proofs[0], q0.proofs[2]] as Uint8Array[][] };
    refused(
      sb,
      sb.registrar,
      'cast',
      {
        election: id,
        ballot: { ...(good.ballot as CborMap), answers: [swapped, ballot.answers[1] as CborMap] },
      },
      'VOTING_BAD_PROOF',
    );
    // Too many choices: a ballot built for "choose up to 3" against "up to 2".
    const ctx = ballotContext(e);
    const greedy = createBallot(
      {
        ...ctx,
        questions: [
          { answers: 3, min: 0, max: 3 },
          { answers: 1, min: 0, max: 1 },
        ],
      },
      credentialFromSeed(RISTRETTO, seedOf('a')).secret,
      [[1, 1, 1], [0]],
      seedOf('g'),
    );
    refused(
      sb,
      sb.registrar,
      'cast',
      { election: id, ballot: ballotValue(greedy) },
      'VOTING_TOO_MANY_CHOICES',
    );
    // A signature over other contents.
    const sig = Uint8Array.from((good.ballot as { signature: Uint8Array }).signature);
    sig[3] = (sig[3] as number) ^ 0x01;
    refused(
      sb,
      sb.registrar,
      'cast',
      { election: id, ballot: { ...(good.ballot as CborMap), signature: sig } },
      'VOTING_BAD_SIGNATURE',
    );
    refused(
      sb,
      sb.registrar,
      'vote',
      { election: id, credential: pk('a'), seq: 1, choice: 'yes', signature: new Uint8Array(64) },
      'VOTING_WRONG_KIND',
    );
    expect(sb.call(sb.registrar, 'cast', good).status).toBe('ok');
    sb.ok(sb.registrar, 'close', { election: id });
    for (const j of [1, 2])
      sb.ok(
        sb.trustees[j - 1] as KeyPair,
        'decrypt',
        decryptArgs(sb.record(id), j, seedOf(`trustee-e2-${j}`)),
      );
    refused(
      sb,
      sb.trustees[0] as KeyPair,
      'decrypt',
      decryptArgs(sb.record(id), 1, seedOf('trustee-e2-1')),
      'VOTING_ALREADY_POSTED',
    );
    const res = computeResult(sb.record(id));
    expect(res).toEqual({ plain: [[1, 0, 0], [1]], weighted: [[5, 0, 0], [5]] });
    refused(
      sb,
      sb.registrar,
      'tally',
      { election: id, plain: [[0, 1, 0], [1]], weighted: res.weighted },
      'VOTING_WRONG_RESULT',
    );
    refused(
      sb,
      sb.registrar,
      'tally',
      { election: id, plain: [[1, 0, 0]], weighted: res.weighted },
      'VOTING_WRONG_RESULT',
    );
    sb.ok(sb.registrar, 'tally', { election: id, ...res });
  });
});

/** The ballot job run on this thread: what verifyElectionRecordOn hands the verify pool. */
const registry = new ModuleRegistry(BUILTIN_MODULES);
const inlineRunner: AdmitJobRunner = {
  run: async (jobs) =>
    jobs.map((j) => {
      const fn = registry.admitJob(j.kind);
      if (fn === undefined) throw new Error(`no job ${j.kind}`);
      return runAdmitJobFn(fn, j.input);
    }),
};

/**
 * A changed ballot, tally or result fails the offline verifier; every verdict (each check and
 * message) is the same with the native addon, with the portable path, and with the ballots'
 * proofs on a job runner.
 */
async function tampering(rec: ElectionRecord): Promise<void> {
  const b0 = rec.ballots[0];
  if (b0 === undefined || rec.tally === undefined || rec.result?.plain === undefined)
    throw new Error('incomplete record');
  const other = rec.ballots[1]?.ballot.answers[0];
  const forgedBallot = {
    ...rec,
    ballots: [
      { ...b0, ballot: { ...b0.ballot, answers: [other, ...b0.ballot.answers.slice(1)] } },
      ...rec.ballots.slice(1),
    ],
  } as ElectionRecord;
  expect(verifyElectionRecord(forgedBallot).valid).toBe(false);
  const forgedTally = { ...rec, tally: { ...rec.tally, plain: [...rec.tally.plain].reverse() } };
  expect(verifyElectionRecord(forgedTally).errors).toContain('VOTING_WRONG_RESULT');
  const plain = rec.result.plain.map((q) => q.map((x) => x + 1));
  const forgedResult = { ...rec, result: { ...rec.result, plain } };
  expect(verifyElectionRecord(forgedResult).errors).toContain('VOTING_WRONG_RESULT');
  const dropped = { ...rec, ballots: rec.ballots.slice(1) };
  expect(verifyElectionRecord(dropped).errors).toContain('VOTING_WRONG_RESULT');
  for (const r of [rec, forgedBallot, forgedTally, forgedResult, dropped]) {
    const v = verifyElectionRecord(r);
    expect(verifyElectionRecord(r, { portable: true })).toEqual(v);
    expect(await verifyElectionRecordOn(r, inlineRunner)).toEqual(v);
  }
}
