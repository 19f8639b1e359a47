import { describe, expect, it } from 'vitest';
import type { CborMap, Receipt } from '../../src/ledger/index.js';
import {
  amendmentMotion,
  type ExpenseJson,
  expenseMotion,
  type FundJson,
} from '../../src/modules/funds/index.js';
import { FundsSandbox } from '../../src/testing/index.js';

/**
 * Amending a fund's rules: the whole new rule set is proposed with a reason and takes effect with
 * the approval the fund's top tier needs — committee weight (never the proposer's), or a passed
 * owners' resolution carrying the amendment's motion tag. Every refusal: its code, no events, no
 * writes, state unchanged.
 */

function refused(sb: FundsSandbox, who: string, method: string, args: CborMap, code: string): Receipt {
  const before = sb.snapshot();
  const r = sb.block([[who, 'funds', method, args]])[0] as Receipt;
  expect(r.status, r.message).toBe(code);
  expect(r.events).toEqual([]);
  expect(r.writes).toEqual([]);
  expect(sb.snapshot()).toEqual(before);
  return r;
}

function ok(sb: FundsSandbox, who: string, method: string, args: CborMap): Receipt {
  const r = sb.call(who, method, args);
  expect(r.status, r.message).toBe('ok');
  return r;
}

const members = (sb: FundsSandbox, names: Record<string, number>) =>
  Object.entries(names).map(([n, weight]) => ({ account: sb.addr(n), weight }));

/** alice 2, bob 1, carol 1; committee tiers (need 2, then 3) and, if asked, a resolution tier. */
function fund(sb: FundsSandbox, withResolution: boolean): void {
  ok(sb, 'property', 'createFund', {
    id: 'maint',
    name: 'Maintenance fund',
    kind: 'community',
    currency: 'CNY',
    custodian: 'bank',
    manager: 'property',
    supervisor: 'bureau',
    members: members(sb, { alice: 2, bob: 1, carol: 1 }),
    tiers: [
      { from: 0, rule: 'committee', weight: 2 },
      { from: 100_000, rule: 'committee', weight: 3 },
      ...(withResolution ? [{ from: 5_000_000, rule: 'resolution', weight: 0 }] : []),
    ],
    completionWeight: 2,
  });
}

/** New rules: dave joins with weight 1, the committee tiers need 2 then 4. */
const newRules = (sb: FundsSandbox, extra: CborMap = {}): CborMap => ({
  members: members(sb, { alice: 2, bob: 1, carol: 1, dave: 1 }),
  tiers: [
    { from: 0, rule: 'committee', weight: 2 },
    { from: 200_000, rule: 'committee', weight: 4 },
  ],
  completionWeight: 2,
  ...extra,
});

const fundOf = (sb: FundsSandbox) => sb.query('fund', { fund: 'maint' }) as FundJson;
const amendmentsOf = (sb: FundsSandbox) =>
  sb.query('amendments', { fund: 'maint' }) as {
    version: number;
    needs: Record<string, unknown>;
    amendments: { n: number; status: string; approvals: { weight: number }[]; motion: string }[];
  };

