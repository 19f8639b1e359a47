/**
 * Government-chain benchmarks (issue 11): catalogue and grant transactions per second (the real
 * executor, in memory), delivery throughput of an encrypted dataset between two HTTP endpoints
 * against a plain HTTP copy of the same file, and the size and verification time of a record's
 * inclusion proof in a 3-level aggregation.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchDelivery, placeVersion, serveDelivery } from '../api/datashare-delivery.js';
import { getSuite } from '../crypto/index.js';
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
import { MemoryChain } from '../testing/index.js';

export interface GovchainBenchOptions {
  /** Transactions per kind in the catalogue/grant run (default 5,000). */
  readonly txs?: number;
  /** Dataset size for the delivery run, MB (default 100). */
  readonly megabytes?: number;
  /** Records in the 3-level aggregation (default 1,000,000 = 100 districts × 10,000). */
  readonly records?: number;
}

export interface GovchainBenchResult {
  readonly publishPerSec: number;
  readonly requestGrantPerSec: number;
  readonly deliveryMB: number;
  readonly deliveryMBps: number;
  readonly plainCopyMBps: number;
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

async function listen(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

async function deliveryRun(mb: number): Promise<{ deliveryMBps: number; plainCopyMBps: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gz-bench-ds-'));
  try {
    const data = randomBytes(mb * 1024 * 1024);
    const path = placeVersion(dir, 'main', 'big', 1, data);
    const grantee = suite.generateKeyPair();
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
    const sealed = await listen((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', async () => {
        const s = await serveDelivery({
          suite,
          group: 'main',
          dataDir: dir,
          now: Date.now(),
          body: JSON.parse(body),
          ledger: { delivery: () => delivery, request: () => request },
        });
        res.writeHead(200, {
          'x-gongzhi-cipher': s.headers.cipher,
          'x-gongzhi-ephemeral': s.headers.ephemeral,
          'x-gongzhi-iv': s.headers.iv,
        });
        s.body.pipe(res);
      });
    });
    const plain = await listen((_req, res) => {
      res.writeHead(200);
      createReadStream(path).pipe(res);
    });
    try {
      // Best of three each, alternating, so warm-up and a noisy neighbour hit both alike.
      let sealedMs = Number.POSITIVE_INFINITY;
      let plainMs = Number.POSITIVE_INFINITY;
      for (let round = 0; round < 3; round++) {
        rmSync(join(dir, 'datashare', 'served'), { recursive: true, force: true });
        const t0 = performance.now();
        await fetchDelivery({ url: sealed.url, group: 'main', suite, key: grantee, delivery });
        const t1 = performance.now();
        // Both sides end with the bytes in memory (the grantee also hashes and decrypts them).
        await (await fetch(plain.url)).arrayBuffer();
        const t2 = performance.now();
        sealedMs = Math.min(sealedMs, t1 - t0);
        plainMs = Math.min(plainMs, t2 - t1);
      }
      return {
        deliveryMBps: Math.round((mb * 1000 * 10) / sealedMs) / 10,
        plainCopyMBps: Math.round((mb * 1000 * 10) / plainMs) / 10,
      };
    } finally {
      sealed.server.close();
      plain.server.close();
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
  const mb = o.megabytes ?? 100;
  const records = o.records ?? 1_000_000;
  return {
    ...catalogueRun(o.txs ?? 5000),
    deliveryMB: mb,
    ...(await deliveryRun(mb)),
    records,
    ...proofRun(records),
  };
}

/** The bench's report row and line. */
export async function govchainReport(o: GovchainBenchOptions): Promise<[Record<string, unknown>, string]> {
  const g = await benchGovchain(o);
  return [
    { bench: 'govchain', ...g },
    `government chain: catalogue publish ${g.publishPerSec} tx/s, request+grant ${g.requestGrantPerSec} tx/s (executor, in memory); ` +
      `encrypted delivery of ${g.deliveryMB} MB ${g.deliveryMBps} MB/s vs plain HTTP copy ${g.plainCopyMBps} MB/s (loopback); ` +
      `inclusion proof of a record in a ${g.records}-record 3-level aggregation: ${g.proofBytes} bytes, verified in ${g.proofVerifyUs} µs`,
  ];
}
