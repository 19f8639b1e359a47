import { utf8 } from '../encoding/index.js';
import type { CborMap, Receipt } from '../ledger/index.js';
import { type ExpenseJson, expenseMotion, type FundJson } from '../modules/funds/index.js';
import type { Demo, DemoContext } from './demo.js';
import { compoundOwners, holdOwnersResolution } from './fund-resolution.js';
import { IdentityNet } from './health-pass.js';

/** The first event's `id` (the record a call created). */
export function createdId(r: Receipt): number {
  const id = r.events[0]?.data.id;
  return typeof id === 'number' ? id : -1;
}

/** Money in a log line: minor units as yuan. */
export const cny = (fen: number): string => `¥${(fen / 100).toFixed(2)}`;

/** A fund scenario on its own in-process node: orgs' admins and residents sign their own steps. */
export class FundNet {
  private constructor(
    readonly net: IdentityNet,
    private readonly ctx: DemoContext,
  ) {}

  /** Orgs by id; `roles`: governance roles of an org's admin (e.g. `voting-registrar`). */
  static async start(
    ctx: DemoContext,
    chain: string,
    orgs: readonly string[],
    roles: Readonly<Record<string, readonly string[]>> = {},
  ): Promise<FundNet> {
    return new FundNet(
      await IdentityNet.start(ctx, chain, Object.fromEntries(orgs.map((o) => [o, roles[o] ?? []]))),
      ctx,
    );
  }

  id(who: string): string {
    return this.net.id(who);
  }

  /** A funds call that must succeed. */
  ok(who: string, method: string, args: CborMap): Promise<Receipt> {
    return this.net.ok(who, 'funds', method, args);
  }

  /** A funds call expected to be refused: its code, logged with the reason. */
  async refused(who: string, method: string, args: CborMap, what: string): Promise<string> {
    const r = await this.net.send(who, 'funds', method, args);
    this.ctx.log(`refused (${what}): ${r.status} — ${r.message ?? ''}`);
    return r.status;
  }

  /** Anchor a document's digest through the evidence module (by an organisation); the digest. */
  async anchor(who: string, text: string, type: string): Promise<Uint8Array> {
    const digest = this.net.suite.hash(utf8(text));
    await this.net.ok(who, 'evidence', 'anchor', {
      digest,
      alg: 'sha256',
      meta: { type, capturedBy: who, capturedAt: this.net.now() * 1000, method: 'scan' },
    });
    return digest;
  }

  query<T>(name: string, args: Readonly<Record<string, unknown>>): T {
    return this.net.group.query('funds', name, args) as T;
  }

  /** Timestamp of the latest block: a period that ends after it covers everything so far. */
  get now(): number {
    return this.net.group.latest.header.timestamp;
  }

  stop(): Promise<void> {
    return this.net.stop();
  }
}

/** Ten owners' exclusive floor areas (m²): the weights of the owners' assembly. */
const AREAS_M2 = [89.5, 120.25, 75.0, 143.8, 98.6, 110.0, 65.4, 132.1, 88.0, 101.3];

/**
 * A compound's maintenance fund (维修资金): the bank posts fees and public income; an elevator
 * repair above the resolution threshold is approved by an owners' resolution (voting module,
 * art. 278, organised by the housing bureau), paid by the bank, receipted with anchored invoices
 * and the committee's completion check; a roof job is approved by committee weight but refused
 * for insufficient balance; a self-approval is refused; a facade plan the owners voted down
 * cannot be submitted; the bank's quarterly statement is reconciled (after a wrong one is flagged).
 */
