import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getSuite, measureVerifyRate, type SuiteId, sm2VerifyBackend } from '../crypto/index.js';
import { toBase64Url } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { encodeTx, signTx } from '../ledger/index.js';
import { initConsortium } from '../node/consortium.js';
import { SYNC_RUN_TXS } from '../node/peer-sync.js';
import { benchCatchUp } from './catch-up.js';
import { reportCityDay } from './city-day.js';
import { runConsoleBench } from './console.js';
import { benchExecution } from './execution.js';
import { benchFunds } from './funds.js';
import { GOVCHAIN_FULL, govchainReport } from './govchain.js';
import { GROWTH_FLAGS, runGrowthBenches } from './growth.js';
import { benchIdentity } from './identity.js';
import { reportVerifyRoute } from './identity-verify-route.js';
import { benchNetwork } from './network.js';
import { runNetworkSites } from './network-sites.js';
import { benchPoints } from './points.js';
import { reportPointsAwardsCpu } from './points-awards-cpu.js';
import { threadCpu } from './proc-cpu.js';
import { benchTrace } from './trace.js';
import { measurePoolVerifyRate } from './verify-rate.js';
import { reportVoting } from './voting.js';
import { reportVotingAdmit } from './voting-admit.js';
import { reportVotingBelenios } from './voting-belenios.js';
import { reportVotingVerify } from './voting-verify.js';

const json = process.argv.includes('--json');
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};

function report(o: Record<string, unknown>, line: string): void {
  if (json) process.stdout.write(`${JSON.stringify(o)}\n`);
  else process.stdout.write(`${line}\n`);
}

/** On stderr in both modes: with --json, stdout holds only the JSON lines, and an hour-long run still says where it is. */
function progress(m: string): void {
  process.stderr.write(`  … ${m}\n`);
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

function startNode(
  config: string,
  password: string,
  verifyWorkers: number,
): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(
    CLI,
    [
      'start',
      '--config',
      config,
      '--port',
      '0',
      '--log-level',
      'warn',
      '--verify-workers',
      String(verifyWorkers),
    ],
    {
      env: { ...process.env, GONGZHI_PASSWORD: password },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  return new Promise((resolve, reject) => {
    child.on('message', (m: { ready?: boolean; url?: string }) => {
      if (m.ready && m.url) resolve({ child, url: m.url });
    });
    child.on('exit', (code) => reject(new GongzhiError('EXEC_INTERNAL', `bench node exited with ${code}`)));
  });
}

/** End-to-end: pre-signed evidence anchors from `keys` distinct keys, batched over HTTP, until all are committed. */
async function endToEnd(
  suiteId: SuiteId,
  total: number,
  keyCount: number,
  batchSize: number,
  inFlight: number,
) {
  const suite = getSuite(suiteId);
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-'));
  const password = 'bench';
  try {
    const init = await initConsortium({
      dir,
      chain: 'bench',
      suite: suiteId,
      orgs: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }],
      groups: [{ id: 'main' }],
      password,
      timestamp: 1_700_000_000_000,
      scryptN: 1 << 14,
      permissions: { 'evidence.anchor': ['*'] },
    });
    progress(`${suiteId}: pre-signing ${total} transactions from ${keyCount} keys`);
    const keys = Array.from({ length: keyCount }, () => suite.generateKeyPair());
    const txs: string[] = [];
    const single: string[] = [];
    for (let i = 0; i < total + 200; i++) {
      const k = keys[i % keyCount] as (typeof keys)[number];
      const digest = suite.hash(new TextEncoder().encode(`bench-${i}`));
      const tx = signTx(suite, k.secretKey, {
        chain: 'bench',
        group: 'main',
        sender: k.publicKey,
        nonce: `b${i}`,
        validUntil: 900,
        module: 'evidence',
        method: 'anchor',
        args: {
          digest,
          alg: 'sha256',
          meta: { type: 'bench', capturedBy: 'bench', capturedAt: i, method: 'generated' },
        },
      });
      (i < total ? txs : single).push(toBase64Url(encodeTx(tx)));
    }
    // A verifier per core (at most 2): the main thread is not busy all the time, measured ratio 0.24 → 0.36 with 2 on 2 cores.
    const workers = arg('--bench-verify-workers', Math.max(1, Math.min(2, cpus().length)));
    const { child, url } = await startNode(init.nodeConfigs.a as string, password, workers);
    try {
      progress(`${suiteId}: node at ${url}, submitting in batches of ${batchSize}, ${inFlight} in flight`);
      const latencies: number[] = [];
      let committed = 0;
      let failed = 0;
      let next = 0;
      const cpu0 = threadCpu(child.pid);
      const client0 = process.cpuUsage();
      const t0 = performance.now();
      const worker = async () => {
        while (next < txs.length) {
          const batch = txs.slice(next, next + batchSize);
          next += batchSize;
          const s = performance.now();
          const res = await fetch(`${url}/v1/groups/main/txs/batch?wait=commit&timeoutMs=60000`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ txs: batch }),
          });
          const body = (await res.json()) as {
            results?: { status?: string; receipt?: { status: string } }[];
          };
          const ms = performance.now() - s;
          for (const r of body.results ?? []) {
            if (r.status === 'committed') {
              committed++;
              latencies.push(ms);
            } else failed++;
          }
        }
      };
      await Promise.all(Array.from({ length: inFlight }, worker));
      const seconds = (performance.now() - t0) / 1000;
      const cpu1 = threadCpu(child.pid);
      const client = process.cpuUsage(client0);
      // Node CPU per committed transaction: main thread, and all threads (verify workers included).
      const nodeCpuUsPerTx =
        cpu0 && cpu1 && committed > 0
          ? {
              main: Math.round(((cpu1.mainMs - cpu0.mainMs) * 1000) / committed),
              all: Math.round(((cpu1.totalMs - cpu0.totalMs) * 1000) / committed),
              // The load generator (this process: HTTP client, JSON) shares the same two cores.
              client: Math.round((client.user + client.system) / Math.max(1, committed)),
            }
          : undefined;
      latencies.sort((a, b) => a - b);
      // Low load: one transaction at a time, submit → committed receipt.
      progress(`${suiteId}: ${single.length} single transactions, one at a time`);
      const singles: number[] = [];
      for (const one of single) {
        const s = performance.now();
        const res = await fetch(`${url}/v1/groups/main/txs?wait=commit`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ tx: one }),
        });
        if (res.status === 200) singles.push(performance.now() - s);
        await res.arrayBuffer();
      }
      singles.sort((a, b) => a - b);
      return {
        committed,
        failed,
        seconds,
        txPerSec: committed / seconds,
        p50: pct(latencies, 50),
        p99: pct(latencies, 99),
        singleP50: pct(singles, 50),
        singleP99: pct(singles, 99),
        singles: singles.length,
        workers,
        nodeCpuUsPerTx,
      };
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type EndToEnd = Awaited<ReturnType<typeof endToEnd>>;

