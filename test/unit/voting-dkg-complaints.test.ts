import { describe, expect, it } from 'vitest';
import type { KeyPair } from '../../src/crypto/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import {
  badShares,
  credential,
  type ElectionRecord,
  revealArgs,
  trusteeKeyArgs,
  trusteeSharesArgs,
  verifyElectionRecord,
} from '../../src/modules/voting/index.js';
import { seedOf, VotingSandbox, withBadShare } from '../../src/testing/index.js';
import { electionKey, RISTRETTO } from '../../src/voting-crypto/index.js';

const pk = (name: string): Uint8Array => credential({ group: 'ed25519' }, seedOf(name)).publicKey;
const seed = (id: string, i: number) => seedOf(`trustee-${id}-${i}`);

function refused(sb: VotingSandbox, key: KeyPair, method: string, args: CborMap, code: string): void {
  const before = sb.snapshot();
  const r = sb.call(key, method, args);
  expect(r.status, `${method}: ${r.message}`).toBe(code);
  expect(sb.snapshot()).toEqual(before);
}

/**
 * An election of three trustees (threshold `t`) whose key generation ran with trustee `bad`
 * sending trustee 1 a share that does not match its commitments; the electorate is frozen.
 */
function withFaultyDealer(id: string, t = 2, bad = 3): VotingSandbox {
  const sb = new VotingSandbox(3);
  sb.ok(sb.registrar, 'create', {
    id,
    kind: 'election',
    title: 't',
    questions: [{ question: 'q', answers: ['a', 'b'], min: 0, max: 1 }],
    trustees: sb.trustees.map((k) => sb.address(k)),
    threshold: t,
  });
  sb.ok(sb.registrar, 'enrol', {
    election: id,
    voters: ['v0', 'v1', 'v2'].map((v, i) => ({ credential: pk(v), weight: 100 + i })),
  });
  const e = () => sb.record(id).election;
  for (const [i, k] of sb.trustees.entries())
    sb.ok(k, 'trusteeKey', trusteeKeyArgs(e(), i + 1, seed(id, i + 1)));
  for (const [i, k] of sb.trustees.entries()) {
    const args = trusteeSharesArgs(e(), i + 1, sb.record(id).trustees, seed(id, i + 1));
    sb.ok(k, 'trusteeShares', i + 1 === bad ? withBadShare(args, 1) : args);
  }
  sb.ok(sb.registrar, 'freeze', { election: id });
  return sb;
}

const trustee = (sb: VotingSandbox, i: number) => sb.trustees[i - 1] as KeyPair;

/** Votes, closes, decrypts with `which`, tallies; returns the record. */
function finish(sb: VotingSandbox, id: string, which: readonly number[]): ElectionRecord {
  expect(sb.cast(id, 'v0', [[1, 0]]).status).toBe('ok');
  expect(sb.cast(id, 'v1', [[0, 1]]).status).toBe('ok');
  expect(sb.cast(id, 'v2', [[1, 0]]).status).toBe('ok');
  sb.ok(sb.registrar, 'close', { election: id });
  const r = sb.decryptAndTally(id, which);
  expect(r.status, r.message).toBe('ok');
  const rec = sb.record(id);
  expect(rec.result?.plain).toEqual([[2, 1]]);
  expect(rec.result?.weighted).toEqual([[202, 101]]);
  return rec;
}

