/**
 * Issue 18, item 6: the consortium beyond one host. Four organisations, each in its own network
 * namespace made here (veth pairs to a bridge), in two sites — a, b (with NATS n1, n2) and c, d
 * (with n3) — with 30 ms one way between the sites through the tests' own delaying relay
 * (src/testing/delay-relay.ts; this kernel has no netem). The network must commit and finalise
 * transactions sent at both sites, with the same blocks on every node and `chain verify` passing.
 * Skipped, with the reason printed, where `ip netns add` is not permitted (not root, a sandbox).
 */
import { execFile } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptKeystore, getSuite, type KeyPair, readKeystoreFile } from '../../src/crypto/index.js';
import { toBase64Url, utf8 } from '../../src/encoding/index.js';
import { initNetwork, opensslAvailable, portFree } from '../../src/network/index.js';
import { netnsUnavailable, type Sites, startSites } from '../../src/testing/network-sites.js';
import { makeTx, tempDir } from '../helpers/fixtures.js';
import { natsServerAvailable } from '../helpers/nats-cluster.js';
import { atExit, killOnExit, settle } from '../helpers/processes.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const RELAY = new URL('../../dist/testing/delay-relay.js', import.meta.url).pathname;
const built = existsSync(CLI) && existsSync(RELAY);
const run = promisify(execFile);
const PASSWORD = 'network-sites-test';
const ORGS = ['a', 'b', 'c', 'd'] as const;
const LATENCY_MS = 30;

const prerequisites = built && natsServerAvailable() && opensslAvailable();
const noNetns = prerequisites ? netnsUnavailable() : undefined;
if (noNetns !== undefined) console.info(`[sites] skipped: ${noNetns}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freeBase(offsets: readonly number[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 11_500);
    const free = await Promise.all(offsets.map((d) => portFree('127.0.0.1', base + d)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port range');
}

describe.skipIf(!prerequisites || noNetns !== undefined)(
  'network across namespaces, two sites 30 ms apart',
  () => {
    const tmp = tempDir('gongzhi-sites-');
    const dir = join(tmp.dir, 'net');
    const suite = getSuite('ed25519');
    const admins = new Map<string, KeyPair>();
    let sites: Sites | undefined;
    let cleanup: (() => void) | undefined;
    let forget: (() => void) | undefined;
    const url = (org: string) => sites?.network.nodes.find((n) => n.org === org)?.apiUrl as string;
    const getJson = async <T>(u: string): Promise<T> =>
      (await (await fetch(u, { signal: AbortSignal.timeout(5000) })).json()) as T;

    beforeAll(async () => {
      const base = await freeBase([0, 1, 2, 100, 101, 102, 200, 201, 202, 300, 301, 302, 303]);
      await initNetwork({
        dir,
        chain: 'sites',
        suite: 'ed25519',
        orgs: [...ORGS],
        groups: [{ id: 'main' }],
        password: PASSWORD,
        nats: 3,
        basePort: base + 300,
        natsBasePort: base,
        scryptN: 1 << 14,
        permissions: { 'evidence.anchor': ['*'] },
      });
      const started = startSites({
        dir,
        sites: [
          ['a', 'b'],
          ['c', 'd'],
        ],
        latencyMs: LATENCY_MS,
        // Registered before anything is made: a beforeAll that times out half-way still cleans up.
        onCleanup: (fn) => {
          cleanup = fn;
          forget = atExit(fn);
        },
        up: { password: PASSWORD, cli: CLI, logLevel: 'warn', timeoutMs: 90_000 },
      });
      sites = await started;
      for (const pid of [
        ...sites.relayPids,
        ...sites.up.servers.map((s) => s.pid),
        ...sites.up.nodes.map((n) => n.pid),
      ])
        killOnExit(pid);
      for (const org of ORGS) {
        admins.set(
          org,
          await decryptKeystore(await readKeystoreFile(join(dir, 'keys', `${org}-admin.json`)), PASSWORD),
        );
      }
    }, 180_000);

    afterAll(async () => {
      if (sites !== undefined) await settle(sites.close(), 40_000);
      cleanup?.(); // kills whatever is left (SIGKILL) and deletes the namespaces
      forget?.();
      tmp.remove();
    }, 60_000);

    it('runs every node and NATS server in its own namespace', () => {
      const nsOf = (pid: number) => readlinkSync(`/proc/${pid}/ns/net`);
      const own = nsOf(process.pid);
      const nodeNs = sites?.up.nodes.map((n) => nsOf(n.pid)) ?? [];
      expect(new Set(nodeNs).size).toBe(4);
      expect(nodeNs).not.toContain(own);
      // n1, n2, n3 live with organisations a, b, c
      const serverNs = sites?.up.servers.map((s) => nsOf(s.pid)) ?? [];
      expect(serverNs).toEqual(nodeNs.slice(0, 3));
    });

    it('commits and finalises transactions sent at both sites, the same blocks on every node', async () => {
      const hashes: { hash: string; height: number }[] = [];
      const lat: number[] = [];
      for (let i = 0; i < 8; i++) {
        const org = i % 2 === 0 ? 'a' : 'd'; // one client at each site
        const t = makeTx(
          suite,
          admins.get(org) as KeyPair,
          { chain: 'sites', group: 'main' },
          'evidence',
          'anchor',
          {
            digest: suite.hash(utf8(`sites-${i}`)),
            alg: 'sha256',
            meta: { type: 'doc', capturedBy: org, capturedAt: i, method: 'test' },
          },
          { validUntil: 500 },
        );
        const t0 = Date.now();
        const r = await fetch(`${url(org)}/v1/groups/main/txs?wait=commit&timeoutMs=30000`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ tx: toBase64Url(t.bytes) }),
          signal: AbortSignal.timeout(40_000),
        });
        const body = (await r.json()) as { height?: number; receipt?: { status?: string } };
        expect(r.status, JSON.stringify(body)).toBe(200);
        const height = body.height as number;
        for (;;) {
          const b = await getJson<{ final?: boolean }>(`${url(org)}/v1/groups/main/blocks/${height}`);
          if (b.final === true) break;
          await sleep(20);
        }
        lat.push(Date.now() - t0);
        hashes.push({ hash: t.hash, height });
      }
      console.info(`[sites] ${LATENCY_MS} ms one way between sites: submit→final ms ${lat.join(', ')}`);
      // Every node has every transaction in the same block, and reports it final.
      for (const { hash } of hashes) {
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
      const top = Math.max(...hashes.map((h) => h.height));
      for (const o of ORGS) {
        for (;;) {
          const h = await getJson<{ groups: { id: string; finalHeight: number }[] }>(`${url(o)}/health`);
          if ((h.groups.find((g) => g.id === 'main')?.finalHeight ?? 0) >= top) break;
          await sleep(100);
        }
      }
      for (const o of ORGS) {
        const out = await run(process.execPath, [CLI, 'chain', 'verify', '--data', join(dir, 'data', o)]);
        expect((JSON.parse(out.stdout) as { ok: boolean }).ok).toBe(true);
      }
    }, 120_000);
  },
);
