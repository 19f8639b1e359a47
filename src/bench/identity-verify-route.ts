import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, get, request } from 'node:http';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../api/index.js';
import {
  HeadMemo,
  issueSdJwtVc,
  jwsVerify,
  type LedgerReader,
  presentSdJwtVc,
  StatusFetchCache,
  type StatusOptions,
  statusListUrl,
  type VerificationResult,
  verifyPresentation,
} from '../credentials/index.js';
import { exportJwk } from '../crypto/index.js';
import { IdentityNet } from '../demos/health-pass.js';
import { GongzhiError } from '../errors/index.js';
import type { StatusSigner } from '../node/index.js';
import { benchDidWebPhase, type DidWebPhase } from './identity-did-web.js';
import type { ClientAnswer, ClientJob } from './verify-route-client.js';

/**
 * `POST /v1/groups/{g}/credentials/verify` under load: the verifier is the node (ledger reads in
 * process), the client sends a presentation and a policy per request. Target (issue 14, not a
 * test): p99 under 5 ms and over 1,500 verifications/s on a 2-core machine. The run also checks
 * invalidation: after a status bit is set, and after the issuer's recognition is withdrawn, the
 * very next verification must fail with the matching code.
 */

export interface VerifyRouteBenchResult {
  readonly verifyMs: { readonly p50: number; readonly p99: number; readonly n: number };
  readonly verificationsPerSec: number;
  readonly concurrency: number;
  /**
   * The verifier alone (no HTTP), same presentations, same run: reading the ledger for every
   * query vs through the head-keyed read cache the route uses (CPU-bound, one at a time).
   */
  readonly inProcess: { readonly uncachedUs: number; readonly cachedUs: number; readonly ratio: number };
  /**
   * The verifier alone reading status from the published list (`statusVia: 'published'`, the
   * list fetched over HTTP from this node): fetched for every verification vs kept for the ttl
   * the list states (StatusFetchCache, what the route uses); CPU µs per verification.
   */
  readonly published: { readonly fetchEachUs: number; readonly keptUs: number; readonly ratio: number };
  /** The verifier alone with a did:web issuer: its document fetched every time vs kept (./identity-did-web.ts). */
  readonly didWeb: DidWebPhase;
  /**
   * CPU time (user + system, µs) of this process per request, same run — less sensitive to a
   * loaded machine than wall time: a verification through the route (server and client both in
   * this process), the same route answering a malformed presentation (the HTTP floor: Fastify,
   * JSON, undici), and the verifier alone behind the head cache.
   */
  readonly cpuUs: {
    readonly route: number;
    readonly httpFloor: number;
    /** The floor again with undici's fetch as the client. */
    readonly httpFloorFetch: number;
    readonly verifier: number;
    /**
     * Of the verifier: the one signature check no cache can spare, the presentation's key-binding
     * JWT (Ed25519, a new one per presentation), timed alone on the same presentations.
     */
    readonly kbSignature: number;
  };
  /**
   * The client in a process of its own (src/bench/verify-route-client.ts), `concurrency` in flight
   * on raw keep-alive sockets: the server's CPU per verification (this process: the node,
   * Fastify, the verifier, libuv's pool; and its JS thread alone), the client's, the rate and
   * the latency it saw; one at a time (the latency target); and with node:http's client.
   */
  readonly separateClient: SeparateClientRun & {
    readonly oneAtATime: SeparateClientRun;
    readonly nodeHttpClient: SeparateClientRun;
    /** The HTTP floor's body (refused by the body schema, 400) from the same client: the server side alone. */
    readonly httpFloor: SeparateClientRun;
  };
  /** The codes seen right after each change (expected IDENTITY_REVOKED, IDENTITY_NOT_RECOGNISED). */
  readonly invalidation: { readonly afterRevoke: string[]; readonly afterDerecognise: string[] };
}

const SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, result: { type: 'string' } },
  required: ['name', 'result'],
  additionalProperties: false,
};

const pct = (s: readonly number[], p: number) =>
  s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
