import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSuite } from '../crypto/index.js';
import { toBase64Url } from '../encoding/index.js';
import { encodeTx, signTx } from '../ledger/index.js';
import { initNetwork, networkDown, networkUp } from '../network/index.js';
import { startSites } from '../testing/network-sites.js';

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // fields[11] = utime, fields[12] = stime (after the state field), in clock ticks (100/s on Linux)
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function pct(sorted: number[], p: number): number {
  return sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
}

interface Health {
  groups: { id: string; height: number; finalHeight: number }[];
}

async function health(url: string): Promise<Health> {
  try {
    return (await (await fetch(`${url}/health`)).json()) as Health;
  } catch {
    // A pooled keep-alive socket the node closed meanwhile ("other side closed"): once more, fresh.
    return (await (await fetch(`${url}/health`, { headers: { connection: 'close' } })).json()) as Health;
  }
}

/**
 * Four organisations' nodes and three NATS servers, all processes on this machine: committed and
 * final transactions per second (batches submitted round-robin to the four nodes), submit → final
 * latency one transaction at a time, and CPU per node.
 */
export async function benchNetwork(o: {
  txs: number;
  progress: (m: string) => void;
  /** Nodes always wait blockIntervalMs before cutting (cutWhenIdle false), for the before/after figure. */
  cutTimer?: boolean;
  /**
   * Run each organisation in its own network namespace, a+b and c+d in two sites this many ms
   * apart one way (src/testing/network-sites.ts; root and `ip netns` needed).
   */
  siteLatencyMs?: number;
}) {
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-net-'));
  const password = 'bench';
  const suite = getSuite('ed25519');
  try {
    const init = await initNetwork({
      dir,
      chain: 'bench-net',
      suite: 'ed25519',
      orgs: ['a', 'b', 'c', 'd'],
      groups: [{ id: 'main' }],
      password,
      nats: 3,
      basePort: 27_700,
      natsBasePort: 24_222,
      scryptN: 1 << 14,
      timestamp: 1_700_000_000_000,
      permissions: { 'evidence.anchor': ['*'] },
    });
    // The quiet cut is opt-in for network nodes for now: the bench turns it on unless --cut-timer.
    for (const n of init.network.nodes) {
      const path = join(dir, n.config);
      writeFileSync(
        path,
        JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), cutWhenIdle: o.cutTimer !== true }),
      );
    }
    o.progress(`network in ${dir}: starting 3 NATS servers and 4 nodes`);
    const sites =
      o.siteLatencyMs === undefined
        ? undefined
        : await startSites({
            dir,
            sites: [
              ['a', 'b'],
              ['c', 'd'],
            ],
            latencyMs: o.siteLatencyMs,
            up: { password, logLevel: 'warn', onProgress: o.progress },
          });
    const stop = () => (sites === undefined ? networkDown(dir) : sites.close());
    // A bench ended with ^C or an error must not leave namespaces behind.
    const onExit = () => sites?.cleanupSync();
    process.once('exit', onExit);
    const up = sites?.up ?? (await networkUp(dir, { password, logLevel: 'warn' }));
    const urls = up.nodes.map((n) => n.url);
    try {
      o.progress(`pre-signing ${o.txs + 100} transactions from 1000 keys`);
      const keys = Array.from({ length: 1000 }, () => suite.generateKeyPair());
      const all: string[] = [];
      for (let i = 0; i < o.txs + 100; i++) {
        const k = keys[i % keys.length] as (typeof keys)[number];
        const tx = signTx(suite, k.secretKey, {
          chain: 'bench-net',
          group: 'main',
          sender: k.publicKey,
          nonce: `n${i}`,
          validUntil: 900,
          module: 'evidence',
          method: 'anchor',
          args: {
            digest: suite.hash(new TextEncoder().encode(`net-${i}`)),
            alg: 'sha256',
            meta: { type: 'bench', capturedBy: 'bench', capturedAt: i, method: 'generated' },
          },
        });
        all.push(toBase64Url(encodeTx(tx)));
      }
      const txs = all.slice(0, o.txs);
      const singles = all.slice(o.txs);
      const cpu0 = up.nodes.map((n) => cpuSeconds(n.pid));
      const h0 = Math.max(...(await Promise.all(urls.map(health))).map((h) => h.groups[0]?.height ?? 0));
      o.progress(`submitting ${txs.length} in batches of 500 round-robin to 4 nodes, 4 in flight`);
      const t0 = performance.now();
      let next = 0;
      let committed = 0;
      let maxHeight = h0;
      const worker = async (w: number) => {
        while (next < txs.length) {
          const batch = txs.slice(next, next + 500);
          const url = urls[(next / 500 + w) % urls.length] as string;
          next += 500;
          const res = await fetch(`${url}/v1/groups/main/txs/batch?wait=commit&timeoutMs=120000`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ txs: batch }),
          });
          const body = (await res.json()) as { results?: { status?: string; height?: number }[] };
          for (const r of body.results ?? []) {
            if (r.status === 'committed') {
              committed++;
              maxHeight = Math.max(maxHeight, r.height ?? 0);
            }
          }
        }
      };
      await Promise.all([0, 1, 2, 3].map(worker));
      const tCommit = (performance.now() - t0) / 1000;
      // final everywhere: every node's finalHeight reaches the last height a transaction landed in
      for (;;) {
        const hs = await Promise.all(urls.map(health));
        if (hs.every((h) => (h.groups[0]?.finalHeight ?? 0) >= maxHeight)) break;
        if ((performance.now() - t0) / 1000 > 300) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const tFinal = (performance.now() - t0) / 1000;
      const cpu = up.nodes.map((n, i) => (cpuSeconds(n.pid) - (cpu0[i] as number)) / tFinal);
      o.progress('one transaction at a time: submit → final');
      const lat: number[] = [];
      for (let i = 0; i < singles.length; i++) {
        const url = urls[i % urls.length] as string;
        const s = performance.now();
        const res = await fetch(`${url}/v1/groups/main/txs?wait=commit&timeoutMs=30000`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ tx: singles[i] }),
        });
        const body = (await res.json()) as { height?: number };
        if (res.status !== 200 || body.height === undefined) continue;
        for (;;) {
          const b = (await (await fetch(`${url}/v1/groups/main/blocks/${body.height}`)).json()) as {
            final?: boolean;
          };
          if (b.final) break;
          await new Promise((r) => setTimeout(r, 2));
        }
        lat.push(performance.now() - s);
      }
      lat.sort((a, b) => a - b);
      return {
        txs: txs.length,
        committed,
        committedPerSec: committed / tCommit,
        finalPerSec: committed / tFinal,
        secondsToCommit: tCommit,
        secondsToFinal: tFinal,
        submitToFinalMs: { p50: pct(lat, 50), p99: pct(lat, 99), n: lat.length },
        cpuPerNode: Object.fromEntries(
          up.nodes.map((n, i) => [n.org, Number((cpu[i] as number).toFixed(2))]),
        ),
        nodes: init.network.nodes.length,
        natsServers: init.network.servers.length,
      };
    } finally {
      await stop();
      process.off('exit', onExit);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
