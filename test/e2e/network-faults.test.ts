/**
 * Issue 18, item 5: faults on a real `network init`/`up` consortium (4 organisations, 3 NATS
 * servers) under steady `?wait=commit` load — SIGKILL of the ordering stream's leader (named by
 * JetStream's own metadata, which /health reports), SIGSTOP of one node and of two nodes, and a
 * NATS majority loss of 10 s and of 45 s (nothing sent after the servers return). After each: every acknowledged transaction on every node at the same
 * height in the same block, no (sender, nonce) executed twice, `chain verify` passing on every
 * node, and the final height reaching the head with every node healthy again.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptKeystore, getSuite, type KeyPair, readKeystoreFile } from '../../src/crypto/index.js';
import { toBase64Url, toHex, utf8 } from '../../src/encoding/index.js';
import { decodeHeader, decodeTx } from '../../src/ledger/index.js';
import {
  isAlive,
  LAYOUT,
  type NetworkFile,
  networkDown,
  opensslAvailable,
  portFree,
  readPids,
} from '../../src/network/index.js';
import { makeTx, tempDir } from '../helpers/fixtures.js';
import { natsServerAvailable } from '../helpers/nats-cluster.js';
import { isAliveSafe, killOnExit, killPid, release, settle } from '../helpers/processes.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const built = existsSync(CLI);
const run = promisify(execFile);
const PASSWORD = 'network-faults-test';
const ORGS = ['a', 'b', 'c', 'd'] as const;

async function freeBase(offsets: readonly number[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 11_500);
    const free = await Promise.all(offsets.map((d) => portFree('127.0.0.1', base + d)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port range');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

interface HealthGroup {
  id: string;
  height: number;
  finalHeight: number;
  mempool: number;
  ordering?: { reachable: boolean; leader?: string };
  degraded?: string[];
}
interface Health {
  status: string;
  groups: HealthGroup[];
}

describe.skipIf(!built || !natsServerAvailable() || !opensslAvailable())(
  'network under faults (CLI network)',
  () => {
    const tmp = tempDir('gongzhi-faults-');
    const dir = join(tmp.dir, 'net');
    const env = { ...process.env, GONGZHI_PASSWORD: PASSWORD };
    const suite = getSuite('ed25519');
    let net: NetworkFile;
    const admins = new Map<string, KeyPair>();
    const url = (org: string) => net.nodes.find((n) => n.org === org)?.apiUrl as string;

    const cli = async (...args: string[]) => {
      try {
        return (await run(process.execPath, [CLI, ...args], { env, cwd: tmp.dir })).stdout;
      } catch (e) {
        const err = e as Error & { stderr?: string };
        throw new Error(`gongzhi ${args.slice(0, 2).join(' ')} failed: ${err.stderr ?? err.message}`);
      }
    };
    const getJson = async <T>(u: string): Promise<T> => {
      const r = await fetch(u, { signal: AbortSignal.timeout(3000) });
      return (await r.json()) as T;
    };
    const health = (org: string) => getJson<Health>(`${url(org)}/health`);
    const main = (h: Health) => h.groups.find((g) => g.id === 'main') as HealthGroup;

    /** Steady `wait=commit` load from the given organisations' admins, one request at a time each. */
    const load = (orgs: readonly string[]) => {
      const acked: string[] = [];
      /** Every transaction a node took: its hash → the answer (`committed`, or the 504/202 code). */
      const admitted = new Map<string, { org: string; answer: string }>();
      const commitTimes: number[] = [];
      /** When a submission was sent and when its commit answer came, per acknowledged transaction. */
      const spans: { sent: number; done: number }[] = [];
      let stop = false;
      let k = 0;
      const worker = async (org: string) => {
        const height = main(await health(org)).height;
        while (!stop) {
          const t = makeTx(
            suite,
            admins.get(org) as KeyPair,
            { chain: 'faults', group: 'main' },
            'evidence',
            'anchor',
            {
              digest: suite.hash(utf8(`fault-${org}-${k++}-${Math.random()}`)),
              alg: 'sha256',
              meta: { type: 'doc', capturedBy: org, capturedAt: k, method: 'test' },
            },
            { validUntil: height + 900 },
          );
          const sent = Date.now();
          try {
            const r = await fetch(`${url(org)}/v1/groups/main/txs?wait=commit&timeoutMs=15000`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ tx: toBase64Url(t.bytes) }),
              signal: AbortSignal.timeout(20_000),
            });
            if (r.status === 200) {
              acked.push(t.hash);
              admitted.set(t.hash, { org, answer: 'committed' });
              commitTimes.push(Date.now());
              spans.push({ sent, done: Date.now() });
            } else if (r.status === 202 || r.status === 504) {
              const b = (await r.json().catch(() => ({}))) as { error?: { code?: string } };
              admitted.set(t.hash, { org, answer: b.error?.code ?? String(r.status) });
            }
          } catch {
            // no answer (frozen node, reset connection): not acknowledged
          }
          await sleep(50);
        }
      };
      const done = Promise.all(orgs.map((o) => worker(o)));
      return {
        acked,
        admitted,
        commitsAfter: (t: number) => commitTimes.filter((x) => x >= t).length,
        firstCommitAfter: (t: number) => commitTimes.find((x) => x >= t) ?? Number.NaN,
        spans,
        /** Longest gap between two acknowledged commits (ms). */
        gap: () => commitTimes.slice(1).reduce((m, t, i) => Math.max(m, t - (commitTimes[i] as number)), 0),
        stop: async () => {
          stop = true;
          await done;
        },
        /** Stop sending; the requests in flight still finish (see `stop`). */
        halt: () => {
          stop = true;
        },
      };
    };

    /**
     * Where the nodes' chains part, for a failure message: the first height whose blocks differ,
     * each node's header fields and transactions there, and what each node read from the ordering
     * stream around it (the nodes log every stream message at trace level).
     */
    /** A node's log, line by line (every stream message it read is a trace line with its `seq`). */
    const logLines = (org: string): string[] => {
      const f = join(dir, LAYOUT.logsDir, `${org}.log`);
      return existsSync(f) ? readFileSync(f, 'utf8').split('\n') : [];
    };
    /** The lines of `lines` about stream sequences lo … hi. */
    const aboutSeqs = (lines: readonly string[], lo: number, hi: number): string[] =>
      lines.filter((l) => {
        const seq = Number(/"seq":(\d+)/.exec(l)?.[1] ?? -1);
        return seq >= lo && seq <= hi;
      });

    const divergence = (): string => {
      const chains = ORGS.map((org) => {
        const db = new Database(join(dir, 'data', org, 'main.sqlite'), {
          readonly: true,
          fileMustExist: true,
        });
        try {
          const blocks = new Map<number, { hash: string; header: Uint8Array }>();
          for (const r of db.prepare('SELECT height, hash, header FROM blocks').all() as {
            height: number;
            hash: Buffer;
            header: Buffer;
          }[])
            blocks.set(r.height, { hash: toHex(new Uint8Array(r.hash)), header: new Uint8Array(r.header) });
          const txs = new Map<number, string[]>();
          for (const t of db.prepare('SELECT height, hash FROM txs ORDER BY height, idx').all() as {
            height: number;
            hash: Buffer;
          }[]) {
            const list = txs.get(t.height) ?? [];
            list.push(toHex(new Uint8Array(t.hash)).slice(0, 8));
            txs.set(t.height, list);
          }
          return { org, blocks, txs: (h: number) => txs.get(h) ?? [] };
        } finally {
          db.close();
        }
      });
      let h = 1;
      for (; ; h++) {
        const hashes = chains.map((c) => c.blocks.get(h)?.hash);
        if (hashes.every((x) => x === undefined)) return 'no two nodes differ at any height';
        if (new Set(hashes.filter((x) => x !== undefined)).size > 1) break;
      }
      const lines: string[] = [`first differing height ${h}:`];
      let lo = Number.POSITIVE_INFINITY;
      let hi = 0;
      for (const c of chains) {
        const b = c.blocks.get(h);
        if (!b) {
          lines.push(`${c.org}: no block`);
          continue;
        }
        const hd = decodeHeader(b.header);
        const from = Array.isArray(hd.order.from) ? Number(hd.order.from[0]) : 0;
        const to = Array.isArray(hd.order.to) ? Number(hd.order.to[0]) : 0;
        lo = Math.min(lo, from);
        hi = Math.max(hi, to);
        lines.push(
          `${c.org}: ${b.hash.slice(0, 12)} ts ${hd.timestamp} order ${JSON.stringify(hd.order)} txs [${c.txs(h).join(',')}]`,
        );
      }
      for (const org of ORGS) {
        const all = logLines(org);
        const read = aboutSeqs(all, lo - 3, hi + 3);
        const warned = all.filter(
          (l) => /"level":(40|50)/.test(l) && !l.includes('signature not acknowledged'),
        );
        lines.push(`--- ${org} read:`, ...read.map((l) => l.slice(0, 400)), `--- ${org} warnings (last 25):`);
        lines.push(...warned.slice(-25).map((l) => l.slice(0, 400)));
      }
      return lines.join('\n');
    };

    /** Every node `ok`, at one head, final up to it. */
    const allAtHead = async () => {
      let last = '';
      await eventually(
        async () => {
          const hs = await Promise.all(ORGS.map(health));
          last = JSON.stringify(hs.map((h) => ({ status: h.status, ...main(h) })));
          const head = main(hs[0] as Health).height;
          return hs.every((h) => h.status === 'ok' && main(h).height === head && main(h).finalHeight === head)
            ? true
            : undefined;
        },
        90_000,
        'every node healthy with the final height at one head',
      ).catch((e: Error) => {
        const forked = last.includes('NODE_DIVERGED') ? `\n${divergence()}` : '';
        throw new Error(`${e.message}; last answers ${last}${forked}`);
      });
    };

    /**
     * A node whose block a quorum did not sign rewinds and takes the certified blocks from a peer:
     * the trial still passes, but say so, with what that node had computed and read (its logs).
     */
    const reportRecoveries = async () => {
      for (const org of ORGS) {
        const text = await (await fetch(`${url(org)}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
        const n = Number(/gongzhi_divergence_recoveries_total\{group="main"\} (\d+)/.exec(text)?.[1] ?? 0);
        if (n === 0) continue;
        const said = logLines(org).filter((l) => l.includes('"component":"recovery"'));
        const seqs = said.flatMap((l) => [...l.matchAll(/"(?:from|to)":\[(\d+),/g)].map((m) => Number(m[1])));
        const lo = Math.min(...seqs) - 3;
        const hi = Math.max(...seqs) + 3;
        const read = ORGS.flatMap((o) =>
          aboutSeqs(logLines(o), lo, hi).map((l) => `${o}: ${l.slice(0, 300)}`),
        );
        console.warn(
          `[faults] node ${org} recovered from ${n} divergence(s):\n${said.join('\n')}\n${read.join('\n')}`,
        );
      }
    };

    /**
     * Each NATS server's own copy of the ordering streams, from its monitoring endpoint (`/jsz`
     * answers for the replica on that server): messages, bytes and sequence range per stream.
     * Copies that still differ once every node is at one head point at the servers, not the nodes.
     */
    const replicaStates = async (): Promise<Map<string, string>> => {
      const out = new Map<string, string>();
      for (const s of net.servers) {
        const r = await fetch(`http://${s.host}:${s.monitorPort}/jsz?accounts=true&streams=true`, {
          signal: AbortSignal.timeout(3000),
        }).catch(() => undefined);
        const body = r?.ok
          ? ((await r.json()) as {
              account_details?: {
                stream_detail?: {
                  name: string;
                  state?: { messages: number; bytes: number; first_seq: number; last_seq: number };
                }[];
              }[];
            })
          : undefined;
        const streams = (body?.account_details ?? []).flatMap((a) => a.stream_detail ?? []);
        out.set(
          s.name,
          streams
            .map(
              (x) =>
                `${x.name} ${x.state?.messages}/${x.state?.bytes}B [${x.state?.first_seq}..${x.state?.last_seq}]`,
            )
            .sort()
            .join('; ') || 'unreadable',
        );
      }
      return out;
    };
    /** Warn (with each copy's state) when the servers' copies of the streams do not agree. */
    const reportReplicas = async (trial: string) => {
      let last = new Map<string, string>();
      for (let i = 0; i < 10; i++) {
        last = await replicaStates();
        if (new Set(last.values()).size === 1) return;
        await sleep(500); // a follower may still be applying the last entries
      }
      console.warn(
        `[faults] ${trial}: the NATS servers' copies of the streams differ:\n${[...last].map(([k, v]) => `${k}: ${v}`).join('\n')}`,
      );
    };

    /** The after-checks of every fault. */
    const afterChecks = async (acked: readonly string[], o: { chainVerify?: boolean } = {}) => {
      expect(acked.length).toBeGreaterThan(0);
      await allAtHead();
      await reportRecoveries();
      await reportReplicas(expect.getState().currentTestName ?? 'trial');
      for (const hash of acked) {
        const views = await Promise.all(
          ORGS.map((o) =>
            getJson<{ status: string; height: number; block: { hash: string } }>(
              `${url(o)}/v1/groups/main/txs/${hash}`,
            ),
          ),
        );
        expect(views.map((v) => v.status)).toEqual(['committed', 'committed', 'committed', 'committed']);
        expect(new Set(views.map((v) => `${v.height}/${v.block.hash}`)).size).toBe(1);
      }
      for (const org of ORGS) {
        const db = new Database(join(dir, 'data', org, 'main.sqlite'), {
          readonly: true,
          fileMustExist: true,
        });
        try {
          const seen = new Set<string>();
          for (const r of db.prepare('SELECT tx FROM txs').all() as { tx: Buffer }[]) {
            const b = decodeTx(new Uint8Array(r.tx)).body;
            const key = `${toHex(b.sender)}/${b.nonce}`;
            expect(seen.has(key), `(sender, nonce) twice on ${org}`).toBe(false);
            seen.add(key);
          }
        } finally {
          db.close();
        }
        if (o.chainVerify === false) continue;
        const report = JSON.parse(await cli('chain', 'verify', '--data', join(dir, 'data', org))) as {
          ok: boolean;
        };
        expect(report.ok).toBe(true);
      }
    };

    const pidOf = (kind: 'nats' | 'nodes', name: string) => {
      const e = readPids(dir)?.[kind].find((x) => x.name === name);
      if (!e) throw new Error(`no recorded pid for ${name}`);
      return e.pid;
    };

    beforeAll(async () => {
      const natsBase = await freeBase([0, 1, 2, 100, 101, 102, 200, 201, 202, 300, 301, 302, 303]);
      await cli(
        'network',
        'init',
        dir,
        '--orgs',
        ORGS.join(','),
        '--nats',
        '3',
        '--chain',
        'faults',
        '--base-port',
        String(natsBase + 300),
        '--nats-base-port',
        String(natsBase),
      );
      net = JSON.parse(readFileSync(join(dir, 'network.json'), 'utf8')) as NetworkFile;
      // Trace level: every stream message each node reads is logged, for a fork's failure message.
      await cli('network', 'up', dir, '--timeout', '90000', '--log-level', 'trace');
      for (const e of [...(readPids(dir)?.nats ?? []), ...(readPids(dir)?.nodes ?? [])]) killOnExit(e.pid);
      for (const org of ORGS) {
        admins.set(
          org,
          await decryptKeystore(await readKeystoreFile(join(dir, 'keys', `${org}-admin.json`)), PASSWORD),
        );
      }
    }, 180_000);

    afterAll(async () => {
      const pids = readPids(dir);
      const all = [...(pids?.nats ?? []), ...(pids?.nodes ?? [])];
      for (const e of all) {
        killOnExit(e.pid);
        try {
          process.kill(e.pid, 'SIGCONT'); // a frozen process cannot act on SIGTERM
        } catch {
          // gone
        }
      }
      await settle(networkDown(dir, { timeoutMs: 10_000 }), 30_000);
      for (const e of all) if (isAliveSafe(e.pid)) killPid(e.pid);
      release(all.map((e) => e.pid).filter((pid) => !isAliveSafe(pid)));
      tmp.remove();
    }, 60_000);

    it('SIGKILL of the ordering stream leader (from JetStream metadata) under load', async () => {
      const leader = await eventually(async () => main(await health('a')).ordering?.leader, 20_000, 'leader');
      const l = load(ORGS);
      await sleep(2000);
      const pid = pidOf('nats', leader);
      process.kill(pid, 'SIGKILL');
      await eventually(async () => (isAlive(pid) ? undefined : true), 10_000, 'leader to die');
      await sleep(12_000);
      await cli('network', 'up', dir, '--timeout', '90000', '--log-level', 'trace'); // starts the killed server again
      for (const e of readPids(dir)?.nats ?? []) killOnExit(e.pid);
      await sleep(2000);
      await l.stop();
      console.info(`[faults] leader ${leader} SIGKILL: longest gap between commits ${l.gap()} ms`);
      await afterChecks(l.acked);
    }, 240_000);

    it('restart of one node under load: the others keep committing (the pause is measured)', async () => {
      // Load on a, b and c only: what is measured is the pause d's restart causes the others.
      const l = load(['a', 'b', 'c']);
      await sleep(2000);
      const pid = pidOf('nodes', 'd');
      const termAt = Date.now();
      process.kill(pid, 'SIGTERM');
      await eventually(async () => (isAlive(pid) ? undefined : true), 30_000, 'node d to stop');
      const exitAt = Date.now();
      await sleep(1000);
      const upAt = Date.now();
      await cli('network', 'up', dir, '--timeout', '90000', '--log-level', 'trace'); // starts d again, waits for its /health
      const healthyAt = Date.now();
      for (const e of readPids(dir)?.nodes ?? []) killOnExit(e.pid);
      await sleep(3000);
      await l.stop();
      // The longest stretch with no commit answer, and where it fell against d's stop and start.
      const done = l.spans.map((x) => x.done).sort((a, b) => a - b);
      let worst = { from: 0, to: 0 };
      for (let i = 1; i < done.length; i++) {
        const a = done[i - 1] as number;
        const b = done[i] as number;
        if (b - a > worst.to - worst.from) worst = { from: a, to: b };
      }
      const rel = (t: number) => `${t - termAt} ms`;
      const slow = l.spans.filter((x) => x.done - x.sent > 1000).map((x) => `${rel(x.sent)}→${rel(x.done)}`);
      console.info(
        `[faults] restart of node d (times from its SIGTERM): exited ${rel(exitAt)}, network up ${rel(upAt)}, ` +
          `healthy ${rel(healthyAt)}; longest gap between commits ${worst.to - worst.from} ms ` +
          `(${rel(worst.from)} → ${rel(worst.to)}); commits slower than 1 s: ${slow.join(', ') || 'none'}`,
      );
      // `chain verify` (four CLI runs, the costliest check) is left to the next trial, whose run
      // covers these blocks too.
      await afterChecks(l.acked, { chainVerify: false });
    }, 240_000);

    it('SIGSTOP of one node: the others commit and finalise; it catches up after SIGCONT', async () => {
      const pid = pidOf('nodes', 'd');
      const l = load(['a', 'b', 'c']);
      await sleep(1000);
      process.kill(pid, 'SIGSTOP');
      try {
        const before = main(await health('a'));
        await eventually(
          async () => (main(await health('a')).finalHeight > before.height ? true : undefined),
          30_000,
          'finality with one node frozen',
        );
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      await sleep(1000);
      await l.stop();
      console.info(`[faults] one node SIGSTOP: longest gap between commits ${l.gap()} ms`);
      await afterChecks(l.acked);
    }, 240_000);

    it('SIGSTOP of two nodes: commits go on, finality waits without forking, then reaches the head', async () => {
      const pids = [pidOf('nodes', 'c'), pidOf('nodes', 'd')];
      const l = load(['a', 'b']);
      await sleep(1000);
      for (const p of pids) process.kill(p, 'SIGSTOP');
      try {
        await sleep(2000);
        const frozenAt = main(await health('a'));
        await sleep(5000);
        const later = main(await health('a'));
        // Blocks are still cut (ordering needs no quorum of nodes), but none of them becomes final.
        expect(later.height).toBeGreaterThan(frozenAt.height);
        expect(later.finalHeight).toBeLessThanOrEqual(frozenAt.height);
      } finally {
        for (const p of pids) process.kill(p, 'SIGCONT');
      }
      await sleep(1000);
      await l.stop();
      await afterChecks(l.acked);
    }, 240_000);

    // One outage for both checks (a separate 10 s one cost a minute of the suite): health reports
    // it, and what was admitted through it commits or is dropped with a code once the majority is back.
    it('NATS majority lost for 45 s under load: health says so; nothing sent after, every admitted transaction commits or is reported dropped, all becomes final, and the next one commits', async () => {
      const l = load(ORGS);
      await sleep(1500);
      // A burst without waiting just before the kill: what the stream acknowledged of it may sit in
      // a block whose cut marker (due when the stream goes quiet, at most 200 ms after the block
      // opened) cannot be posted any more — the block the issue found left open for good after a
      // long outage (network-majority-loss.test.ts holds one open for certain).
      const burst = await Promise.all(
        ORGS.map(async (org) => {
          const t = makeTx(
            suite,
            admins.get(org) as KeyPair,
            { chain: 'faults', group: 'main' },
            'evidence',
            'anchor',
            {
              digest: suite.hash(utf8(`burst-${org}-${Math.random()}`)),
              alg: 'sha256',
              meta: { type: 'doc', capturedBy: org, capturedAt: 0, method: 'test' },
            },
            { validUntil: main(await health(org)).height + 900 },
          );
          const r = await fetch(`${url(org)}/v1/groups/main/txs`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ tx: toBase64Url(t.bytes) }),
          });
          expect(r.status).toBe(202);
          return { org, hash: t.hash };
        }),
      );
      await sleep(80); // long enough for the publish acknowledgements, shorter than the block interval
      const victims = ['n1', 'n2'].map((n) => pidOf('nats', n));
      const killAt = Date.now();
      for (const p of victims) process.kill(p, 'SIGKILL');
      await sleep(3000);
      let lastHealth = '';
      const degraded = await eventually(
        async () => {
          const h = await fetch(`${url('a')}/health`, { signal: AbortSignal.timeout(3000) });
          const body = (await h.json()) as Health;
          // Degraded may come first for another reason (finality still catching up after the
          // previous trial, a cut stall); what this waits for is ordering reported down.
          const g = main(body);
          lastHealth = JSON.stringify(body);
          const said = g.degraded?.some((d) => d.startsWith('ordering unreachable')) === true;
          return h.status === 503 && body.status === 'degraded' && said ? body : undefined;
        },
        30_000,
        'health to report ordering unreachable',
      ).catch((e: Error) => {
        throw new Error(`${e.message}; last answer ${lastHealth}`);
      });
      expect(main(degraded).ordering?.reachable).toBe(false);
      const openAtKill: string[] = [];
      for (const b of burst) {
        const v = await getJson<{ status: string; ordered?: boolean }>(
          `${url(b.org)}/v1/groups/main/txs/${b.hash}`,
        );
        if (v.status === 'pending' && v.ordered === true) openAtKill.push(b.hash);
        l.admitted.set(b.hash, {
          org: b.org,
          answer: v.status === 'pending' && v.ordered === true ? 'TX_PENDING_ORDERED' : v.status,
        });
      }
      // Keep submitting into the outage for a while (these publishes retry), then stop sending; the
      // requests in flight answer within their 15 s wait, well before the servers come back.
      await sleep(Math.max(0, killAt + 15_000 - Date.now()));
      l.halt();
      await l.stop();
      const pendingAtRestart = (await Promise.all(ORGS.map(health))).map((h) => main(h).mempool);
      await sleep(Math.max(0, killAt + 45_000 - Date.now()));
      const upAt = Date.now();
      await cli('network', 'up', dir, '--timeout', '90000', '--log-level', 'trace');
      const backAt = Date.now();
      for (const e of readPids(dir)?.nats ?? []) killOnExit(e.pid);
      // Nothing is sent from here on: every admitted transaction must leave the pending state by
      // itself — committed, or (its publish outran the 30 s budget) dropped as ORDERING_UNAVAILABLE.
      const outcome = new Map<string, string>();
      await eventually(
        async () => {
          for (const [hash, { org }] of l.admitted) {
            if (outcome.has(hash)) continue;
            const v = await getJson<{ status: string; reason?: { code: string } }>(
              `${url(org)}/v1/groups/main/txs/${hash}`,
            );
            if (v.status === 'committed') outcome.set(hash, 'committed');
            else if (v.status === 'dropped') outcome.set(hash, v.reason?.code ?? 'dropped');
          }
          return outcome.size === l.admitted.size ? true : undefined;
        },
        60_000,
        'every admitted transaction committed or dropped',
      );
      const settledAt = Date.now();
      const committed: string[] = [];
      for (const [hash, { answer }] of l.admitted) {
        const end = outcome.get(hash);
        // What the stream acknowledged (a commit, or a wait that ran out with it ordered) commits.
        if (answer === 'committed' || answer === 'TX_PENDING_ORDERED') expect(end, hash).toBe('committed');
        else expect(['committed', 'ORDERING_UNAVAILABLE'], `${hash} (${answer})`).toContain(end);
        if (end === 'committed') committed.push(hash);
      }
      const answers = [...l.admitted.values()].map((a) => a.answer);
      const count = (x: string) => answers.filter((a) => a === x).length;
      console.info(
        `[faults] majority loss 45 s: ${l.admitted.size} admitted (${count('committed')} committed at once, ` +
          `${count('TX_PENDING_ORDERED')} pending ordered, ${count('TX_PENDING_NOT_ORDERED')} pending not ordered); ` +
          `mempools at restart ${pendingAtRestart.join('/')}; network up took ${backAt - upAt} ms; ` +
          `all settled ${settledAt - backAt} ms after it: ${committed.length} committed, ` +
          `${outcome.size - committed.length} dropped; ${openAtKill.length} of the burst ordered but uncut through the outage`,
      );
      await afterChecks(committed);
      const mempools = (await Promise.all(ORGS.map(health))).map((h) => main(h).mempool);
      expect(mempools).toEqual([0, 0, 0, 0]);
      // And the ledger takes new work again: fresh transactions commit.
      const after = load(ORGS);
      await eventually(
        async () => (after.acked.length >= ORGS.length ? true : undefined),
        60_000,
        'a commit after',
      );
      await after.stop();
      console.info(`[faults] after the 45 s outage: ${after.acked.length} new commits`);
    }, 300_000);
  },
);
