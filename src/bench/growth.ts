import { benchFundsTraceGrowth } from './funds-trace-growth.js';
import { benchTraceGrowth } from './trace-growth.js';

/** The flags that select the growth entries (each runs alone, small by default). */
export const GROWTH_FLAGS = ['--funds-trace-growth', '--trace-growth'] as const;

const sizesArg = (argv: readonly string[], name: string): number[] | undefined => {
  const i = argv.indexOf(name);
  const v = i >= 0 ? argv[i + 1] : undefined;
  return v === undefined ? undefined : v.split(',').map((x) => Number(x.replace(/_/g, '')));
};

/**
 * `npm run bench -- --funds-trace-growth [--donation-sizes 1000,100000,1000000]` and
 * `npm run bench -- --trace-growth [--event-sizes 1000,100000,1000000] [--trace-fill-blocks] [--trace-no-http]`: latency of the public
 * donation trace and of the Digital Link resolver as the ledger grows, one line per size.
 */
export async function runGrowthBenches(
  argv: readonly string[],
  report: (o: Record<string, unknown>, line: string) => void,
  progress: (m: string) => void,
): Promise<void> {
  if (argv.includes('--funds-trace-growth')) {
    const sizes = sizesArg(argv, '--donation-sizes');
    const r = benchFundsTraceGrowth({ ...(sizes === undefined ? {} : { sizes }), log: progress });
    for (const row of r.rows) {
      report(
        { bench: 'funds-trace-growth', ...row, peakRssMb: r.peakRssMb },
        `donation trace (funds.trace in process, the public route's query) with ${row.donations} donations and ` +
          `${row.disbursements} disbursements: p50 ${row.p50} ms, p99 ${row.p99} ms, max ${row.max} ms (n ${row.n})`,
      );
    }
  }
  if (argv.includes('--trace-growth')) {
    const sizes = sizesArg(argv, '--event-sizes');
    const fill = argv.includes('--trace-fill-blocks') ? 'blocks' : 'bulk';
    const http = !argv.includes('--trace-no-http');
    const r = await benchTraceGrowth({
      ...(sizes === undefined ? {} : { sizes }),
      fill,
      http,
      log: progress,
    });
    for (const row of r.rows) {
      report(
        { bench: 'trace-growth', ...row, peakRssMb: r.peakRssMb },
        `Digital Link resolver (in process: ledger trace, registry, the served documents checked against the ledger) with ${row.events} events ` +
          `on the ledger (filled ${fill === 'bulk' ? 'by bulk load' : 'in committed blocks'} at ${row.fillPerSec} events/s): first answers (fresh resolver, ${row.coldMs.n} tins) p50 ${row.coldMs.p50} ms, max ${row.coldMs.max} ms; ` +
          `then JSON p50 ${row.jsonMs.p50} ms, p99 ${row.jsonMs.p99} ms (CPU time p50 ${row.jsonCpuMs.p50} ms, p99 ${row.jsonCpuMs.p99} ms); ` +
          `page p50 ${row.pageMs.p50} ms, p99 ${row.pageMs.p99} ms; fixed work of the answer's size (SHA-256 of ${row.fixedBlocks} × 64 KiB, ` +
          `same run) p50 ${row.fixedMs.p50} ms, p99 ${row.fixedMs.p99} ms; ${row.documents} documents in the node's store` +
          (row.http === undefined
            ? ''
            : `; over HTTP (the real route on a node's API server, keep-alive client, ${row.http.checked} answers equal to the in-process ones, ` +
              `${row.http.connections} connection(s)): JSON p50 ${row.http.jsonMs.p50} ms, p99 ${row.http.jsonMs.p99} ms; ` +
              `page p50 ${row.http.pageMs.p50} ms, p99 ${row.http.pageMs.p99} ms`),
      );
    }
  }
  await Promise.resolve();
}
