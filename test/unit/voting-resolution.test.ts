import { describe, expect, it } from 'vitest';
import type { KeyPair } from '../../src/crypto/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import {
  ART_278,
  credential,
  decide,
  type MajorityRule,
  meets,
  verifyElectionRecord,
  voteArgs,
} from '../../src/modules/voting/index.js';
import { seedOf, VotingSandbox } from '../../src/testing/index.js';

const pk = (name: string): Uint8Array => credential({ group: 'ed25519' }, seedOf(name)).publicKey;

/** A call that must be refused with `code` and leave state exactly as it was. */
function refused(sb: VotingSandbox, key: KeyPair, method: string, args: CborMap, code: string): void {
  const before = sb.snapshot();
  const r = sb.call(key, method, args);
  expect(r.status, r.message).toBe(code);
  expect(r.writes).toEqual([]);
  expect(sb.snapshot()).toEqual(before);
}

/** A resolution with `n` owners of the given weights, frozen and open. */
function openResolution(weights: readonly number[], matter: 'ordinary' | 'major' = 'ordinary', id = 'r1') {
  const sb = new VotingSandbox(0);
  sb.ok(sb.registrar, 'create', { id, kind: 'resolution', title: 'Repaint the gates', matter });
  sb.ok(sb.registrar, 'enrol', {
    election: id,
    voters: weights.map((w, i) => ({ credential: pk(`owner-${i}`), weight: w })),
  });
  sb.ok(sb.registrar, 'freeze', { election: id });
  sb.ok(sb.registrar, 'open', { election: id });
  const vote = (i: number, choice: 'yes' | 'no' | 'abstain', seq = 1) =>
    sb.call(
      sb.registrar,
      'vote',
      voteArgs(sb.record(id).election, seedOf(`owner-${i}`), seq, choice, seedOf(`v${i}/${seq}`)),
    );
  return { sb, vote, id };
}

describe('art. 278 rules in integers', () => {
  const el = { count: 6, weight: 600 };
  const rule = ART_278.ordinary;
  it('participation: exactly 2/3 of area and owners meets the quorum; just under does not', () => {
    expect(decide(rule, el, { count: 4, weight: 400 }, { count: 4, weight: 400 }).quorumArea).toBe(true);
    expect(decide(rule, el, { count: 4, weight: 400 }, { count: 4, weight: 400 }).quorumOwners).toBe(true);
    expect(decide(rule, el, { count: 4, weight: 399 }, { count: 4, weight: 399 }).quorumArea).toBe(false);
    expect(decide(rule, el, { count: 3, weight: 599 }, { count: 3, weight: 599 })).toMatchObject({
      quorumArea: true,
      quorumOwners: false,
      passed: false,
    });
    // Large totals: no float rounding (2/3 of 3·10^15 + 1 is not met by 2·10^15).
    expect(meets(2_000_000_000_000_000, 3_000_000_000_000_001, { num: 2, den: 3 }, false)).toBe(false);
    expect(meets(2_000_000_000_000_001, 3_000_000_000_000_001, { num: 2, den: 3 }, false)).toBe(true);
  });
  it('ordinary: more than half of the participating area AND owners; exactly half fails', () => {
    const part = { count: 6, weight: 600 };
    expect(decide(rule, el, part, { count: 3, weight: 300 }).passed).toBe(false);
    expect(decide(rule, el, part, { count: 4, weight: 301 }).passed).toBe(true);
    expect(decide(rule, el, part, { count: 4, weight: 300 })).toMatchObject({
      passArea: false,
      passOwners: true,
    });
    expect(decide(rule, el, part, { count: 3, weight: 500 })).toMatchObject({
      passArea: true,
      passOwners: false,
    });
  });
  it('major: at least 3/4 of both; exactly 3/4 passes, just under fails', () => {
    const major: MajorityRule = ART_278.major;
    const el8 = { count: 8, weight: 800 };
    const part = { count: 8, weight: 800 };
    expect(decide(major, el8, part, { count: 6, weight: 600 }).passed).toBe(true);
    expect(decide(major, el8, part, { count: 6, weight: 599 }).passed).toBe(false);
    expect(decide(major, el8, part, { count: 5, weight: 700 }).passed).toBe(false);
  });
});