describe('voting: the key generation’s complaint round', () => {
  it('a bad share is found, complained about and revealed; the key is every trustee’s; the record verifies', () => {
    const id = 'c1';
    const sb = withFaultyDealer(id);
    const rec0 = sb.record(id);
    expect(badShares(rec0.election, 1, rec0.trustees, seed(id, 1))).toEqual([3]);
    expect(badShares(rec0.election, 2, rec0.trustees, seed(id, 2))).toEqual([]);
    // Refused before any complaint, each with its code and nothing changed.
    refused(
      sb,
      trustee(sb, 3),
      'trusteeReveal',
      revealArgs(rec0.election, 1, seed(id, 3)),
      'VOTING_NO_COMPLAINT',
    );
    refused(sb, trustee(sb, 1), 'trusteeComplain', { election: id, against: 1 }, 'VOTING_BAD_COMPLAINT');
    refused(sb, trustee(sb, 1), 'trusteeComplain', { election: id, against: 4 }, 'VOTING_BAD_COMPLAINT');
    refused(sb, sb.registrar, 'trusteeComplain', { election: id, against: 3 }, 'VOTING_NOT_TRUSTEE');
    refused(sb, sb.registrar, 'trusteeDisqualify', { election: id, trustee: 3 }, 'VOTING_NO_COMPLAINT');
    sb.ok(trustee(sb, 1), 'trusteeComplain', { election: id, against: 3 });
    refused(sb, trustee(sb, 1), 'trusteeComplain', { election: id, against: 3 }, 'VOTING_ALREADY_POSTED');
    refused(sb, sb.registrar, 'open', { election: id }, 'VOTING_COMPLAINT_PENDING');
    refused(sb, trustee(sb, 2), 'trusteeDisqualify', { election: id, trustee: 3 }, 'VOTING_NOT_REGISTRAR');
    // The share meant for trustee 2 is not the one trustee 1 complained about.
    refused(
      sb,
      trustee(sb, 3),
      'trusteeReveal',
      { ...revealArgs(rec0.election, 2, seed(id, 3)), complainer: 1 },
      'VOTING_BAD_SHARE',
    );
    refused(
      sb,
      trustee(sb, 2),
      'trusteeReveal',
      revealArgs(rec0.election, 1, seed(id, 2)),
      'VOTING_NO_COMPLAINT',
    );
    sb.ok(trustee(sb, 3), 'trusteeReveal', revealArgs(rec0.election, 1, seed(id, 3)));
    refused(
      sb,
      trustee(sb, 3),
      'trusteeReveal',
      revealArgs(rec0.election, 1, seed(id, 3)),
      'VOTING_ALREADY_POSTED',
    );
    refused(sb, sb.registrar, 'trusteeDisqualify', { election: id, trustee: 3 }, 'VOTING_NO_COMPLAINT');
    sb.ok(sb.registrar, 'open', { election: id });
    const opened = sb.record(id);
    const all = opened.trustees.map((t) => t.shares as NonNullable<typeof t.shares>);
    expect(opened.election.publicKey).toEqual(RISTRETTO.encode(electionKey(RISTRETTO, all)));
    refused(sb, trustee(sb, 2), 'trusteeComplain', { election: id, against: 3 }, 'VOTING_BAD_PHASE');
    // Trustee 1 decrypts with the revealed share in place of the bad one.
    const rec = finish(sb, id, [1, 3]);
    expect(rec.dkg?.complaints).toHaveLength(1);
    const v = verifyElectionRecord(rec);
    expect(v.valid, JSON.stringify(v.checks)).toBe(true);
    // The record without the reveal shows a complaint left open: it fails.
    const unanswered: ElectionRecord = {
      ...rec,
      dkg: { complaints: rec.dkg?.complaints.map(({ share: _s, ...c }) => c) ?? [], disqualified: [] },
    };
    expect(verifyElectionRecord(unanswered).valid).toBe(false);
  });

  it('an accused trustee that does not answer is disqualified; the key and decryptions are the others’', () => {
    const id = 'c2';
    const sb = withFaultyDealer(id);
    sb.ok(trustee(sb, 1), 'trusteeComplain', { election: id, against: 3 });
    sb.ok(sb.registrar, 'trusteeDisqualify', { election: id, trustee: 3 });
    const e = sb.record(id).election;
    refused(sb, trustee(sb, 3), 'trusteeReveal', revealArgs(e, 1, seed(id, 3)), 'VOTING_DISQUALIFIED');
    refused(sb, trustee(sb, 3), 'trusteeComplain', { election: id, against: 2 }, 'VOTING_DISQUALIFIED');
    refused(sb, sb.registrar, 'trusteeDisqualify', { election: id, trustee: 3 }, 'VOTING_DISQUALIFIED');
    sb.ok(sb.registrar, 'open', { election: id });
    const opened = sb.record(id);
    const q = opened.trustees.slice(0, 2).map((t) => t.shares as NonNullable<typeof t.shares>);
    const all = opened.trustees.map((t) => t.shares as NonNullable<typeof t.shares>);
    expect(opened.election.publicKey).toEqual(RISTRETTO.encode(electionKey(RISTRETTO, q)));
    expect(opened.election.publicKey).not.toEqual(RISTRETTO.encode(electionKey(RISTRETTO, all)));
    expect(sb.cast(id, 'v0', [[1, 0]]).status).toBe('ok');
    sb.ok(sb.registrar, 'close', { election: id });
    // It takes no part in the decryption either.
    refused(sb, trustee(sb, 3), 'decrypt', { election: id, factors: [] }, 'VOTING_DISQUALIFIED');
    expect(sb.record(id).dkg?.disqualified).toEqual([3]);
  });

  it('a disqualified trustee’s election decrypts with the qualified two and verifies; fewer than the threshold cannot open', () => {
    const id = 'c3';
    const sb = withFaultyDealer(id);
    sb.ok(trustee(sb, 1), 'trusteeComplain', { election: id, against: 3 });
    sb.ok(sb.registrar, 'trusteeDisqualify', { election: id, trustee: 3 });
    sb.ok(sb.registrar, 'open', { election: id });
    const rec = finish(sb, id, [1, 2]);
    const v = verifyElectionRecord(rec);
    expect(v.valid, JSON.stringify(v.checks)).toBe(true);
    // Dropping the disqualification from the record: the key is no longer the qualified product.
    expect(
      verifyElectionRecord({ ...rec, dkg: { complaints: rec.dkg?.complaints ?? [], disqualified: [] } })
        .valid,
    ).toBe(false);

    const t3 = withFaultyDealer('c4', 3);
    t3.ok(trustee(t3, 1), 'trusteeComplain', { election: 'c4', against: 3 });
    t3.ok(t3.registrar, 'trusteeDisqualify', { election: 'c4', trustee: 3 });
    refused(t3, t3.registrar, 'open', { election: 'c4' }, 'VOTING_TOO_FEW_TRUSTEES');
  });

  it('refuses a complaint before every trustee posted its shares', () => {
    const sb = new VotingSandbox(2);
    sb.ok(sb.registrar, 'create', {
      id: 'c5',
      kind: 'election',
      title: 't',
      questions: [{ question: 'q', answers: ['a'], min: 0, max: 1 }],
      trustees: sb.trustees.map((k) => sb.address(k)),
      threshold: 1,
    });
    refused(sb, trustee(sb, 1), 'trusteeComplain', { election: 'c5', against: 2 }, 'VOTING_TRUSTEES_PENDING');
  });
});