const round2 = (x: number) => Math.round(x * 100) / 100;
/** POST a JSON body on a keep-alive agent; the response text (any status). */
function postJson(agent: Agent, url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
/**
 * CPU time of this process's main (JS) thread, µs, from /proc (Linux); undefined elsewhere.
 * With the key-binding signature on libuv's pool, the process total and the JS thread differ,
 * and the JS thread is what caps one node's rate.
 */
function mainThreadCpuUs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1_000_000) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}
/** USER_HZ: 100 on every Linux the bench runs on (it is fixed in the kernel ABI for x86 and arm). */
const CLOCK_TICKS_PER_S = 100;

export interface SeparateClientRun {
  /** This process (the node, Fastify, the verifier, libuv's pool) per verification, µs. */
  readonly serverCpuUs: number;
  /** Of that, its JS thread (Linux; -1 where /proc is absent), µs. */
  readonly serverJsThreadUs: number;
  /** The client process per verification, µs. */
  readonly clientCpuUs: number;
  readonly verificationsPerSec: number;
  /** Latency as the client saw it, ms. */
  readonly p50: number;
  readonly p99: number;
}

/** A client process (./verify-route-client.ts) kept across jobs; each job measured on both sides. */
class ClientProcess {
  private readonly child = fork(new URL('./verify-route-client.js', import.meta.url), [], {
    stdio: 'ignore',
  });

  /** `valid`: how many answers must say valid (all, unless the bodies are meant to be refused). */
  async run(job: ClientJob, valid = job.bodies.length): Promise<SeparateClientRun> {
    const main0 = mainThreadCpuUs();
    const cpu0 = process.cpuUsage();
    const answer = await new Promise<ClientAnswer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('bench client gave no answer in 300 s')), 300_000);
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`bench client exited (${String(code)}) before answering`));
      };
      this.child.once('exit', onExit);
      this.child.once('message', (m) => {
        clearTimeout(timer);
        this.child.off('exit', onExit);
        const a = m as ClientAnswer | { error: string };
        if ('error' in a) reject(new GongzhiError('EXEC_INTERNAL', `bench client: ${a.error}`));
        else resolve(a);
      });
      this.child.send(job);
    });
    const serverCpu = cpuSince(cpu0);
    const main1 = mainThreadCpuUs();
    const n = job.bodies.length;
    if (answer.valid !== valid) {
      throw new GongzhiError('EXEC_INTERNAL', `bench client: ${answer.valid} of ${n} valid, not ${valid}`);
    }
    return {
      serverCpuUs: Math.round(serverCpu / n),
      serverJsThreadUs: main0 === undefined || main1 === undefined ? -1 : Math.round((main1 - main0) / n),
      clientCpuUs: Math.round(answer.cpuUs / n),
      verificationsPerSec: Math.round((n * 1000) / answer.ms),
      p50: round2(pct(answer.latencies, 50)),
      p99: round2(pct(answer.latencies, 99)),
    };
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/**
 * The client in its own process: one at a time (the latency target), then `concurrency` in
 * flight on raw keep-alive sockets (the rate target), then the same with node:http's client.
 */
async function fromClientProcess(
  url: string,
  bodies: readonly string[],
  floorBody: string,
  concurrency: number,
): Promise<VerifyRouteBenchResult['separateClient']> {
  const client = new ClientProcess();
  try {
    // Warm the client's own code paths (and the server's for this socket kind) before measuring.
    await client.run({ url, bodies: bodies.slice(0, 50), concurrency, kind: 'raw' });
    const oneAtATime = await client.run({ url, bodies: bodies.slice(0, 300), concurrency: 1, kind: 'raw' });
    const raw = await client.run({ url, bodies, concurrency, kind: 'raw' });
    const http = await client.run({ url, bodies, concurrency, kind: 'http' });
    const floor = await client.run({ url, bodies: bodies.map(() => floorBody), concurrency, kind: 'raw' }, 0);
    return { ...raw, oneAtATime, nodeHttpClient: http, httpFloor: floor };
  } finally {
    client.stop();
  }
}

/** GET on a keep-alive agent; the response text (any status). */
function getText(agent: Agent, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    }).on('error', reject);
  });
}
const cpuSince = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return d.user + d.system;
};