/** One report line for an end-to-end run. */
function reportEndToEnd(
  suite: SuiteId,
  r: EndToEnd,
  verifyRate: number,
  batch: number,
  twoCoreVerify?: number,
): void {
  const ms = Math.round;
  const twoCore =
    twoCoreVerify === undefined
      ? {}
      : { ratioToTwoCoreVerify: Number((r.txPerSec / twoCoreVerify).toFixed(3)) };
  report(
    {
      bench: 'anchor-e2e',
      suite,
      txs: r.committed,
      failed: r.failed,
      seconds: Number(r.seconds.toFixed(2)),
      txPerSec: ms(r.txPerSec),
      batchCommitLatencyMs: { p50: ms(r.p50), p99: ms(r.p99) },
      singleTxCommitLatencyMs: { p50: ms(r.singleP50), p99: ms(r.singleP99), n: r.singles },
      ratioToOneCoreVerify: Number((r.txPerSec / verifyRate).toFixed(2)),
      ...twoCore,
      ...(r.nodeCpuUsPerTx ? { nodeCpuUsPerTx: r.nodeCpuUsPerTx } : {}),
      verifyWorkers: r.workers,
    },
    `evidence anchors end to end (${suite}, HTTP batches of ${batch}, 1000 keys): ${ms(r.txPerSec)} tx/s committed ` +
      `(${r.committed} in ${r.seconds.toFixed(2)} s, ${r.failed} failed); batch submit→commit p50 ${ms(r.p50)} ms, ` +
      `p99 ${ms(r.p99)} ms; ${(r.txPerSec / verifyRate).toFixed(2)}× one core's verify rate; ` +
      `one tx at a time: submit→commit p50 ${ms(r.singleP50)} ms, p99 ${ms(r.singleP99)} ms` +
      (twoCoreVerify === undefined
        ? ''
        : `; ${(r.txPerSec / twoCoreVerify).toFixed(3)}× two cores' verify rate`),
  );
}

/**
 * The issue's ratio: Ed25519 verifications/s on two worker threads (the machine's two cores), taken
 * just before and just after the run it divides, and their mean used.
 */
async function twoCoreVerifyAround<T>(run: () => Promise<T>): Promise<{ result: T; rate: number }> {
  const before = await measurePoolVerifyRate('ed25519', 2, arg('--verify-ms', 3000));
  const result = await run();
  const after = await measurePoolVerifyRate('ed25519', 2, arg('--verify-ms', 3000));
  const rate = (before + after) / 2;
  report(
    {
      bench: 'verify',
      suite: 'ed25519',
      perSecond: Math.round(rate),
      threads: 2,
      before: Math.round(before),
      after: Math.round(after),
    },
    `Ed25519 verify on 2 worker threads: ${Math.round(rate)}/s (before the run ${Math.round(before)}, after ${Math.round(after)})`,
  );
  return { result, rate };
}