describe('voting: electorate and open resolutions on the executor', () => {
  it('an ordinary matter passes; the record verifies offline; a changed vote or result fails', () => {
    const { sb, vote, id } = openResolution([100, 100, 100, 100, 100, 100]);
    expect(vote(0, 'yes').status).toBe('ok');
    expect(vote(1, 'yes').status).toBe('ok');
    expect(vote(2, 'no').status).toBe('ok');
    expect(vote(3, 'abstain').status).toBe('ok');
    // Re-vote: the last one counts (abstain → yes), an older seq is refused.
    expect(vote(3, 'yes', 2).status).toBe('ok');
    const stale = voteArgs(sb.record(id).election, seedOf('owner-3'), 1, 'no', seedOf('x'));
    refused(sb, sb.registrar, 'vote', stale, 'VOTING_STALE_BALLOT');
    sb.ok(sb.registrar, 'close', { election: id });
    const rec = sb.record(id);
    expect(rec.result?.counts?.yes).toEqual({ count: 3, weight: 300 });
    expect(rec.result?.participation).toEqual({ count: 4, weight: 400 });
    expect(rec.result?.outcome?.passed).toBe(true);
    expect(verifyElectionRecord(rec).valid).toBe(true);
    const forged = {
      ...rec,
      votes: rec.votes.map((v, i) => (i === 2 ? { ...v, vote: { ...v.vote, choice: 'yes' as const } } : v)),
    };
    expect(verifyElectionRecord(forged).errors).toContain('VOTING_BAD_SIGNATURE');
    const result = rec.result;
    if (result?.outcome === undefined) throw new Error('no outcome');
    const lie = { ...rec, result: { ...result, outcome: { ...result.outcome, passed: false } } };
    expect(verifyElectionRecord(lie).errors).toContain('VOTING_WRONG_RESULT');
    // Final at close.
    refused(
      sb,
      sb.registrar,
      'vote',
      voteArgs(rec.election, seedOf('owner-4'), 1, 'yes', seedOf('y')),
      'VOTING_CLOSED',
    );
    refused(sb, sb.registrar, 'close', { election: id }, 'VOTING_CLOSED');
  });

  it('fails on participation with 3 of 6 owners even with all area-heavy yes votes', () => {
    const { sb, vote, id } = openResolution([300, 300, 300, 10, 10, 10]);
    for (const i of [0, 1, 2]) expect(vote(i, 'yes').status).toBe('ok');
    sb.ok(sb.registrar, 'close', { election: id });
    expect(sb.record(id).result?.outcome).toMatchObject({
      quorumArea: true,
      quorumOwners: false,
      passed: false,
    });
  });

  it('a major matter at exactly 3/4 passes; one owner fewer fails', () => {
    for (const [yes, passed] of [
      [6, true],
      [5, false],
    ] as const) {
      const { sb, vote, id } = openResolution([100, 100, 100, 100, 100, 100, 100, 100], 'major');
      for (let i = 0; i < 8; i++) expect(vote(i, i < yes ? 'yes' : 'no').status).toBe('ok');
      sb.ok(sb.registrar, 'close', { election: id });
      expect(sb.record(id).result?.outcome?.passed).toBe(passed);
    }
  });

  it('refuses each bad input with its code and no state change', () => {
    const sb = new VotingSandbox(0);
    const other = sb.suite.generateKeyPair();
    const id = 'r2';
    refused(sb, sb.registrar, 'create', { id, kind: 'resolution', title: 't' }, 'EXEC_BAD_ARGS');
    refused(
      sb,
      sb.registrar,
      'create',
      {
        id,
        kind: 'resolution',
        title: 't',
        rule: { quorum: { num: 3, den: 2 }, pass: { num: 1, den: 2 }, strict: true },
      },
      'VOTING_BAD_RULE',
    );
    sb.ok(sb.registrar, 'create', {
      id,
      kind: 'resolution',
      title: 't',
      matter: 'ordinary',
      maxWeight: 1000,
    });
    refused(
      sb,
      sb.registrar,
      'create',
      { id, kind: 'resolution', title: 't', matter: 'major' },
      'VOTING_EXISTS',
    );
    const enrol = (voters: { credential: Uint8Array; weight: number }[]) => ({ election: id, voters });
    refused(sb, other, 'enrol', enrol([{ credential: pk('a'), weight: 1 }]), 'VOTING_NOT_REGISTRAR');
    refused(sb, sb.registrar, 'enrol', enrol([{ credential: pk('a'), weight: 0 }]), 'VOTING_BAD_WEIGHT');
    refused(sb, sb.registrar, 'enrol', enrol([{ credential: pk('a'), weight: 1001 }]), 'VOTING_BAD_WEIGHT');
    refused(
      sb,
      sb.registrar,
      'enrol',
      enrol([{ credential: new Uint8Array(32).fill(0xff), weight: 1 }]),
      'VOTING_BAD_CREDENTIAL',
    );
    refused(
      sb,
      sb.registrar,
      'enrol',
      enrol([{ credential: new Uint8Array(31), weight: 1 }]),
      'VOTING_BAD_CREDENTIAL',
    );
    refused(
      sb,
      sb.registrar,
      'enrol',
      enrol([
        { credential: pk('a'), weight: 1 },
        { credential: pk('a'), weight: 2 },
      ]),
      'VOTING_ALREADY_ENROLLED',
    );
    refused(sb, sb.registrar, 'freeze', { election: id }, 'VOTING_EMPTY_ELECTORATE');
    sb.ok(
      sb.registrar,
      'enrol',
      enrol([
        { credential: pk('a'), weight: 10 },
        { credential: pk('b'), weight: 20 },
      ]),
    );
    refused(
      sb,
      sb.registrar,
      'enrol',
      enrol([{ credential: pk('a'), weight: 5 }]),
      'VOTING_ALREADY_ENROLLED',
    );
    refused(sb, sb.registrar, 'open', { election: id }, 'VOTING_NOT_FROZEN');
    sb.ok(sb.registrar, 'freeze', { election: id });
    refused(sb, sb.registrar, 'enrol', enrol([{ credential: pk('c'), weight: 5 }]), 'VOTING_FROZEN');
    const e = sb.record(id).election;
    expect(e.electorate).toMatchObject({ count: 2, totalWeight: 30 });
    // Before open there is no fingerprint to sign; a vote is refused as not open.
    const early = { election: id, credential: pk('a'), seq: 1, choice: 'yes', signature: new Uint8Array(64) };
    refused(sb, sb.registrar, 'vote', early, 'VOTING_NOT_OPEN');
    sb.ok(sb.registrar, 'open', { election: id });
    const opened = sb.record(id).election;
    refused(
      sb,
      sb.registrar,
      'vote',
      voteArgs(opened, seedOf('c'), 1, 'yes', seedOf('s')),
      'VOTING_NOT_ENROLLED',
    );
    const good = voteArgs(opened, seedOf('a'), 1, 'yes', seedOf('s'));
    refused(sb, sb.registrar, 'vote', { ...good, choice: 'no' }, 'VOTING_BAD_SIGNATURE');
    refused(
      sb,
      sb.registrar,
      'cast',
      { election: id, ballot: { credential: pk('a'), seq: 1, answers: [], signature: new Uint8Array(64) } },
      'VOTING_WRONG_KIND',
    );
    refused(sb, sb.registrar, 'vote', { ...good, election: 'nope' }, 'VOTING_NOT_FOUND');
    expect(sb.call(other, 'vote', good).status).toBe('ok');
  });
});
