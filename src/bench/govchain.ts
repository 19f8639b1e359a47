/**
 * Government-chain benchmarks (issue 11): catalogue and grant transactions per second (the real
 * executor, in memory), delivery throughput of an encrypted dataset between two HTTP endpoints
 * against a plain HTTP copy of the same file, and the size and verification time of a record's
 * inclusion proof in a 3-level aggregation.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, get as httpGet, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  agreeDelivery,
  DeliverySessions,
  fetchDelivery,
  placeVersion,
  sealHeaderFields,
  serveDelivery,
} from '../api/datashare-delivery.js';
import { type CryptoSuite, getSuite, sm4CtrVariant } from '../crypto/index.js';
import { encodeCanonical, toHex, utf8 } from '../encoding/index.js';
import type { CborMap } from '../ledger/index.js';
import { type DeliveryJson, datashareModule, type RequestJson } from '../modules/datashare/index.js';
import {
  buildInclusionProof,
  childrenRoot,
  type ReportEntry,
  recordsRoot,
  verifyInclusionProof,
} from '../modules/reports/index.js';
import { createCa, issueServerCert, opensslAvailable } from '../network/index.js';
import { MemoryChain } from '../testing/index.js';

export interface GovchainBenchOptions {
  /** Transactions per kind in the catalogue/grant run (default 5,000). */
  readonly txs?: number;
  /** Dataset size for the delivery run, MB (default 20; the issue's full size is 100). */
  readonly megabytes?: number;
  /** Records in the 3-level aggregation (default 100,000; full size 1,000,000 = 100 districts × 10,000). */
  readonly records?: number;
  /** Timed rounds of each copy (best kept; default 3). */
  readonly rounds?: number;
}

/** The issue's sizes (`npm run bench -- --govchain-full`). */
export const GOVCHAIN_FULL = { megabytes: 100, records: 1_000_000 } as const;

export interface GovchainBenchResult {
  readonly publishPerSec: number;
  readonly requestGrantPerSec: number;
  readonly deliveryMB: number;
  /** X25519 + AES-256-GCM (ed25519 chains). */
  readonly deliveryMBps: number;
  /** SM2 key exchange + SM4-CTR (sm2 chains). */
  readonly sm4DeliveryMBps: number;
  /** Which SM4-CTR code ran (src/crypto/sm4-ctr.ts: avx512-gfni, avx2-gfni or node:crypto). */
  readonly sm4Code: string;
  readonly plainCopyMBps: number;
  /** Undefined without the openssl CLI (no certificate). */
  readonly httpsCopyMBps: number | undefined;
  /** Least CPU time (ms, both sides, this process) of each copy. */
  readonly cpuMs: { aes: number; sm4: number; plain: number; https?: number };
  readonly records: number;
  readonly proofBytes: number;
  readonly proofVerifyUs: number;
}

const suite = getSuite('ed25519');

