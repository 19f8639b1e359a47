import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../api/index.js';
import {
  credentialDigest,
  issueSdJwtVc,
  type LedgerReader,
  presentSdJwtVc,
  type VerifierPolicy,
  verifyPresentation,
} from '../credentials/index.js';
import { IdentityNet } from '../demos/health-pass.js';
import { GongzhiError } from '../errors/index.js';
import { GongzhiClient } from '../sdk/index.js';

export interface BenchIdentityOptions {
  /** Verifications for the latency and throughput runs (default 2,000 each). */
  readonly verifications?: number;
  /** DID resolutions for the throughput run (default 5,000). */
  readonly resolutions?: number;
  /** Requests in flight in the throughput runs (default 16). */
  readonly concurrency?: number;
  readonly log?: (message: string) => void;
}

export interface IdentityBenchResult {
  /** First verification ever made through the API (cold caches, schema compile, first connection). */
  readonly coldVerifyMs: number;
  /** One verification at a time, after the first. */
  readonly verifyMs: { readonly p50: number; readonly p99: number; readonly n: number };
  /** Verifications per second with `concurrency` in flight. */
  readonly verificationsPerSec: number;
  /** HTTP ledger lookups per verification (resolve, issuer, schema, status, evidence). */
  readonly lookupsPerVerification: number;
  /** `identity.resolve` over HTTP per second with `concurrency` in flight. */
  readonly resolutionsPerSec: number;
  readonly presentationBytes: number;
  readonly concurrency: number;
}

const SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    testType: { type: 'string', enum: ['PCR', 'antigen'] },
    result: { type: 'string', enum: ['negative', 'positive'] },
    sampledAt: { type: 'string' },
  },
  required: ['name', 'testType', 'result', 'sampledAt'],
  additionalProperties: false,
} as const;

function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Run `n` jobs with `concurrency` in flight; seconds taken. */
async function saturate(n: number, concurrency: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await job(next++);
    }),
  );
  return (performance.now() - t0) / 1000;
}

/**
 * Credential verification through the node's HTTP API: a real in-process node (SQLite, identity
 * module) with `startServer`, a health-authority issuer, schema, status list and anchored
 * credential as in the health-pass demo; the verifier reads the ledger only via
 * `GET /v1/groups/main/query/...` (GongzhiClient), every lookup an HTTP request.
 */
export async function benchIdentity(opts: BenchIdentityOptions = {}): Promise<IdentityBenchResult> {
  const n = opts.verifications ?? 2000;
  const resolutions = opts.resolutions ?? 5000;
  const concurrency = opts.concurrency ?? 16;
  const log = opts.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-identity-'));
  const net = await IdentityNet.start({ dataDir: dir, log }, 'bench-id', {
    'health-a': ['identity-registrar'],
  });
  try {
    // One client on purpose: the per-client rate limit (500/s) would refuse the bench's lookups.
    const server = await startServer(net.node, { host: '127.0.0.1', port: 0, limits: { ratePerSecond: 0 } });
    try {
      await net.createDid('health-a');
      await net.ok('health-a', 'identity', 'recognizeIssuer', {
        id: net.id('health-a'),
        category: 'health-authority',
      });
      await net.ok('health-a', 'identity', 'registerSchema', {
        schemaId: 1001,
        issuer: net.id('health-a'),
        name: 'TestResult',
        schema: JSON.stringify(SCHEMA),
      });
      await net.ok('health-a', 'identity', 'createStatusList', {
        issuer: net.id('health-a'),
        list: 'rev',
        purpose: 'revocation',
      });
      const traveller = await net.createDid('traveller');
      const credential = await issueSdJwtVc({
        issuer: net.signingKey('health-a'),
        subject: traveller,
        holder: { type: 'ed25519', publicKey: net.key('traveller').publicKey },
        schema: { schemaId: 1001, version: 1, schema: SCHEMA },
        vctPrefix: net.prefix,
        claims: {
          name: 'Chan Tai Man',
          testType: 'PCR',
          result: 'negative',
          sampledAt: '2024-05-01T08:00:00Z',
        },
        iat: net.now(),
        exp: net.now() + 72 * 3600,
        status: { list: 'rev', index: 4242, purpose: 'revocation' },
      });
      await net.ok('health-a', 'evidence', 'anchor', {
        digest: credentialDigest(credential),
        alg: 'sha256',
        meta: {
          type: 'credential',
          capturedBy: net.did('health-a'),
          capturedAt: Date.now(),
          method: 'sd-jwt-vc',
        },
      });

      const client = new GongzhiClient({ url: server.url });
      let lookups = 0;
      const reader: LedgerReader = {
        query: (module, name, args) => {
          lookups++;
          const q: Record<string, string> = {};
          for (const [k, v] of Object.entries(args)) q[k] = String(v);
          return client.query('main', module, name, q);
        },
      };
      const base = {
        disclose: ['result', 'testType', 'sampledAt'],
        aud: net.did('health-a'),
        category: 'health-authority',
        schemaId: 1001,
        requireAnchor: true,
      };
      const total = 1 + 2 * n;
      log(`identity: ${total} presentations (distinct nonces), node API at ${server.url}`);
      const now = net.now();
      const jobs: { vp: string; policy: VerifierPolicy }[] = [];
      for (let i = 0; i < total; i++) {
        const policy: VerifierPolicy = { ...base, nonce: `bench-nonce-${i}`, now };
        const vp = await presentSdJwtVc(credential, net.signingKey('traveller'), {
          disclose: policy.disclose,
          nonce: policy.nonce,
          aud: policy.aud,
          iat: now,
        });
        jobs.push({ vp, policy });
      }
      const check = async (i: number) => {
        const j = jobs[i] as (typeof jobs)[number];
        const r = await verifyPresentation(reader, j.vp, j.policy);
        if (!r.valid) {
          throw new GongzhiError('EXEC_INTERNAL', `bench verification failed: ${r.errors.join(', ')}`);
        }
      };

      const c0 = performance.now();
      await check(0);
      const coldVerifyMs = performance.now() - c0;
      const lookupsPerVerification = lookups;

      log(`identity: ${n} verifications one at a time`);
      const lat: number[] = [];
      for (let i = 1; i <= n; i++) {
        const s = performance.now();
        await check(i);
        lat.push(performance.now() - s);
      }
      lat.sort((a, b) => a - b);

      log(`identity: ${n} verifications, ${concurrency} in flight`);
      const vSeconds = await saturate(n, concurrency, (i) => check(1 + n + i));

      log(`identity: ${resolutions} DID resolutions, ${concurrency} in flight`);
      const dids = [net.did('health-a'), traveller];
      const rSeconds = await saturate(resolutions, concurrency, async (i) => {
        await client.query('main', 'identity', 'resolve', { did: dids[i % 2] as string });
      });

      return {
        coldVerifyMs: round2(coldVerifyMs),
        verifyMs: { p50: round2(pct(lat, 50)), p99: round2(pct(lat, 99)), n: lat.length },
        verificationsPerSec: Math.round(n / vSeconds),
        lookupsPerVerification,
        resolutionsPerSec: Math.round(resolutions / rSeconds),
        presentationBytes: (jobs[0] as (typeof jobs)[number]).vp.length,
        concurrency,
      };
    } finally {
      await server.close();
    }
  } finally {
    await net.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
