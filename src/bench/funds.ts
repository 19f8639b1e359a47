import type { CborMap } from '../ledger/index.js';
import { type FundsCall, FundsSandbox } from '../testing/index.js';

export interface BenchFundsOptions {
  /** Expenses taken through their whole life (default 20,000). */
  readonly expenses?: number;
  /** Transactions per block (default 2,000). */
  readonly blockTxs?: number;
  /** Donations in the books before the traces are timed (default 1,000,000). */
  readonly donations?: number;
  /** One disbursement after every `donationsPerDisbursement` donations (default 100). */
  readonly donationsPerDisbursement?: number;
  /** Traces timed (default 2,000). */
  readonly traces?: number;
  readonly log?: (message: string) => void;
}

export interface FundsBenchResult {
  readonly expenses: number;
  /** Expenses per second through draft → submit → approve → pay → receipts (5 transactions each). */
  readonly expenseLivesPerSec: number;
  readonly expenseTxsPerSec: number;
  readonly donations: number;
  readonly disbursements: number;
  readonly donationsPerSec: number;
  /** `funds.trace` on committed state, in process (no HTTP): ms per donation trace. */
  readonly traceMs: { readonly p50: number; readonly p99: number; readonly max: number; readonly n: number };
  readonly peakRssMb: number;
}

export function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * A sandbox for the benchmarks. Keys the workload never reads back (journal lines of the charity
 * fund, custodian references, donor indexes) are not kept, so a million donations fit in memory;
 * traces read none of them.
 */
export function benchSandbox(): FundsSandbox {
  return new FundsSandbox({
    sign: false,
    sink: (key) =>
      key.startsWith('funds/entry/relief/') || key.startsWith('funds/ref/') || key.startsWith('funds/donor/'),
  });
}

/** createFund arguments of a bench fund (committee alice 2 + bob 1; a 3 % fee on charity). */
export function fundArgs(
  sb: FundsSandbox,
  id: string,
  kind: 'community' | 'charity',
  manager: string,
  supervisor: string,
): CborMap {
  return {
    id,
    name: id,
    kind,
    currency: 'CNY',
    custodian: 'bank',
    manager,
    supervisor,
    members: [
      { account: sb.addr('alice'), weight: 2 },
      { account: sb.addr('bob'), weight: 1 },
    ],
    tiers: [{ from: 0, rule: 'committee', weight: 2 }],
    completionWeight: 1,
    ...(kind === 'charity' ? { feeBps: 300 } : {}),
  };
}

function mustOk(sb: FundsSandbox, calls: readonly FundsCall[]): void {
  for (const r of sb.block(calls))
    if (r.status !== 'ok') throw new Error(`bench call refused: ${r.status} ${r.message ?? ''}`);
}

/**
 * A charity fund `relief` with one project whose books grow on demand: donations from the
 * custodian (two donors in three named, 5,000 donors), a disbursement after every `k` donations
 * spending most of what they brought, so traces cross many segments.
 */
export class DonationBook {
  donations = 0;
  disbursements = 0;
  fillMs = 0;
  private readonly beneficiary: Uint8Array;

  constructor(
    private readonly sb: FundsSandbox,
    readonly k: number,
    private readonly blockTxs: number,
    private readonly log: (m: string) => void = () => {},
  ) {
    mustOk(sb, [['charity', 'funds', 'createFund', fundArgs(sb, 'relief', 'charity', 'charity', 'civil')]]);
    mustOk(sb, [['charity', 'funds', 'addProject', { fund: 'relief', id: 'water', name: 'water' }]]);
    this.beneficiary = sb.digest('beneficiary');
  }

  /** Record donations (and their disbursements) until `total` donations are in the books. */
  fillTo(total: number): void {
    const k = this.k;
    while (this.donations < total) {
      const n = Math.min(this.blockTxs, total - this.donations);
      const calls: FundsCall[] = [];
      for (let i = 0; i < n; i++) {
        const d = this.donations + i + 1;
        calls.push([
          'bank',
          'funds',
          'recordDonation',
          {
            fund: 'relief',
            project: 'water',
            amount: 1000 + (d % 9000),
            reference: `D-${d}`,
            ...(d % 3 === 0 ? {} : { donor: `donor-${d % 5000}` }),
          },
        ]);
        if (d % k === 0) {
          calls.push([
            'charity',
            'funds',
            'disburse',
            {
              fund: 'relief',
              project: 'water',
              amount: k * 900,
              purpose: `batch ${d / k}`,
              beneficiary: this.beneficiary,
            },
          ]);
          this.disbursements++;
        }
      }
      const s = performance.now();
      mustOk(this.sb, calls);
      this.fillMs += performance.now() - s;
      this.donations += n;
      if (this.donations % 100_000 === 0) this.log(`funds: ${this.donations} donations`);
    }
  }

