import { utf8 } from '../encoding/index.js';
import type { DonationTraceJson } from '../modules/funds/index.js';
import { cny, createdId, FundNet } from './community-fund.js';
import type { Demo } from './demo.js';

/** The trace in words, as `gongzhi donation trace` prints it. */
function traceLog(t: DonationTraceJson): string[] {
  return [
    `donation ${t.donation}: ${cny(t.amount)} → fee ${cny(t.fee)} (${t.feeBps / 100}%), to ${t.project} ${cny(t.net)}`,
    ...t.allocations.map(
      (a) => `  ${cny(a.amount)} → disbursement ${a.disbursement} "${a.purpose}" (${a.status})`,
    ),
    `  not yet disbursed: ${cny(t.unallocated)}`,
  ];
}

/**
 * A charity's project funds (公益链): the bank posts donations to two projects (pseudonymous,
 * anonymous, one earmarked), the charity disburses to beneficiaries (digests only), the bank pays,
 * the civil-affairs bureau records the beneficiaries' anchored confirmations, goods are donated
 * and handed out, an over-large disbursement is refused — and a donor traces her ¥100 to the fen.
 */
export const charityDemo: Demo = {
  name: 'charity',
  description:
    'Charity: donations to two projects, disbursements, goods, a donor traces her donation to the fen',
  async run(ctx) {
    const f = await FundNet.start(ctx, 'charity-chain', ['charity', 'bank', 'civil']);
    try {
      await f.ok('charity', 'createFund', {
        id: 'spring-relief',
        name: 'Spring relief fund',
        kind: 'charity',
        currency: 'CNY',
        custodian: 'bank',
        manager: 'charity',
        supervisor: 'civil',
        members: [
          { account: f.id('board-1'), weight: 1 },
          { account: f.id('board-2'), weight: 1 },
        ],
        tiers: [{ from: 0, rule: 'committee', weight: 2 }],
        completionWeight: 1,
        feeBps: 300,
      });
      await f.ok('charity', 'addProject', {
        fund: 'spring-relief',
        id: 'school-books',
        name: 'Books for rural schools',
      });
      await f.ok('charity', 'addProject', {
        fund: 'spring-relief',
        id: 'clean-water',
        name: 'Village water filters',
      });
      ctx.log('charity opened the fund (3% management fee) with projects school-books and clean-water');
      // Mei's pseudonymous donor id: derived from her key, never her name.
      const mei = `donor-${f.id('mei').slice(0, 16)}`;
      const donations: [string, number, Record<string, string>][] = [
        ['school-books', 10_000, { donor: mei }],
        ['school-books', 50_000, {}],
        ['school-books', 200_000, { donor: 'donor-lib-friends', earmark: 'library' }],
        ['clean-water', 300_000, { donor: 'donor-h2o' }],
        ['clean-water', 25_000, {}],
      ];
      const ids: number[] = [];
      for (const [i, [project, amount, extra]] of donations.entries()) {
        const r = await f.ok('bank', 'recordDonation', {
          fund: 'spring-relief',
          project,
          amount,
          reference: `DON-${i + 1}`,
          ...extra,
        });
        ids.push(createdId(r));
        ctx.log(
          `bank posted a donation of ${cny(amount)} to ${project} from ${extra.donor ?? 'an anonymous donor'}${extra.earmark === undefined ? '' : ` earmarked ${extra.earmark}`}`,
        );
      }
      const plan: [string, number, string, string | undefined][] = [
        ['school-books', 210_000, 'Library shelves and books, Hope primary school', 'library'],
        ['school-books', 40_000, 'Textbooks, grade 3, Hope primary school', undefined],
        ['clean-water', 250_000, 'Water filters for 50 households', undefined],
      ];
      const paid: number[] = [];
      for (const [i, [project, amount, purpose, earmark]] of plan.entries()) {
        const beneficiary = f.net.suite.hash(utf8(`beneficiary record ${i} (kept by the charity)`));
        const d = createdId(
          await f.ok('charity', 'disburse', {
            fund: 'spring-relief',
            project,
            amount,
            purpose,
            beneficiary,
            ...(earmark === undefined ? {} : { earmark }),
          }),
        );
        await f.ok('bank', 'payDisbursement', { id: d, reference: `TRF-${i + 1}` });
        const ack = await f.anchor('civil', `signed acknowledgement of disbursement ${d}`, 'acknowledgement');
        await f.ok('civil', 'confirmDisbursement', { id: d, digest: ack });
        paid.push(d);
        ctx.log(
          `disbursed ${cny(amount)} from ${project}: "${purpose}", paid by the bank, confirmed by the beneficiary`,
        );
      }
      const tooLarge = await f.refused(
        'charity',
        'disburse',
        {
          fund: 'spring-relief',
          project: 'clean-water',
          amount: 100_000,
          purpose: 'More filters',
          beneficiary: f.net.suite.hash(utf8('x')),
        },
        'disbursement larger than the project’s funds',
      );
      const goods = createdId(
        await f.ok('charity', 'recordGoods', {
          fund: 'spring-relief',
          project: 'school-books',
          item: 'winter coat',
          unit: 'piece',
          quantity: 200,
          donor: 'donor-textile-co',
        }),
      );
      await f.ok('charity', 'distributeGoods', {
        goods,
        quantity: 120,
        beneficiary: f.net.suite.hash(utf8('Hope primary school pupils')),
      });
      ctx.log('200 winter coats donated, 120 handed out');

      const [meiDonation] = f.query<{ donations: number[] }>('donorDonations', { donor: mei }).donations;
      const trace = f.query<DonationTraceJson>('trace', { id: String(meiDonation) });
      ctx.log(`Mei traces her donation (no account needed):`);
      for (const line of traceLog(trace)) ctx.log(line);
      const traces = ids.map((id) => f.query<DonationTraceJson>('trace', { id: String(id) }));
      const books = f.query<{ debits: number; credits: number }>('books', { fund: 'spring-relief' });
      return {
        meiDonation,
        trace,
        traces,
        paid,
        tooLarge,
        goodsRemaining: f.query<{ remaining: number }>('goods', { id: String(goods) }).remaining,
        debits: books.debits,
        credits: books.credits,
      };
    } finally {
      await f.stop();
    }
  },
};