async function mainNetwork(): Promise<void> {
  if (process.argv.includes('--network-sites')) return runNetworkSites(report, arg, progress);
  const embedded = await endToEnd('ed25519', arg('--txs', 20_000), 1000, 1000, 4);
  const verifyEd = measureVerifyRate('ed25519', 1000);
  reportEndToEnd('ed25519', embedded, verifyEd, 1000);
  const net = await benchNetwork({
    txs: arg('--txs', 20_000),
    progress,
    cutTimer: process.argv.includes('--cut-timer'),
  });
  const r = (x: number) => Math.round(x);
  report(
    {
      bench: 'network-e2e',
      suite: 'ed25519',
      cutWhenIdle: !process.argv.includes('--cut-timer'),
      nodes: net.nodes,
      natsServers: net.natsServers,
      txs: net.committed,
      committedPerSec: r(net.committedPerSec),
      finalPerSec: r(net.finalPerSec),
      submitToFinalMs: {
        p50: r(net.submitToFinalMs.p50),
        p99: r(net.submitToFinalMs.p99),
        n: net.submitToFinalMs.n,
      },
      cpuCoresPerNode: net.cpuPerNode,
      embeddedTxPerSec: r(embedded.txPerSec),
      ratioToEmbedded: Number((net.finalPerSec / embedded.txPerSec).toFixed(2)),
    },
    `network (4 nodes, 3 NATS servers, all on this machine): ${r(net.committedPerSec)} tx/s committed, ` +
      `${r(net.finalPerSec)} tx/s final (${net.committed} txs, final after ${net.secondsToFinal.toFixed(2)} s); ` +
      `one at a time submit→final p50 ${r(net.submitToFinalMs.p50)} ms, p99 ${r(net.submitToFinalMs.p99)} ms; ` +
      `CPU cores per node ${JSON.stringify(net.cpuPerNode)}; embedded single node in the same run ${r(embedded.txPerSec)} tx/s ` +
      `(network/embedded = ${(net.finalPerSec / embedded.txPerSec).toFixed(2)})`,
  );
}