  /** Time `traces` public donation traces spread over the whole range; ms, sorted. */
  timeTraces(traces: number): number[] {
    const donations = this.donations;
    const times: number[] = [];
    // A fixed spread of ids (no randomness needed): every part of the range is traced.
    const step = Math.max(1, Math.floor(donations / traces));
    for (let i = 0; i < traces; i++) {
      const id = 1 + ((i * step + (i % 7) * 13) % donations);
      const s = performance.now();
      const tr = this.sb.query('trace', { id: String(id) }) as {
        allocated: number;
        unallocated: number;
        net: number;
      };
      times.push(performance.now() - s);
      if (tr.allocated + tr.unallocated !== tr.net) throw new Error(`trace of ${id} does not add up`);
    }
    return times.sort((a, b) => a - b);
  }
}

/**
 * The funds module's cost on the real block executor in memory (`FundsSandbox`, pre-verified
 * transactions, so signatures and SQLite are not in the figure):
 * 1. expenses through their whole life per second, in blocks of `blockTxs`;
 * 2. `donation trace` latency with `donations` donations in the books (and a disbursement every
 *    `donationsPerDisbursement`), over donations picked across the whole range.
 */
export async function benchFunds(o: BenchFundsOptions = {}): Promise<FundsBenchResult> {
  const log = o.log ?? (() => {});
  const blockTxs = o.blockTxs ?? 2000;
  const sb = benchSandbox();
  const community = (id: string, kind: 'community' | 'charity', manager: string, supervisor: string) =>
    fundArgs(sb, id, kind, manager, supervisor);
  const must = (calls: readonly FundsCall[]) => mustOk(sb, calls);
  must([['property', 'funds', 'createFund', community('maint', 'community', 'property', 'bureau')]]);
  must([
    [
      'bank',
      'funds',
      'postIncome',
      { fund: 'maint', amount: 9_000_000_000_000, category: 'fees', reference: 'CR-0' },
    ],
  ]);
  const receipt = sb.anchor('bench invoice');

  const expenses = o.expenses ?? 20_000;
  log(`funds: ${expenses} expenses through their life, blocks of ${blockTxs}`);
  let nextId = 1;
  let done = 0;
  let t = 0;
  const round5 = (n: number) => {
    const ids = Array.from({ length: n }, (_, i) => nextId + i);
    nextId += n;
    const steps: ((id: number) => FundsCall)[] = [
      () => [
        'property',
        'funds',
        'draftExpense',
        {
          fund: 'maint',
          payee: { kind: 'org', id: 'lift-co' },
          amount: 1000,
          purpose: 'repair',
          category: 'elevator',
          quotation: receipt,
        },
      ],
      (id) => ['property', 'funds', 'submitExpense', { id }],
      (id) => ['alice', 'funds', 'approveExpense', { id }],
      (id) => ['bank', 'funds', 'payExpense', { id, reference: `DR-${id}` }],
      (id) => ['property', 'funds', 'addReceipts', { id, digests: [receipt] }],
    ];
    for (const step of steps) {
      const calls = ids.map(step);
      const s = performance.now();
      must(calls);
      t += performance.now() - s;
    }
  };
  while (done < expenses) {
    const n = Math.min(Math.floor(blockTxs), expenses - done);
    round5(n);
    done += n;
  }
  const expenseLivesPerSec = expenses / (t / 1000);

  // Donations: a charity fund, one project, a disbursement after every k donations.
  const donations = o.donations ?? 1_000_000;
  const book = new DonationBook(sb, o.donationsPerDisbursement ?? 100, blockTxs, log);
  log(`funds: filling ${donations} donations (a disbursement every ${book.k})`);
  book.fillTo(donations);
  const { disbursements, fillMs } = book;
  const times = book.timeTraces(o.traces ?? 2000);
  await Promise.resolve();
  return {
    expenses,
    expenseLivesPerSec: Math.round(expenseLivesPerSec),
    expenseTxsPerSec: Math.round(expenseLivesPerSec * 5),
    donations,
    disbursements,
    donationsPerSec: Math.round((donations + disbursements) / (fillMs / 1000)),
    traceMs: {
      p50: round(pct(times, 50)),
      p99: round(pct(times, 99)),
      max: round(times.at(-1) ?? 0),
      n: times.length,
    },
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
