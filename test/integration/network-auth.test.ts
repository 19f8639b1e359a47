import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { destination, pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import { toHex, utf8 } from '../../src/encoding/index.js';
import {
  createStreams,
  initNetwork,
  isAlive,
  LAYOUT,
  type NetworkFile,
  type NetworkInitResult,
  networkDown,
  opensslAvailable,
  portFree,
  readPids,
  startNatsServers,
} from '../../src/network/index.js';
import { GongzhiNode, type GroupLedger, loadNodeConfig } from '../../src/node/index.js';
import { encodeStreamMessage, sealStreamMessage } from '../../src/ordering/index.js';
import { makeTx, tempDir } from '../helpers/fixtures.js';
import { natsServerAvailable } from '../helpers/nats-cluster.js';
import { isAliveSafe, killOnExit, killPid, release, settle } from '../helpers/processes.js';

const PASSWORD = 'network-auth-test';
const ORGS = ['a', 'b', 'c', 'd'];

const until = async (cond: () => boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/**
 * A random port base with `offsets` all free on loopback, below the kernel's ephemeral range
 * (32768+) so no outgoing connection takes a port between the check and the bind. This test uses
 * 10000–19999, the e2e test 20000–31999.
 */
async function freeBase(offsets: readonly number[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * 9_500);
    const free = await Promise.all(offsets.map((d) => portFree('127.0.0.1', base + d)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port range');
}

describe.skipIf(!natsServerAvailable() || !opensslAvailable())(
  'network init: TLS + per-organisation NATS users (3 servers, orgs a,b,c in g1 and a,d in g2)',
  () => {
    const tmp = tempDir('gongzhi-netauth-');
    const dir = tmp.dir;
    let init: NetworkInitResult;
    let net: NetworkFile;
    const nodes = new Map<string, GongzhiNode>();
    const clients: NatsConnection[] = [];
    const suite = getSuite('ed25519');
    const logFile = join(dir, 'node-warnings.log');

    /** A raw NATS client with one organisation's credentials from its node config. */
    const connectAs = async (org: string): Promise<NatsConnection> => {
      const cfg = JSON.parse(readFileSync(join(dir, 'nodes', `${org}.json`), 'utf8')) as {
        network: { servers: string[]; user: string; pass: string; tls: { ca: string }; inboxPrefix: string };
      };
      const nc = await connect({
        servers: cfg.network.servers,
        inboxPrefix: cfg.network.inboxPrefix,
        user: cfg.network.user,
        pass: cfg.network.pass,
        tls: { ca: readFileSync(join(dir, 'nodes', cfg.network.tls.ca), 'utf8') },
        name: `raw-${org}`,
      });
      clients.push(nc);
      return nc;
    };

    beforeAll(async () => {
      // NATS client/route/monitoring ports at +0/+100/+200, node APIs at +300.
      const natsBase = await freeBase([0, 1, 2, 100, 101, 102, 200, 201, 202, 300, 301, 302, 303]);
      const apiBase = natsBase + 300;
      init = await initNetwork({
        dir,
        chain: 'netauth',
        suite: 'ed25519',
        orgs: ORGS,
        groups: [
          { id: 'g1', orgs: ['a', 'b', 'c'] },
          { id: 'g2', orgs: ['a', 'd'] },
        ],
        password: PASSWORD,
        nats: 3,
        basePort: apiBase,
        natsBasePort: natsBase,
        scryptN: 1 << 10,
        timestamp: 1_700_000_000_000,
      });
      net = init.network;
      const started = await startNatsServers(dir);
      // Detached servers: killed when this test process exits, even if afterAll never finishes.
      for (const e of started) killOnExit(e.pid);
      await createStreams(dir);
      for (const org of ['a', 'b', 'c']) {
        const cfg = await loadNodeConfig(join(dir, 'nodes', `${org}.json`), PASSWORD);
        nodes.set(
          org,
          await GongzhiNode.start({
            nodeId: cfg.file.nodeId,
            org: cfg.file.org,
            nodeSecretKey: cfg.nodeSecretKey,
            genesis: cfg.genesis,
            dataDir: cfg.dataDir,
            // All three nodes log to one file (trace: every stream message read); a fork report prints it.
            logger: pino(
              { level: 'trace', base: { org } },
              destination({ dest: logFile, sync: true, append: true }),
            ),
            ...(cfg.network ? { network: cfg.network } : {}),
          }),
        );
      }
    }, 120_000);

    // Every wait bounded (≈ 5 + 25 + 15 s, under the hook's 60 s), so the servers are always stopped
    // here; if the hook is cut anyway, the exit handlers registered at start SIGKILL them.
    afterAll(async () => {
      const pids = readPids(dir);
      for (const e of [...(pids?.nats ?? []), ...(pids?.nodes ?? [])]) killOnExit(e.pid);
      try {
        await settle(Promise.all(clients.map((nc) => nc.close())), 5000);
        await settle(Promise.all([...nodes.values()].map((n) => n.close())), 25_000);
      } finally {
        await settle(networkDown(dir, { timeoutMs: 5000 }), 15_000);
        for (const e of pids?.nats ?? []) if (isAlive(e.pid)) killPid(e.pid);
        const all = [...(pids?.nats ?? []), ...(pids?.nodes ?? [])].map((e) => e.pid);
        release(all.filter((pid) => !isAliveSafe(pid)));
        tmp.remove();
        for (const e of pids?.nats ?? []) expect(isAlive(e.pid), `nats ${e.name} stopped`).toBe(false);
      }
    }, 60_000);

    it('writes CA-signed server certificates, per-org NATS users and TLS network sections', () => {
      expect(net.servers.map((s) => s.url)).toEqual(
        net.servers.map((s) => `tls://127.0.0.1:${s.clientPort}`),
      );
      expect(net.replicas).toBe(3);
      const conf = readFileSync(join(dir, 'nats', 'n1.conf'), 'utf8');
      expect(conf).toContain('verify: true');
      expect(conf).toContain('"gz-org-d"');
      const a = JSON.parse(readFileSync(join(dir, 'nodes', 'a.json'), 'utf8')) as {
        network: { user: string; pass: string; tls: { ca: string }; replicas: number };
      };
      const d = JSON.parse(readFileSync(join(dir, 'nodes', 'd.json'), 'utf8')) as {
        network: { pass: string };
      };
      expect(a.network.user).toBe('gz-org-a');
      expect(a.network.tls.ca).toBe(join('..', LAYOUT.caCert));
      expect(a.network.replicas).toBe(3);
      // Each org's password is only in its own node config.
      expect(readFileSync(join(dir, 'nodes', 'b.json'), 'utf8')).not.toContain(a.network.pass);
      expect(readFileSync(join(dir, 'nodes', 'a.json'), 'utf8')).not.toContain(d.network.pass);
      expect(readFileSync(join(dir, 'network.json'), 'utf8')).not.toContain(a.network.pass);
    });

    it('orders and finalises g1 transactions over TLS with per-org credentials', async () => {
      const groups = ['a', 'b', 'c'].map((o) => (nodes.get(o) as GongzhiNode).group('g1'));
      const hashes: string[] = [];
      for (let k = 0; k < 12; k++) {
        const org = ['a', 'b', 'c'][k % 3] as string;
        const g = groups[k % 3] as GroupLedger;
        const tx = makeTx(suite, init.keys[org]?.admin as KeyPair, g, 'evidence', 'anchor', {
          digest: suite.hash(utf8(`auth-${k}`)),
          alg: 'sha256',
          meta: { type: 'doc', capturedBy: org, capturedAt: k, method: 'test' },
        });
        const [r] = await g.submit([tx.bytes]);
        expect(r && 'error' in r ? r.error.code : 'ok').toBe('ok');
        hashes.push(tx.hash);
      }
      await until(
        () => groups.every((g) => hashes.every((h) => g.committed(h))),
        30_000,
        'commit everywhere',
      );
      const height = Math.max(...groups.map((g) => g.latest.height));
      await until(() => groups.every((g) => g.finalHeight >= height), 30_000, 'finality');
      for (const g of groups) expect(g.halted).toBeUndefined();
    });

    it('org d can neither publish to gz.g1.ord nor read stream GZ_G1', async () => {
      const nc = await connectAs('d');
      const js = jetstream(nc, { timeout: 3000 });
      const denied = async (p: Promise<unknown>) => {
        const e = await p.then(
          () => undefined,
          (x: unknown) => x as Error & { cause?: unknown },
        );
        expect(e, 'the operation must fail').toBeDefined();
        const text = `${e?.message} ${String((e?.cause as Error | undefined)?.message ?? '')}`;
        expect(text).toMatch(/permissions violation/i);
        return text;
      };
      // JetStream publish into g1's ordering stream.
      const pub = await denied(js.publish('gz.g1.ord', encodeStreamMessage({ kind: 'cut', height: 999 })));
      expect(pub).toContain('gz.g1.ord');
      // Stream lookups, consumers and direct message reads of GZ_G1.
      const jsm = await jetstreamManager(nc, { timeout: 3000 });
      await denied(jsm.streams.info('GZ_G1'));
      await denied(jsm.streams.getMessage('GZ_G1', { seq: 1 }));
      await denied(js.consumers.get('GZ_G1', { deliver_policy: DeliverPolicy.All }));
      await denied(
        jsm.consumers.add('GZ_G1', { name: 'sneaky', ack_policy: 'none' as never }).then((x) => x),
      );
      // A plain subscription to g1's subjects is refused too.
      const sub = nc.subscribe('gz.g1.>');
      const subErr = await sub.closed;
      expect(subErr instanceof Error ? subErr.message : '').toMatch(/permissions violation/i);
      // d cannot read another organisation's replies: its user may only subscribe to its own inbox.
      const snoop = await connectAs('d');
      const inboxSub = snoop.subscribe('_INBOX.>');
      const inboxDenied = await Promise.race([
        (async () => {
          try {
            for await (const _m of inboxSub) return 'received';
            return 'closed';
          } catch (e) {
            return `denied: ${(e as Error).message}`;
          }
        })(),
        new Promise<string>((r) => setTimeout(() => r('nothing'), 1500)),
      ]);
      expect(inboxDenied).toMatch(/denied: .*Permissions Violation/);
      // …while its own group works: d may look up GZ_G2.
      expect((await jsm.streams.info('GZ_G2')).config.name).toBe('GZ_G2');
      // Nothing d tried reached g1.
      const g1 = (nodes.get('b') as GongzhiNode).group('g1');
      expect(g1.halted).toBeUndefined();
    });

    it('org a can publish to gz.g1.ord and read GZ_G1 with the same client API', async () => {
      const nc = await connectAs('a');
      const js = jetstream(nc, { timeout: 5000 });
      const g1 = ['a', 'b', 'c'].map((o) => (nodes.get(o) as GongzhiNode).group('g1'));
      const tx = makeTx(suite, init.keys.a?.admin as KeyPair, g1[0] as GroupLedger, 'evidence', 'anchor', {
        digest: suite.hash(utf8('published-raw-by-a')),
        alg: 'sha256',
        meta: { type: 'doc', capturedBy: 'a', capturedAt: 1, method: 'raw-nats' },
      });
      // Messages must be sealed by a member node: an unsealed one and one sealed with a key that is
      // not a registered node are stored by JetStream but skipped by every node.
      const message = encodeStreamMessage({ kind: 'txs', txs: [tx.bytes] });
      await js.publish('gz.g1.ord', message);
      const outsider = suite.generateKeyPair();
      await js.publish(
        'gz.g1.ord',
        sealStreamMessage(message, {
          node: 'a-node',
          sig: suite.sign(outsider.secretKey, suite.hash(message)),
        }),
      );
      await new Promise((r) => setTimeout(r, 1500));
      expect(g1.some((g) => g.committed(tx.hash) !== undefined)).toBe(false);
      // Sealed with a's node key, published straight to the stream, it is ordered like any other.
      const nodeKey = init.keys.a?.node as KeyPair;
      const ack = await js.publish(
        'gz.g1.ord',
        sealStreamMessage(message, {
          node: 'a-node',
          sig: suite.sign(nodeKey.secretKey, suite.hash(message)),
        }),
      );
      expect(ack.stream).toBe('GZ_G1');
      await until(() => g1.every((g) => g.committed(tx.hash) !== undefined), 30_000, 'raw tx committed');
      const consumer = await js.consumers.get('GZ_G1', { deliver_policy: DeliverPolicy.All });
      const m = await consumer.next({ expires: 5000 });
      expect(m?.seq).toBe(1);
      const jsm = await jetstreamManager(nc);
      expect((await jsm.streams.info('GZ_G1')).state.messages).toBeGreaterThan(1);
    });

    it('keeps ordering through a SIGKILLed NATS server restarted by startNatsServers', async () => {
      const groups = ['a', 'b', 'c'].map((o) => (nodes.get(o) as GongzhiNode).group('g1'));
      const n1 = readPids(dir)?.nats.find((e) => e.name === 'n1');
      expect(n1 && isAlive(n1.pid)).toBe(true);
      process.kill(n1?.pid as number, 'SIGKILL');
      await until(() => !isAlive(n1?.pid as number), 5000, 'n1 gone');
      const hashes: string[] = [];
      for (let k = 0; k < 9; k++) {
        const org = ['a', 'b', 'c'][k % 3] as string;
        const g = groups[k % 3] as GroupLedger;
        const tx = makeTx(suite, init.keys[org]?.admin as KeyPair, g, 'evidence', 'anchor', {
          digest: suite.hash(utf8(`outage-${k}`)),
          alg: 'sha256',
          meta: { type: 'doc', capturedBy: org, capturedAt: k, method: 'test' },
        });
        const [r] = await g.submit([tx.bytes]);
        if (!(r && 'error' in r)) hashes.push(tx.hash);
      }
      expect(hashes.length).toBeGreaterThan(0);
      const restarted = await startNatsServers(dir);
      for (const e of restarted) killOnExit(e.pid);
      expect(restarted.filter((s) => s.started).map((s) => s.name)).toEqual(['n1']);
      // An ordered consumer that lived on the killed server is recreated after missed heartbeats
      // (up to ~30 s), through the CONSUMER.INFO/DELETE/CREATE subjects the org users are allowed.
      await until(
        () => groups.every((g) => hashes.every((h) => g.committed(h))),
        90_000,
        'commit after outage',
      ).catch((e: Error) => {
        // Say where each node stands, and what the nodes warned about (not the finality retries).
        const state = groups
          .map(
            (g, i) =>
              `${'abc'[i]}: height ${g.latest.height} mempool ${g.mempoolSize} committed ${hashes.filter((h) => g.committed(h)).length}/${hashes.length} ordering ${JSON.stringify(g.orderingHealth())}`,
          )
          .join('\n');
        const lines = (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '').split('\n');
        const warned = lines.filter((l) => l.includes('"level":40') && !l.includes('"component":"finality"'));
        throw new Error(`${e.message}\n${state}\n${warned.slice(-30).join('\n')}`);
      });
      const height = Math.min(...groups.map((g) => g.latest.height));
      for (let h = 1; h <= height; h++) {
        const ids = groups.map((g) => toHex(g.store.blockByHeight(h)?.hash as Uint8Array).slice(0, 16));
        // On a fork, say what differs: the header fields and the transactions of each node's block.
        const detail = () =>
          groups
            .map((g, i) => {
              const b = g.store.blockByHeight(h);
              const hd = b?.header;
              const txs = g.store.txsOfBlock(h).map((t) => toHex(t.hash).slice(0, 8));
              return `${'abc'[i]}: ts ${hd?.timestamp} txs ${hd?.txCount} [${txs.join(',')}] order ${JSON.stringify(hd?.order)} state ${toHex(hd?.stateRoot ?? new Uint8Array()).slice(0, 8)} receipts ${toHex(hd?.receiptRoot ?? new Uint8Array()).slice(0, 8)}`;
            })
            .join('\n');
        // What each node read from the stream around this block (trace lines), and its warnings
        // other than the finality tracker's publish retries.
        const warnings = () => {
          const lines = (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '').split('\n');
          const b = groups[0]?.store.blockByHeight(h)?.header.order.from;
          const from = Array.isArray(b) ? Number(b[0]) - 3 : 0;
          const read = lines.filter((l) => {
            const seq = /"seq":(\d+)/.exec(l)?.[1];
            return (
              l.includes('"stream message"') &&
              seq !== undefined &&
              Number(seq) >= from &&
              Number(seq) <= from + 15
            );
          });
          const other = lines.filter(
            (l) => l.includes('"level":40') && !l.includes('"component":"finality"'),
          );
          return [...read, '--- warnings:', ...other.slice(-30)].join('\n');
        };
        if (new Set(ids).size !== 1) {
          throw new Error(
            `block ${h} on a,b,c: ${ids.join(' ')}\n${detail()}\nnode warnings:\n${warnings()}`,
          );
        }
      }
      for (const g of groups) expect(g.halted).toBeUndefined();
      // Finality after the outage is deliberately not asserted: the finality tracker neither
      // retries a signature published during the signature stream's leader election nor recreates
      // a consumer lost with the killed server (node-side; see docs/network-ops.md, troubleshooting).
    }, 180_000);

    it('no node user hit a permission violation (the permission set is sufficient)', () => {
      const logs = net.servers.map((s) =>
        readFileSync(join(dir, LAYOUT.logsDir, `nats-${s.name}.log`), 'utf8'),
      );
      const violations = logs
        .join('\n')
        .split('\n')
        .filter((l) => / Violation - User /.test(l));
      // Only the raw client of org d, on purpose.
      expect(violations.length).toBeGreaterThan(0);
      expect(violations.filter((l) => !l.includes('"gz-org-d"'))).toEqual([]);
    });
  },
);
