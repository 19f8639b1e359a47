import { createdId, FundNet } from '../../src/demos/community-fund.js';
import { utf8 } from '../../src/encoding/index.js';

/**
 * A node with a community fund (one paid and receipted expense) and a charity fund (two donations,
 * one disbursement), for the API and CLI tests. All on a real node with SQLite.
 */
export async function fundsScenario(dataDir: string) {
  const f = await FundNet.start({ dataDir, log: () => {} }, 'funds-api', [
    'property',
    'bank',
    'bureau',
    'charity',
    'civil',
  ]);
  await f.ok('property', 'createFund', {
    id: 'maint',
    name: 'Maintenance',
    kind: 'community',
    currency: 'CNY',
    custodian: 'bank',
    manager: 'property',
    supervisor: 'bureau',
    members: [
      { account: f.id('a'), weight: 1 },
      { account: f.id('b'), weight: 1 },
    ],
    tiers: [{ from: 0, rule: 'committee', weight: 1 }],
    completionWeight: 1,
  });
  await f.ok('bank', 'postIncome', { fund: 'maint', amount: 500_000, category: 'fees', reference: 'CR-1' });
  const expense = createdId(
    await f.ok('property', 'draftExpense', {
      fund: 'maint',
      payee: { kind: 'org', id: 'clean-co' },
      amount: 120_000,
      purpose: 'Stairwell cleaning, March',
      category: 'cleaning',
      quotation: f.net.suite.hash(utf8('quote')),
    }),
  );
  await f.ok('property', 'submitExpense', { id: expense });
  await f.ok('a', 'approveExpense', { id: expense });
  await f.ok('bank', 'payExpense', { id: expense, reference: 'DR-1' });
  await f.ok('property', 'addReceipts', {
    id: expense,
    digests: [await f.anchor('property', 'invoice', 'invoice')],
  });
  await f.ok('charity', 'createFund', {
    id: 'relief',
    name: 'Relief',
    kind: 'charity',
    currency: 'CNY',
    custodian: 'bank',
    manager: 'charity',
    supervisor: 'civil',
    members: [{ account: f.id('c'), weight: 1 }],
    tiers: [{ from: 0, rule: 'committee', weight: 1 }],
    completionWeight: 1,
    feeBps: 200,
  });
  await f.ok('charity', 'addProject', { fund: 'relief', id: 'water', name: 'Water' });
  const donation = createdId(
    await f.ok('bank', 'recordDonation', {
      fund: 'relief',
      project: 'water',
      amount: 10_000,
      reference: 'D-1',
      donor: 'donor-abc',
    }),
  );
  await f.ok('bank', 'recordDonation', { fund: 'relief', project: 'water', amount: 5_000, reference: 'D-2' });
  const disbursement = createdId(
    await f.ok('charity', 'disburse', {
      fund: 'relief',
      project: 'water',
      amount: 12_000,
      purpose: 'Filters',
      beneficiary: f.net.suite.hash(utf8('village 7')),
    }),
  );
  await f.ok('bank', 'payDisbursement', { id: disbursement, reference: 'T-1' });
  return { f, expense, donation, disbursement };
}