export const communityFundDemo: Demo = {
  name: 'community-fund',
  description:
    'Community fund: fees in, elevator repair approved by owners’ vote, paid, receipted, statement reconciled, refusals',
  async run(ctx) {
    const f = await FundNet.start(ctx, 'compound', ['property', 'bank', 'bureau'], {
      bureau: ['voting-registrar'],
    });
    const owners = compoundOwners(AREAS_M2);
    try {
      const quarterStart = f.now;
      await f.ok('property', 'createFund', {
        id: 'maintenance',
        name: 'Sunny Garden maintenance fund',
        kind: 'community',
        currency: 'CNY',
        custodian: 'bank',
        manager: 'property',
        supervisor: 'bureau',
        // Owners' committee members, weighted (e.g. by the floor area they represent).
        members: [
          { account: f.id('owner-wang'), weight: 2 },
          { account: f.id('owner-li'), weight: 1 },
          { account: f.id('owner-zhao'), weight: 1 },
        ],
        tiers: [
          { from: 0, rule: 'committee', weight: 2 },
          { from: 1_000_000, rule: 'committee', weight: 3 },
          // From ¥80,000: an owners' resolution (art. 278 item 5, using the maintenance fund).
          { from: 8_000_000, rule: 'resolution', weight: 0 },
        ],
        emergencyLimit: 5_000_000,
        completionWeight: 2,
      });
      ctx.log('property company opened the maintenance fund at the bank, supervised by the housing bureau');
      // The bank's own record of what it posted: the statement it will sign.
      const bank = { income: 0, payments: 0 };
      for (const [amount, category, reference] of [
        [12_000_000, 'fees', 'CR-2026-0701'],
        [1_200_000, 'public-income', 'CR-2026-0715'],
      ] as const) {
        await f.ok('bank', 'postIncome', { fund: 'maintenance', amount, category, reference });
        bank.income += amount;
        ctx.log(`bank posted ${category} ${cny(amount)} (ref ${reference})`);
      }

      const quote = f.net.suite.hash(utf8('Lift Co. quotation #88: replace traction machine, unit 3'));
      const lift = createdId(
        await f.ok('property', 'draftExpense', {
          fund: 'maintenance',
          payee: { kind: 'org', id: 'lift-co' },
          amount: 8_600_000,
          purpose: 'Replace the traction machine of the unit 3 elevator',
          category: 'elevator',
          quotation: quote,
          works: true,
        }),
      );
      const resolutionRequired = await f.refused(
        'property',
        'submitExpense',
        { id: lift },
        'above the resolution threshold, no owners’ resolution cited',
      );
      const motion = expenseMotion('maintenance', lift, 8_600_000);
      const liftVote = await holdOwnersResolution(f, {
        id: 'agm-2026-lift',
        title: `Replace the unit 3 elevator traction machine ${motion}`,
        organiser: 'bureau',
        owners,
        votes: ['yes', 'yes', 'no', 'yes', 'abstain', 'yes', 'yes', 'yes', undefined, 'yes'],
      });
      ctx.log(`owners' resolution agm-2026-lift on ${motion}: ${liftVote?.passed ? 'PASSED' : 'NOT PASSED'}`);
      await f.ok('property', 'submitExpense', { id: lift, resolution: 'agm-2026-lift' });
      const approved = f.query<ExpenseJson>('expense', { id: lift });
      ctx.log(
        `elevator repair ${cny(8_600_000)}: ${approved.status} by owners' resolution (tier rule ${JSON.stringify(approved.rule)})`,
      );
      await f.ok('bank', 'payExpense', { id: lift, reference: 'DR-2026-0802' });
      bank.payments += 8_600_000;
      ctx.log('bank paid Lift Co. (ref DR-2026-0802)');
      const invoice = await f.anchor('property', 'Lift Co. VAT invoice 044019', 'invoice');
      const photo = await f.anchor('property', 'photo: new traction machine installed', 'photo');
      await f.ok('property', 'addReceipts', { id: lift, digests: [invoice, photo] });
      await f.ok('owner-zhao', 'confirmCompletion', { id: lift });
      await f.ok('owner-wang', 'confirmCompletion', { id: lift });
      const done = f.query<ExpenseJson>('expense', { id: lift });
      ctx.log(`elevator repair ${done.status}: receipts anchored, completion confirmed by the committee`);

      const garden = createdId(
        await f.ok('owner-wang', 'draftExpense', {
          fund: 'maintenance',
          payee: { kind: 'org', id: 'green-co' },
          amount: 300_000,
          purpose: 'Replant the courtyard',
          category: 'greenery',
          quotation: f.net.suite.hash(utf8('Green Co. quotation 12')),
        }),
      );
      await f.ok('owner-wang', 'submitExpense', { id: garden });
      const selfApproval = await f.refused('owner-wang', 'approveExpense', { id: garden }, 'self-approval');

      const roof = createdId(
        await f.ok('property', 'draftExpense', {
          fund: 'maintenance',
          payee: { kind: 'org', id: 'roof-co' },
          amount: 7_500_000,
          purpose: 'Re-waterproof the roofs of units 1-4',
          category: 'roof',
          quotation: f.net.suite.hash(utf8('Roof Co. quotation 7')),
        }),
      );
      await f.ok('property', 'submitExpense', { id: roof });
      await f.ok('owner-wang', 'approveExpense', { id: roof });
      await f.ok('owner-zhao', 'approveExpense', { id: roof });
      const overspend = await f.refused(
        'bank',
        'payExpense',
        { id: roof, reference: 'DR-2026-0901' },
        'insufficient balance',
      );

      const facade = createdId(
        await f.ok('property', 'draftExpense', {
          fund: 'maintenance',
          payee: { kind: 'org', id: 'build-co' },
          amount: 45_000_000,
          purpose: 'Facade renovation',
          category: 'facade',
          quotation: f.net.suite.hash(utf8('Build Co. quotation 3')),
        }),
      );
      const facadeVote = await holdOwnersResolution(f, {
        id: 'agm-2026-facade',
        title: `Facade renovation ${expenseMotion('maintenance', facade, 45_000_000)}`,
        organiser: 'bureau',
        owners,
        votes: ['no', 'yes', 'no', 'no', 'yes', 'no', 'abstain', 'no', 'yes', 'no'],
      });
      ctx.log(`owners' resolution agm-2026-facade: ${facadeVote?.passed ? 'PASSED' : 'NOT PASSED'}`);
      const resolution = await f.refused(
        'property',
        'submitExpense',
        { id: facade, resolution: 'agm-2026-facade' },
        'the owners voted the facade plan down',
      );

      const to = f.now + 1;
      const opening = 0;
      const closing = opening + bank.income - bank.payments;
      const wrong = await f.refused(
        'bank',
        'postStatement',
        {
          fund: 'maintenance',
          period: '2026-q3',
          from: quarterStart,
          to,
          opening,
          income: bank.income,
          payments: bank.payments - 100,
          closing: closing + 100,
        },
        'statement with a typo',
      );
      await f.ok('bank', 'postStatement', {
        fund: 'maintenance',
        period: '2026-q3',
        from: quarterStart,
        to,
        opening,
        income: bank.income,
        payments: bank.payments,
        closing,
      });
      ctx.log(
        `bank statement 2026-q3 reconciled: opening ${cny(opening)}, income ${cny(bank.income)}, payments ${cny(bank.payments)}, closing ${cny(closing)}`,
      );
      const pub = f.query<Record<string, unknown>>('statement', {
        fund: 'maintenance',
        from: String(quarterStart),
        to: String(to),
      });
      ctx.log(
        `public statement: income ${JSON.stringify(pub.incomeByCategory)}, spending ${JSON.stringify(pub.spendingByCategory)}`,
      );
      const fund = f.query<FundJson>('fund', { fund: 'maintenance' });
      const books = f.query<{ debits: number; credits: number }>('books', { fund: 'maintenance' });
      return {
        liftStatus: done.status,
        liftHistory: done.history.map((h) => h.status),
        liftRule: approved.rule,
        liftVotePassed: liftVote?.passed,
        facadeVotePassed: facadeVote?.passed,
        resolutionRequired,
        selfApproval,
        overspend,
        resolution,
        wrongStatement: wrong,
        reconciled: f.query<unknown[]>('statements', { fund: 'maintenance' }).length,
        balance: fund.balance,
        expectedBalance: closing,
        debits: books.debits,
        credits: books.credits,
        incomeByCategory: pub.incomeByCategory,
        spendingByCategory: pub.spendingByCategory,
      };
    } finally {
      await f.stop();
    }
  },
};
