import { benchSandbox, DonationBook, pct, round } from './funds.js';

export interface FundsTraceGrowthOptions {
  /** Donation counts at which traces are timed, ascending (default 1,000 / 10,000 / 50,000). */
  readonly sizes?: readonly number[];
  /** One disbursement after every `k` donations (default 100). */
  readonly k?: number;
  /** Traces timed at each size (default 1,000). */
  readonly traces?: number;
  readonly blockTxs?: number;
  readonly log?: (message: string) => void;
}

export interface FundsTraceGrowthRow {
  readonly donations: number;
  readonly disbursements: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly n: number;
}

/**
 * The public "where did my donation go" query (`funds.trace`, what GET
 * /v1/groups/{g}/donations/{id}/trace answers) as the books grow: one charity book filled on the
 * real block executor in memory (pre-verified transactions), traces timed over the whole id range
 * at each size. In process: HTTP and the node's SQLite reads are not in the figure.
 */
export function benchFundsTraceGrowth(o: FundsTraceGrowthOptions = {}): {
  rows: FundsTraceGrowthRow[];
  peakRssMb: number;
} {
  const sizes = [...(o.sizes ?? [1000, 10_000, 50_000])].sort((a, b) => a - b);
  const book = new DonationBook(benchSandbox(), o.k ?? 100, o.blockTxs ?? 2000, o.log);
  const rows: FundsTraceGrowthRow[] = [];
  for (const size of sizes) {
    book.fillTo(size);
    const t = book.timeTraces(o.traces ?? 1000);
    rows.push({
      donations: book.donations,
      disbursements: book.disbursements,
      p50: round(pct(t, 50)),
      p99: round(pct(t, 99)),
      max: round(t.at(-1) ?? 0),
      n: t.length,
    });
    o.log?.(`funds trace growth: ${size} donations, p99 ${rows.at(-1)?.p99} ms`);
  }
  return { rows, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}
