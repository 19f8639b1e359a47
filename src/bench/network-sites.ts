import { netnsUnavailable } from '../testing/network-sites.js';
import { benchNetwork } from './network.js';

/**
 * `npm run bench -- --network --network-sites [--site-latency-ms 30] [--txs 1000]`: the network benchmark
 * with each organisation in its own network namespace and two sites (a+b with NATS n1, n2; c+d
 * with n3) joined through the tests' delaying relay — once with no delay between the sites and
 * once with `--site-latency-ms` one way, in the same run, so the ratio isolates the latency from
 * the relays' own cost. Needs root (`ip netns`); prints why and reports nothing otherwise.
 */
export async function runNetworkSites(
  report: (o: Record<string, unknown>, line: string) => void,
  arg: (name: string, dflt: number) => number,
  progress: (m: string) => void,
): Promise<void> {
  const why = netnsUnavailable();
  if (why !== undefined) {
    progress(`network-sites skipped: ${why}`);
    return;
  }
  const latency = arg('--site-latency-ms', 30);
  const txs = arg('--txs', 1000);
  const runs: { latencyMs: number; r: Awaited<ReturnType<typeof benchNetwork>> }[] = [];
  for (const latencyMs of [0, latency]) {
    progress(`two sites, ${latencyMs} ms one way between them`);
    runs.push({ latencyMs, r: await benchNetwork({ txs, progress, siteLatencyMs: latencyMs }) });
  }
  const round = (x: number) => Math.round(x);
  const [near, far] = runs as [(typeof runs)[number], (typeof runs)[number]];
  for (const { latencyMs, r } of runs) {
    report(
      {
        bench: 'network-sites',
        siteLatencyMs: latencyMs,
        nodes: r.nodes,
        natsServers: r.natsServers,
        txs: r.committed,
        committedPerSec: round(r.committedPerSec),
        finalPerSec: round(r.finalPerSec),
        submitToFinalMs: {
          p50: round(r.submitToFinalMs.p50),
          p99: round(r.submitToFinalMs.p99),
          n: r.submitToFinalMs.n,
        },
        cpuCoresPerNode: r.cpuPerNode,
      },
      `network across 4 namespaces, two sites ${latencyMs} ms apart (one way): ${round(r.committedPerSec)} tx/s committed, ` +
        `${round(r.finalPerSec)} tx/s final (${r.committed} txs); one at a time submit→final ` +
        `p50 ${round(r.submitToFinalMs.p50)} ms, p99 ${round(r.submitToFinalMs.p99)} ms`,
    );
  }
  report(
    {
      bench: 'network-sites-ratio',
      siteLatencyMs: far.latencyMs,
      finalPerSecRatio: Number((far.r.finalPerSec / near.r.finalPerSec).toFixed(2)),
      submitToFinalP50AddedMs: round(far.r.submitToFinalMs.p50 - near.r.submitToFinalMs.p50),
    },
    `${far.latencyMs} ms between the sites: final throughput ×${(far.r.finalPerSec / near.r.finalPerSec).toFixed(2)}, ` +
      `submit→final p50 +${round(far.r.submitToFinalMs.p50 - near.r.submitToFinalMs.p50)} ms against 0 ms in the same run`,
  );
}