describe('funds: amending a fund’s rules', () => {
  it('committee-governed: the top tier’s weight, never the proposer’s; applied, logged, versioned; stale and bad ones refused', () => {
    const sb = new FundsSandbox();
    fund(sb, false);
    expect(amendmentsOf(sb).needs).toEqual({ rule: 'committee', weight: 3 });
    const p = ok(sb, 'bob', 'proposeAmendment', {
      fund: 'maint',
      reason: 'dave elected',
      rules: newRules(sb),
    });
    expect(p.events[0]?.data).toMatchObject({ amendment: 1, motion: amendmentMotion('maint', 1) });
    ok(sb, 'carol', 'proposeAmendment', { fund: 'maint', reason: 'rival plan', rules: newRules(sb) });
    refused(sb, 'bob', 'approveAmendment', { fund: 'maint', amendment: 1 }, 'FUNDS_SELF_APPROVAL');
    refused(sb, 'mallory', 'approveAmendment', { fund: 'maint', amendment: 1 }, 'FUNDS_NOT_ROLE');
    refused(sb, 'alice', 'approveAmendment', { fund: 'maint', amendment: 9 }, 'FUNDS_NOT_FOUND');
    ok(sb, 'alice', 'approveAmendment', { fund: 'maint', amendment: 1 });
    expect(fundOf(sb).members).toHaveLength(3); // 2 of 3: not yet
    refused(sb, 'alice', 'approveAmendment', { fund: 'maint', amendment: 1 }, 'FUNDS_ALREADY_APPROVED');
    const applied = ok(sb, 'carol', 'approveAmendment', { fund: 'maint', amendment: 1 });
    expect(applied.events[0]).toMatchObject({ name: 'amendmentApplied', data: { amendment: 1, version: 1 } });
    const f = fundOf(sb);
    expect(f.members.map((m) => m.weight)).toEqual([2, 1, 1, 1]);
    expect(f.tiers.map((t) => [t.from, t.weight])).toEqual([
      [0, 2],
      [200_000, 4],
    ]);
    const list = amendmentsOf(sb);
    expect(list.version).toBe(1);
    expect(list.needs).toEqual({ rule: 'committee', weight: 4 });
    expect(list.amendments.map((a) => [a.n, a.status])).toEqual([
      [1, 'applied'],
      [2, 'proposed'],
    ]);
    const log = sb.query('log', { fund: 'maint' }) as { kind: string; reason: string; amendment?: number }[];
    expect(log).toEqual([
      expect.objectContaining({ kind: 'amendment', reason: 'dave elected', amendment: 1 }),
    ]);
    // Proposed on version 0: stale now. Applied already: a bad state.
    refused(sb, 'alice', 'approveAmendment', { fund: 'maint', amendment: 2 }, 'FUNDS_AMENDMENT_STALE');
    refused(sb, 'dave', 'approveAmendment', { fund: 'maint', amendment: 1 }, 'FUNDS_BAD_STATE');
    // Rules that do not work: a tier out of the members' reach; a fee on a community fund.
    const unreachable = newRules(sb, { tiers: [{ from: 0, rule: 'committee', weight: 9 }] });
    refused(
      sb,
      'bob',
      'proposeAmendment',
      { fund: 'maint', reason: 'x', rules: unreachable },
      'FUNDS_BAD_RULES',
    );
    refused(
      sb,
      'bob',
      'proposeAmendment',
      { fund: 'maint', reason: 'x', rules: newRules(sb, { feeBps: 100 }) },
      'FUNDS_BAD_RULES',
    );
    refused(
      sb,
      'mallory',
      'proposeAmendment',
      { fund: 'maint', reason: 'x', rules: newRules(sb) },
      'FUNDS_NOT_ROLE',
    );
    // Frozen: no amendment proposed or approved.
    ok(sb, 'dave', 'proposeAmendment', { fund: 'maint', reason: 'tidy up', rules: newRules(sb) });
    ok(sb, 'bureau', 'freezeFund', { fund: 'maint', reason: 'audit' });
    refused(sb, 'alice', 'approveAmendment', { fund: 'maint', amendment: 3 }, 'FUNDS_FROZEN');
    refused(
      sb,
      'alice',
      'proposeAmendment',
      { fund: 'maint', reason: 'x', rules: newRules(sb) },
      'FUNDS_FROZEN',
    );
  });

  it('resolution-governed: the committee cannot vote the owners’ tier away; a passed resolution on the amendment’s motion applies it', () => {
    const sb = new FundsSandbox();
    fund(sb, true);
    expect(amendmentsOf(sb).needs).toEqual({ rule: 'resolution', matter: 'ordinary' });
    // Remove the resolution tier: the committee alone may not.
    ok(sb, 'alice', 'proposeAmendment', { fund: 'maint', reason: 'faster works', rules: newRules(sb) });
    refused(sb, 'bob', 'approveAmendment', { fund: 'maint', amendment: 1 }, 'FUNDS_RESOLUTION_REQUIRED');
    refused(sb, 'mallory', 'approveAmendment', { fund: 'maint', amendment: 1 }, 'FUNDS_NOT_ROLE');
    const weights = [100, 100, 100, 100, 100, 100];
    // An expense's resolution is not the amendment's.
    sb.ownersVote({ id: 'exp', title: expenseMotion('maint', 1, 6_000_000), weights, yes: [0, 1, 2, 3, 4] });
    refused(
      sb,
      'bob',
      'approveAmendment',
      { fund: 'maint', amendment: 1, resolution: 'exp' },
      'FUNDS_RESOLUTION_MISMATCH',
    );
    sb.ownersVote({ id: 'no', title: amendmentMotion('maint', 1), weights, yes: [0], no: [1, 2, 3, 4] });
    refused(
      sb,
      'bob',
      'approveAmendment',
      { fund: 'maint', amendment: 1, resolution: 'no' },
      'FUNDS_RESOLUTION_NOT_PASSED',
    );
    // An expense submitted before the amendment keeps the rule it was submitted under.
    ok(sb, 'bank', 'postIncome', { fund: 'maint', amount: 1_000_000, category: 'fees', reference: 'BK-1' });
    const d = ok(sb, 'property', 'draftExpense', {
      fund: 'maint',
      payee: { kind: 'org', id: 'lift-co' },
      amount: 150_000,
      purpose: 'lift door',
      category: 'elevator',
      quotation: sb.digest('q'),
    });
    const id = d.events[0]?.data.id as number;
    ok(sb, 'property', 'submitExpense', { id });
    sb.ownersVote({
      id: 'agm-rules',
      title: `New committee rules ${amendmentMotion('maint', 1)}`,
      weights,
      yes: [0, 1, 2, 3],
      no: [4],
    });
    ok(sb, 'bob', 'approveAmendment', { fund: 'maint', amendment: 1, resolution: 'agm-rules' });
    expect(fundOf(sb).tiers.every((t) => t.rule === 'committee')).toBe(true);
    expect(amendmentsOf(sb).amendments[0]).toMatchObject({ status: 'applied', resolution: 'agm-rules' });
    expect((sb.query('expense', { id: String(id) }) as ExpenseJson).rule).toEqual({
      kind: 'committee',
      weight: 3,
    });
  });
});