async function main(): Promise<void> {
  const verifyEd = measureVerifyRate('ed25519', 1000);
  report(
    { bench: 'verify', suite: 'ed25519', perSecond: Math.round(verifyEd), threads: 1 },
    `node:crypto Ed25519 verify, one core: ${Math.round(verifyEd)}/s`,
  );
  const verifySm2 = measureVerifyRate('sm2', 1000);
  report(
    {
      bench: 'verify',
      suite: 'sm2',
      perSecond: Math.round(verifySm2),
      threads: 1,
      backend: sm2VerifyBackend(),
    },
    `SM2 verify, one core (${sm2VerifyBackend()} arithmetic): ${Math.round(verifySm2)}/s`,
  );
  if (!process.argv.includes('--no-exec')) {
    const x = benchExecution({ txs: arg('--exec-txs', 20_000) });
    report(
      { bench: 'execution', module: 'evidence.anchor', ...x },
      `block execution only (evidence anchors, ${x.blockTxs} per block, signatures pre-verified): ` +
        `median ${x.medianCpuUsPerTx} µs CPU per transaction over ${x.rounds} rounds of ${x.txs} ` +
        `(${x.cpuUsPerTx.join(', ')})`,
    );
  }
  const ed = await twoCoreVerifyAround(() => endToEnd('ed25519', arg('--txs', 40_000), 1000, 1000, 4));
  reportEndToEnd('ed25519', ed.result, verifyEd, 1000, ed.rate);
  reportEndToEnd('sm2', await endToEnd('sm2', arg('--sm2-txs', 6000), 1000, 500, 4), verifySm2, 500);
  if (!process.argv.includes('--no-points')) {
    const p = await benchPoints({ log: progress });
    report(
      { bench: 'points', ...p },
      `points: ${Object.entries(p)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  }
  if (process.argv.includes('--voting')) await reportVoting(report, arg, progress);
  if (process.argv.includes('--voting-belenios')) await reportVotingBelenios(report, arg, progress);
  if (process.argv.includes('--identity-route')) await reportVerifyRoute(report, arg, progress);
  if (process.argv.includes('--city-day')) await reportCityDay(report, arg, progress);
  if (!process.argv.includes('--no-identity')) {
    const id = await benchIdentity({
      verifications: arg('--identity-verifications', 2000),
      resolutions: arg('--identity-resolutions', 5000),
      log: progress,
    });
    report(
      { bench: 'identity', ...id },
      `identity over HTTP (SD-JWT VC presentations, ${id.lookupsPerVerification} ledger lookups each via the node API): ` +
        `first verification ${id.coldVerifyMs} ms; one at a time p50 ${id.verifyMs.p50} ms, p99 ${id.verifyMs.p99} ms; ` +
        `${id.verificationsPerSec} verifications/s and ${id.resolutionsPerSec} DID resolutions/s ` +
        `(${id.concurrency} in flight); presentation ${id.presentationBytes} bytes`,
    );
  }
  if (!process.argv.includes('--no-trace')) await reportTrace();
  if (process.argv.includes('--console')) await runConsoleBench(arg, report, progress);
  if (!process.argv.includes('--no-govchain')) await reportGovchain();
  if (!process.argv.includes('--no-funds')) {
    const f = await benchFunds({
      expenses: arg('--fund-expenses', 20_000),
      donations: arg('--donations', 1_000_000),
      log: progress,
    });
    report(
      { bench: 'funds', ...f },
      `funds (in memory, pre-verified txs): ${f.expenseLivesPerSec} expenses/s through draft→submit→approve→pay→receipts ` +
        `(${f.expenseTxsPerSec} tx/s); donation trace with ${f.donations} donations and ${f.disbursements} disbursements ` +
        `in the books: p50 ${f.traceMs.p50} ms, p99 ${f.traceMs.p99} ms (n ${f.traceMs.n}); peak RSS ${f.peakRssMb} MB`,
    );
  }
}

/** Government chain (issue 11); `--govchain-full` runs the issue's sizes (100 MB, 1,000,000 records). */
async function reportGovchain(): Promise<void> {
  const full = process.argv.includes('--govchain-full');
  report(
    ...(await govchainReport({
      megabytes: arg('--govchain-mb', full ? GOVCHAIN_FULL.megabytes : 20),
      records: arg('--govchain-records', full ? GOVCHAIN_FULL.records : 100_000),
    })),
  );
}

/** Catch-up (issue 15, item 5): `--catch-up [--catch-up-txs N]`, a fresh node replaying another's blocks. */
async function reportCatchUp(): Promise<void> {
  const c = await benchCatchUp({
    txs: arg('--catch-up-txs', 20_000),
    verifyWorkers: arg('--catch-up-verify-workers', 2),
    runTxs: arg('--catch-up-run-txs', SYNC_RUN_TXS),
    log: progress,
  });
  report(
    { bench: 'catch-up', suite: 'ed25519', ...c },
    `catch-up (in process, ${c.txs} evidence anchors in ${c.blocks} blocks, ${c.verifyWorkers} verify workers, runs of ${c.runTxs} txs): replay ${c.replayTxPerSec} tx/s ` +
      `(${c.replayCpuUsPerTx} µs CPU per tx, all threads, ${c.replaySeconds} s; certificate check, re-execution with every ` +
      `signature verified, commit); the source node built it at ${c.sourceTxPerSec} tx/s`,
  );
}

/** Traceability: events recorded per second including schema validation and hashing; resolver latency. */
async function reportTrace(): Promise<void> {
  const t = await benchTrace({ events: arg('--trace-events', 2000), log: progress });
  report(
    { bench: 'trace', ...t },
    `trace (EPCIS 2.0 events: schema validation + CBV 2.0 hash + summary): client ${t.preparedPerSec} events/s; ` +
      `recording node (the same, ledger rules, commit, document store) ${t.recordedPerSec} events/s ` +
      `(${t.events} events, ${t.perDocument} per document); resolver with ${t.ledgerEvents} events on the ledger: ` +
      `JSON p50 ${t.resolveJsonMs.p50} ms, p99 ${t.resolveJsonMs.p99} ms; page p50 ${t.resolvePageMs.p50} ms, p99 ${t.resolvePageMs.p99} ms`,
  );
}

await (process.argv.includes('--network')
  ? mainNetwork()
  : GROWTH_FLAGS.some((f) => process.argv.includes(f))
    ? runGrowthBenches(process.argv, report, progress)
    : process.argv.includes('--only-trace')
      ? reportTrace()
      : process.argv.includes('--only-govchain')
        ? reportGovchain()
        : process.argv.includes('--only-city-day')
          ? reportCityDay(report, arg, progress)
          : process.argv.includes('--only-voting-verify')
            ? reportVotingVerify(report, arg)
            : process.argv.includes('--only-voting-admit')
              ? reportVotingAdmit(report, arg)
              : process.argv.includes('--only-points-awards')
                ? reportPointsAwardsCpu(report, arg)
                : process.argv.includes('--only-identity-route')
                  ? reportVerifyRoute(report, arg, progress)
                  : process.argv.includes('--catch-up')
                    ? reportCatchUp()
                    : process.argv.includes('--only-voting')
                      ? reportVoting(report, arg, progress)
                      : main());