export async function benchVerifyRoute(
  opts: {
    verifications?: number;
    concurrency?: number;
    log?: (m: string) => void;
    /** Write a V8 CPU profile of the two route phases (one at a time, then in flight) here. */
    profile?: string;
  } = {},
): Promise<VerifyRouteBenchResult> {
  const n = opts.verifications ?? 2000;
  const concurrency = opts.concurrency ?? 16;
  const log = opts.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-verify-route-'));
  const signers: StatusSigner[] = [];
  const net = await IdentityNet.start(
    { dataDir: dir, log },
    'bench-vr',
    { reg: ['identity-registrar'] },
    { statusSigners: signers },
  );
  try {
    // No per-client rate limit: the default (500/s, burst 2,000) would cap this one client below the target.
    const server = await startServer(net.node, { host: '127.0.0.1', port: 0, limits: { ratePerSecond: 0 } });
    try {
      await net.createDid('reg');
      await net.createDid('lab');
      await net.ok('reg', 'identity', 'recognizeIssuer', { id: net.id('lab'), category: 'health-authority' });
      await net.ok('lab', 'identity', 'registerSchema', {
        schemaId: 1001,
        issuer: net.id('lab'),
        name: 'TestResult',
        schema: JSON.stringify(SCHEMA),
      });
      // The node signs lab's published lists with a key lab lists (the published-status phase).
      const statusKey = net.suite.generateKeyPair();
      await net.ok('lab', 'identity', 'addKey', {
        id: net.id('lab'),
        fragment: 'status-1',
        publicKey: statusKey.publicKey,
        purposes: ['assertionMethod'],
      });
      signers.push({ did: net.did('lab'), fragment: 'status-1', type: 'ed25519', ...statusKey });
      await net.ok('lab', 'identity', 'createStatusList', {
        issuer: net.id('lab'),
        list: 'r',
        purpose: 'revocation',
      });
      await net.createDid('holder');
      const credential = await issueSdJwtVc({
        issuer: net.signingKey('lab'),
        subject: net.did('holder'),
        holder: { type: 'ed25519', publicKey: net.key('holder').publicKey },
        schema: { schemaId: 1001, version: 1, schema: SCHEMA },
        vctPrefix: net.prefix,
        claims: { name: 'Chan Tai Man', result: 'negative' },
        iat: net.now(),
        exp: net.now() + 3600,
        status: {
          list: 'r',
          index: 42,
          purpose: 'revocation',
          uri: statusListUrl(server.url, 'main', net.id('lab'), 'r'),
        },
      });
      const base = {
        disclose: ['result'],
        aud: 'did:example:border',
        category: 'health-authority',
        schemaId: 1001,
        kbMaxAge: 3600,
      };
      const total = 2 * n + 2;
      log(`verify route: ${total} presentations`);
      const bodies: string[] = [];
      for (let i = 0; i < total; i++) {
        const policy = { ...base, nonce: `n-${i}` };
        const presentation = await presentSdJwtVc(credential, net.signingKey('holder'), {
          disclose: policy.disclose,
          nonce: policy.nonce,
          aud: policy.aud,
          iat: net.now(),
        });
        bodies.push(JSON.stringify({ presentation, policy }));
      }
      const url = `${server.url}/v1/groups/main/credentials/verify`;
      // node:http with keep-alive: the client shares this process with the server, and undici's
      // fetch costs more CPU per request than the route it measures (see `cpuUs.httpFloorFetch`).
      let agent = new Agent({ keepAlive: true, maxSockets: concurrency });
      // After a pause longer than the server's keep-alive timeout its sockets are closed: start over.
      const freshAgent = () => {
        agent.destroy();
        agent = new Agent({ keepAlive: true, maxSockets: concurrency });
      };
      const verify = async (i: number): Promise<VerificationResult> =>
        JSON.parse(await postJson(agent, url, bodies[i] ?? '')) as VerificationResult;
      const must = async (i: number) => {
        const r = await verify(i);
        if (!r.valid)
          throw new GongzhiError('EXEC_INTERNAL', `bench verification failed: ${r.errors.join(', ')}`);
      };
      await must(0);
      const session = opts.profile === undefined ? undefined : new Session();
      if (session !== undefined) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
      }
      log(`verify route: ${n} one at a time`);
      const lat: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let i = 1; i <= n; i++) {
        const t = performance.now();
        await must(i);
        lat.push(performance.now() - t);
      }
      const routeCpu = cpuSince(cpu0) / n;
      lat.sort((a, b) => a - b);
      log(`verify route: ${n - 1} with ${concurrency} in flight`);
      let next = n + 1;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total - 1) await must(next++);
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      log(`verify route: ${n} from a client process, ${concurrency} in flight`);
      // The HTTP floor: the same route and body size, refused before any signature is checked
      // (the policy lacks its nonce: the body schema answers 400).
      const floorBody = JSON.stringify({ presentation: 'x'.repeat((bodies[1] ?? '').length), policy: base });
      const separate = await fromClientProcess(url, bodies.slice(1, n + 1), floorBody, concurrency);
      if (session !== undefined && opts.profile !== undefined) {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(opts.profile, JSON.stringify(profile));
        session.disconnect();
      }
      const direct = async (reader: LedgerReader, status: StatusOptions = {}, max = 500): Promise<number> => {
        const m = Math.min(n, max);
        const t = performance.now();
        for (let i = 1; i <= m; i++) {
          const { presentation, policy } = JSON.parse(bodies[i] ?? '{}');
          const r = await verifyPresentation(reader, presentation, { ...policy, now: net.now() }, status);
          if (!r.valid)
            throw new GongzhiError('EXEC_INTERNAL', `bench verification failed: ${r.errors.join(', ')}`);
        }
        return ((performance.now() - t) * 1000) / m;
      };
      log('verify route: the verifier alone, uncached then cached');
      const uncachedUs = await direct(net.reader);
      const memo = new HeadMemo(net.reader, () => net.group.latest);
      const cachedUs = await direct(memo);
      const cpu1 = process.cpuUsage();
      const cachedCount = await direct(memo).then(() => Math.min(n, 500));
      const verifierCpu = cpuSince(cpu1) / cachedCount;
      const holderJwk = exportJwk('ed25519', { publicKey: net.key('holder').publicKey });
      const kbs = bodies.slice(1, Math.min(n, 500) + 1).map((b) => {
        const kb = (JSON.parse(b) as { presentation: string }).presentation.split('~').pop() ?? '';
        const dot = kb.lastIndexOf('.');
        return { input: kb.slice(0, dot), sig: kb.slice(dot + 1) };
      });
      const cpuKb = process.cpuUsage();
      for (const kb of kbs) {
        if (!jwsVerify(holderJwk, kb.input, kb.sig))
          throw new GongzhiError('EXEC_INTERNAL', 'bench key-binding JWT did not verify');
      }
      const kbSignatureCpu = cpuSince(cpuKb) / kbs.length;
      log('verify route: status from the published list, fetched each time then kept for its ttl');
      const listAgent = new Agent({ keepAlive: true, maxSockets: 1 });
      const fetchEach = (uri: string) => getText(listAgent, uri);
      // CPU, not wall time: the fetch's server side runs in this process too, and wall time on a
      // loaded machine mostly measures the other processes.
      const cpuOf = async (status: StatusOptions) => {
        const c = process.cpuUsage();
        const m = Math.min(n, 200);
        await direct(memo, status, m);
        return cpuSince(c) / m;
      };
      const fetchEachUs = await cpuOf({ statusVia: 'published', fetchStatus: fetchEach });
      const kept = new StatusFetchCache(fetchEach);
      const keptUs = await cpuOf({ statusVia: 'published', fetchStatus: kept.fetchStatus });
      listAgent.destroy();
      log('verify route: a did:web issuer, its document fetched each time then kept');
      const didWeb = await benchDidWebPhase(net, memo, 'reg', Math.min(n, 200));
      freshAgent();
      const cpu2 = process.cpuUsage();
      for (let i = 0; i < n; i++) await postJson(agent, url, floorBody);
      const floorCpu = cpuSince(cpu2) / n;
      const cpu3 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: floorBody,
        });
        await res.arrayBuffer();
      }
      const floorFetchCpu = cpuSince(cpu3) / n;
      freshAgent();
      await net.ok('lab', 'identity', 'setStatus', {
        issuer: net.id('lab'),
        list: 'r',
        indexes: [42],
        value: true,
      });
      const afterRevoke = [...(await verify(total - 1)).errors];
      await net.ok('lab', 'identity', 'setStatus', {
        issuer: net.id('lab'),
        list: 'r',
        indexes: [42],
        value: false,
      });
      await net.ok('reg', 'identity', 'derecognizeIssuer', {
        id: net.id('lab'),
        category: 'health-authority',
        reason: 'bench',
      });
      const afterDerecognise = [...(await verify(total - 1)).errors];
      agent.destroy();
      return {
        verifyMs: { p50: round2(pct(lat, 50)), p99: round2(pct(lat, 99)), n: lat.length },
        verificationsPerSec: Math.round((n - 1) / seconds),
        concurrency,
        separateClient: separate,
        published: {
          fetchEachUs: Math.round(fetchEachUs),
          keptUs: Math.round(keptUs),
          ratio: round2(fetchEachUs / keptUs),
        },
        didWeb,
        inProcess: {
          uncachedUs: Math.round(uncachedUs),
          cachedUs: Math.round(cachedUs),
          ratio: round2(uncachedUs / cachedUs),
        },
        cpuUs: {
          route: Math.round(routeCpu),
          httpFloor: Math.round(floorCpu),
          httpFloorFetch: Math.round(floorFetchCpu),
          verifier: Math.round(verifierCpu),
          kbSignature: Math.round(kbSignatureCpu),
        },
        invalidation: { afterRevoke, afterDerecognise },
      };
    } finally {
      await server.close();
    }
  } finally {
    await net.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--identity-route-profile FILE`: where to write the route phases' CPU profile. */
function profileAt(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('--identity-route-profile');
  return i < 0 ? undefined : argv[i + 1];
}

/** The bench/main.ts entry: run and print one line (or JSON). */
export async function reportVerifyRoute(
  report: (o: Record<string, unknown>, line: string) => void,
  arg: (name: string, dflt: number) => number,
  progress: (m: string) => void,
): Promise<void> {
  const profile = profileAt(process.argv);
  const r = await benchVerifyRoute({
    verifications: arg('--identity-route-verifications', 2000),
    log: progress,
    ...(profile === undefined ? {} : { profile }),
  });
  const sc = r.separateClient;
  report(
    { bench: 'identity-verify-route', ...r },
    `identity verify route (POST /v1/groups/{g}/credentials/verify), client in its own process: ` +
      `${sc.verificationsPerSec} verifications/s with ${r.concurrency} in flight (p50 ${sc.p50} / p99 ${sc.p99} ms), ` +
      `server CPU ${sc.serverCpuUs} µs each (its JS thread ${sc.serverJsThreadUs} µs), client CPU ${sc.clientCpuUs} µs each; ` +
      `one at a time p50 ${sc.oneAtATime.p50} / p99 ${sc.oneAtATime.p99} ms; with node:http's client ` +
      `${sc.nodeHttpClient.verificationsPerSec}/s, server ${sc.nodeHttpClient.serverCpuUs} µs, client ${sc.nodeHttpClient.clientCpuUs} µs each; ` +
      `the HTTP floor (400) server ${sc.httpFloor.serverCpuUs} µs (JS thread ${sc.httpFloor.serverJsThreadUs} µs) each. ` +
      `Client in the node's process: one at a time p50 ${r.verifyMs.p50} ms, ` +
      `p99 ${r.verifyMs.p99} ms; ${r.verificationsPerSec} verifications/s (${r.concurrency} in flight); ` +
      `verifier alone ${r.inProcess.uncachedUs} µs uncached vs ${r.inProcess.cachedUs} µs with the head cache (×${r.inProcess.ratio}); ` +
      `published status ${r.published.fetchEachUs} µs CPU fetched each time vs ${r.published.keptUs} µs kept for its ttl (×${r.published.ratio}); ` +
      `did:web issuer ${r.didWeb.fetchEachUs} µs CPU fetched each time vs ${r.didWeb.keptUs} µs kept (×${r.didWeb.ratio}, ${r.didWeb.keptFetches} fetch); ` +
      `CPU per request: route ${r.cpuUs.route} µs, HTTP floor ${r.cpuUs.httpFloor} µs (${r.cpuUs.httpFloorFetch} µs with fetch), verifier ${r.cpuUs.verifier} µs (its KB-JWT signature ${r.cpuUs.kbSignature} µs); ` +
      `after revoke ${r.invalidation.afterRevoke.join(',') || 'valid'}, after de-recognition ${r.invalidation.afterDerecognise.join(',') || 'valid'}`,
  );
}