function catalogueRun(n: number): { publishPerSec: number; requestGrantPerSec: number } {
  const mc = new MemoryChain({ suite, modules: [datashareModule], timestamp: 1_767_225_600_000 });
  const owner = suite.generateKeyPair();
  const asker = suite.generateKeyPair();
  mc.state.set(`governance/roles/${suite.address(owner.publicKey)}`, encodeCanonical(['org', 'org:police']));
  mc.state.set(`governance/roles/${suite.address(asker.publicKey)}`, encodeCanonical(['org', 'org:civil']));
  const block = (key: typeof owner, method: string, args: (i: number) => CborMap): number => {
    const txs = Array.from({ length: n }, (_, i) =>
      mc.tx(key, 'datashare', method, args(i), { sign: false }),
    );
    const t0 = performance.now();
    for (let i = 0; i < txs.length; i += 1000) mc.run(txs.slice(i, i + 1000));
    return performance.now() - t0;
  };
  const fields = [
    { name: 'idHash', type: 'string' },
    { name: 'district', type: 'string' },
  ];
  const pub = block(owner, 'publish', (i) => ({
    id: `ds-${i}`,
    title: `dataset ${i}`,
    owner: 'police',
    fields,
    class: 'conditional',
    legalBasis: 'regulation',
    frequency: 'daily',
  }));
  const req = block(asker, 'request', (i) => ({
    dataset: `ds-${i}`,
    dept: 'civil',
    fields: ['idHash'],
    purpose: 'check',
    legalBasis: 'law',
  }));
  const grant = block(owner, 'grant', (i) => ({ request: i + 1, expiresAt: 1_900_000_000_000 }));
  return {
    publishPerSec: Math.round((n * 1000) / pub),
    requestGrantPerSec: Math.round((2 * n * 1000) / (req + grant)),
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(handler: Handler, tls?: { key: Buffer; cert: Buffer }) {
  const server = tls === undefined ? createServer(handler) : createHttpsServer(tls, handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { server, url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}` };
}

/** A TLS certificate for 127.0.0.1 from a throw-away CA (the openssl CLI), or undefined without it. */
function loopbackTls(dir: string): { key: Buffer; cert: Buffer; ca: Buffer } | undefined {
  if (!opensslAvailable()) return undefined;
  const f = (n: string) => join(dir, n);
  createCa({ keyPath: f('ca.key'), certPath: f('ca.pem') });
  issueServerCert({
    caKeyPath: f('ca.key'),
    caCertPath: f('ca.pem'),
    keyPath: f('srv.key'),
    certPath: f('srv.pem'),
    cn: '127.0.0.1',
    san: ['IP:127.0.0.1'],
  });
  return { key: readFileSync(f('srv.key')), cert: readFileSync(f('srv.pem')), ca: readFileSync(f('ca.pem')) };
}

/** GET `url` into one buffer with node:http(s), as the grantee receives a delivery. */
function download(url: string, ca?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const done = (m: IncomingMessage) => {
      const parts: Buffer[] = [];
      m.on('data', (c: Buffer) => parts.push(c));
      m.on('end', () => resolve(Buffer.concat(parts).length));
      m.on('error', reject);
    };
    const req = url.startsWith('https:') ? httpsGet(url, { ca }, done) : httpGet(url, done);
    req.on('error', reject);
  });
}

/** One encrypted delivery endpoint for `suite` (the bench plays the ledger's records). */
async function sealedEndpoint(suite: CryptoSuite, dir: string, data: Buffer) {
  const grantee = suite.generateKeyPair();
  const node = suite.generateKeyPair();
  const delivery: DeliveryJson = {
    id: 1,
    request: 1,
    dataset: 'big',
    version: 1,
    digest: toHex(suite.hash(data)),
    size: data.length,
    owner: 'a',
    grantee: 'b',
    account: suite.address(grantee.publicKey),
    height: 1,
    timestamp: 1,
    tx: toHex(suite.hash(utf8('tx'))),
  };
  const request = { id: 1, status: 'granted' } as RequestJson;
  const root = join(dir, suite.id);
  placeVersion(root, 'main', 'big', 1, data);
  const sessions = new DeliverySessions();
  const ep = await listen((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', async () => {
      const o = {
        suite,
        group: 'main',
        dataDir: root,
        now: Date.now(),
        body: JSON.parse(body),
        node: { id: 'a-node', key: node },
        ledger: { delivery: () => delivery, request: () => request },
        sessions,
      };
      // SM2 chains: the key exchange's first step (R_B, S_B), then the fetch with S_A.
      if (req.url?.endsWith('/agree')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(agreeDelivery(o)));
        return;
      }
      const s = await serveDelivery(o);
      res.writeHead(200, sealHeaderFields(s.headers));
      s.body.pipe(res);
    });
  });
  const run = async () => {
    rmSync(join(root, 'datashare', 'served'), { recursive: true, force: true });
    await fetchDelivery({
      url: ep.url,
      group: 'main',
      suite,
      key: grantee,
      delivery,
      ownerNodes: [toHex(node.publicKey)],
    });
  };
  return { run, close: () => ep.server.close() };
}

interface DeliveryFigures {
  readonly deliveryMBps: number;
  readonly sm4DeliveryMBps: number;
  readonly plainCopyMBps: number;
  readonly httpsCopyMBps: number | undefined;
  /** Least CPU time (ms, both sides, this process) of each copy. */
  readonly cpuMs: { aes: number; sm4: number; plain: number; https?: number };
}

/**
 * The owner's endpoint and the grantee in one process (each side's crypto on one thread, as the
 * HTTPS copy's TLS is): AES-GCM (ed25519 chain) and SM4 (sm2 chain) deliveries against a plain HTTP
 * and an HTTPS copy of the same file, best of `rounds`, alternating.
 */
async function deliveryRun(mb: number, rounds: number): Promise<DeliveryFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'gz-bench-ds-'));
  try {
    const data = randomBytes(mb * 1024 * 1024);
    const path = placeVersion(dir, 'main', 'plain', 1, data);
    const aes = await sealedEndpoint(suite, dir, data);
    const sm4 = await sealedEndpoint(getSuite('sm2'), dir, data);
    const serveFile: Handler = (_req, res) => {
      res.writeHead(200);
      createReadStream(path, { highWaterMark: 1 << 20 }).pipe(res);
    };
    const plain = await listen(serveFile);
    const tls = loopbackTls(dir);
    const https = tls === undefined ? undefined : await listen(serveFile, tls);
    const best = { aes: Infinity, sm4: Infinity, plain: Infinity, https: Infinity };
    // CPU time of this process (both sides are in it): on a loaded machine it says more than the clock.
    const cpu = { aes: Infinity, sm4: Infinity, plain: Infinity, https: Infinity };
    const time = async (k: keyof typeof best, f: () => Promise<unknown>) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await f();
      best[k] = Math.min(best[k], performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu[k] = Math.min(cpu[k], (c.user + c.system) / 1000);
    };
    try {
      for (let round = 0; round < rounds; round++) {
        await time('aes', aes.run);
        await time('plain', () => download(plain.url));
        if (https !== undefined) await time('https', () => download(https.url, tls?.ca));
        await time('sm4', sm4.run);
      }
      const rate = (ms: number) => Math.round((mb * 1000 * 10) / ms) / 10;
      return {
        deliveryMBps: rate(best.aes),
        sm4DeliveryMBps: rate(best.sm4),
        plainCopyMBps: rate(best.plain),
        httpsCopyMBps: https === undefined ? undefined : rate(best.https),
        cpuMs: {
          aes: Math.round(cpu.aes),
          sm4: Math.round(cpu.sm4),
          plain: Math.round(cpu.plain),
          ...(https === undefined ? {} : { https: Math.round(cpu.https) }),
        },
      };
    } finally {
      aes.close();
      sm4.close();
      plain.server.close();
      https?.server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 3 levels: districts of `perDistrict` records, 10 districts per city, cities under one province. */
function proofRun(records: number): { proofBytes: number; proofVerifyUs: number } {
  const H = suite.hash;
  const districts = Math.max(10, Math.round(records / 10_000));
  const perDistrict = Math.ceil(records / districts);
  const entry = (
    office: string,
    kind: 'records' | 'aggregate',
    root: Uint8Array,
    count: number,
  ): ReportEntry => ({
    office,
    period: '2026-11',
    version: 1,
    kind,
    root,
    count,
    totals: [['claims', count]],
  });
  let first: Uint8Array[] = [];
  const districtEntries: ReportEntry[] = [];
  for (let d = 0; d < districts; d++) {
    const recs = Array.from({ length: perDistrict }, (_, i) =>
      encodeCanonical({ id: `${d}-${i}`, category: 'claims', amount: 1 }),
    );
    if (d === 0) first = recs;
    districtEntries.push(
      entry(`d${String(d).padStart(4, '0')}`, 'records', recordsRoot(H, recs), perDistrict),
    );
  }
  const cities: ReportEntry[] = [];
  for (let c = 0; c * 10 < districts; c++) {
    const kids = districtEntries.slice(c * 10, c * 10 + 10);
    cities.push(
      entry(
        `c${String(c).padStart(4, '0')}`,
        'aggregate',
        childrenRoot(H, kids),
        kids.reduce((s, k) => s + k.count, 0),
      ),
    );
  }
  const province = entry('province', 'aggregate', childrenRoot(H, cities), districts * perDistrict);
  const proof = buildInclusionProof(H, 'sha256', first, Math.floor(perDistrict / 3), [
    { report: districtEntries[0] as ReportEntry, siblings: districtEntries.slice(0, 10) },
    { report: cities[0] as ReportEntry, siblings: cities },
    { report: province },
  ]);
  const n = 2000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) verifyInclusionProof(H, proof);
  const us = ((performance.now() - t0) * 1000) / n;
  return { proofBytes: JSON.stringify(proof).length, proofVerifyUs: Math.round(us) };
}

export async function benchGovchain(o: GovchainBenchOptions = {}): Promise<GovchainBenchResult> {
  const mb = o.megabytes ?? 20;
  const records = o.records ?? 100_000;
  return {
    ...catalogueRun(o.txs ?? 5000),
    deliveryMB: mb,
    ...(await deliveryRun(mb, o.rounds ?? 3)),
    sm4Code: sm4CtrVariant(),
    records,
    ...proofRun(records),
  };
}

const ratio = (base: number | undefined, x: number) =>
  base === undefined ? 'n/a' : String(Math.round((base / x) * 100) / 100);

/** The bench's report row and line. */
export async function govchainReport(o: GovchainBenchOptions): Promise<[Record<string, unknown>, string]> {
  const g = await benchGovchain(o);
  return [
    { bench: 'govchain', ...g },
    `government chain: catalogue publish ${g.publishPerSec} tx/s, request+grant ${g.requestGrantPerSec} tx/s (executor, in memory); ` +
      `delivery of ${g.deliveryMB} MB (owner and grantee in one process, loopback): AES-256-GCM ${g.deliveryMBps} MB/s, ` +
      `SM2 key exchange + SM4 ${g.sm4DeliveryMBps} MB/s (SM4 code: ${g.sm4Code}); HTTPS copy ${g.httpsCopyMBps ?? 'n/a'} MB/s ` +
      `(the AES-GCM delivery takes ${ratio(g.httpsCopyMBps, g.deliveryMBps)}× its time, SM4 ${ratio(g.httpsCopyMBps, g.sm4DeliveryMBps)}×), ` +
      `plain HTTP copy ${g.plainCopyMBps} MB/s; CPU ms (both sides): AES-GCM ${g.cpuMs.aes}, SM4 ${g.cpuMs.sm4}, ` +
      `HTTPS ${g.cpuMs.https ?? 'n/a'}, plain ${g.cpuMs.plain}; ` +
      `inclusion proof of a record in a ${g.records}-record 3-level aggregation: ${g.proofBytes} bytes, verified in ${g.proofVerifyUs} µs`,
  ];
}
