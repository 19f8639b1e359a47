import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import { FUNDS_ROUTE_PATHS } from '../../src/api/routes/funds.js';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import { toBase64Url, toHex, utf8 } from '../../src/encoding/index.js';
import { type GongzhiError, isGongzhiError } from '../../src/errors/index.js';
import { type CborMap, DEFAULT_PARAMS, decodeTx, encodeTx, type Genesis } from '../../src/ledger/index.js';
import { GongzhiNode } from '../../src/node/index.js';
import {
  type BlockEventView,
  buildTx,
  GongzhiClient,
  type TxResponse,
  verifyCertificate,
  verifyTxInclusion,
} from '../../src/sdk/index.js';

const suite = getSuite('ed25519');
const CHAIN = 'api-test';

const admin = suite.generateKeyPair();
const admin2 = suite.generateKeyPair();
const outsider = suite.generateKeyPair();
const nodeKey = suite.generateKeyPair();
const adminAddr = suite.address(admin.publicKey);
const trustedNodes = [{ id: 'node1', publicKey: toHex(nodeKey.publicKey) }];

function genesis(group: string, params: Partial<typeof DEFAULT_PARAMS> = {}): Genesis {
  return {
    chain: CHAIN,
    group,
    suite: suite.id,
    timestamp: 1_700_000_000_000,
    params: { ...DEFAULT_PARAMS, blockIntervalMs: 20, ...params },
    orgs: [
      {
        id: 'org1',
        name: 'Org One',
        admins: [toHex(admin.publicKey), toHex(admin2.publicKey)],
        nodes: [{ id: 'node1', publicKey: toHex(nodeKey.publicKey) }],
      },
    ],
    committee: { members: [{ account: adminAddr, weight: 1 }], threshold: 67 },
    roles: { [adminAddr]: ['org'] },
    permissions: {
      'evidence.anchor': ['org'],
      'evidence.cosign': ['org'],
      'evidence.note': ['org'],
      'evidence.revoke': ['org'],
    },
  };
}

async function startNode(dataDir: string, groups: Genesis[], mempoolLimit?: number): Promise<GongzhiNode> {
  return GongzhiNode.start({
    nodeId: 'node1',
    org: 'org1',
    nodeSecretKey: nodeKey.secretKey,
    genesis: groups,
    dataDir,
    logger: pino({ level: 'silent' }),
    // A bounded mempool test needs blocks that wait for the timer, not ones cut the moment the node is idle.
    ...(mempoolLimit === undefined ? {} : { mempoolLimit, cutWhenIdle: false }),
  });
}

let seq = 0;
function digestOf(label: string): Uint8Array {
  return suite.hash(utf8(`${label}-${seq++}-${Math.random()}`));
}

const meta = { type: 'photo', capturedBy: 'tester', capturedAt: 1_700_000_000_000, method: 'camera' };

/** Poll until `cond` holds (or fail after `ms`). */
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function expectCode(p: Promise<unknown>, code: string, status?: number): Promise<GongzhiError> {
  try {
    await p;
  } catch (e) {
    expect(isGongzhiError(e)).toBe(true);
    const err = e as GongzhiError;
    expect(err.code).toBe(code);
    if (status !== undefined) expect(err.details.status).toBe(status);
    return err;
  }
  throw new Error(`expected ${code}`);
}

describe('HTTP API against a real node', () => {
  let dataDir: string;
  let node: GongzhiNode;
  let server: RunningServer;
  let client: GongzhiClient;
  let url: string;

  const tx = (
    key: KeyPair,
    module: string,
    method: string,
    args: CborMap,
    o: { group?: string; nonce?: string; validUntil?: number } = {},
  ) =>
    buildTx({
      suite,
      secretKey: key.secretKey,
      chain: CHAIN,
      group: o.group ?? 'main',
      module,
      method,
      args,
      validUntil: o.validUntil ?? node.group(o.group ?? 'main').latest.height + 100,
      ...(o.nonce === undefined ? {} : { nonce: o.nonce }),
    });

  const anchorTx = (key: KeyPair = admin, o: { group?: string; nonce?: string; validUntil?: number } = {}) =>
    tx(key, 'evidence', 'anchor', { digest: digestOf('a'), alg: 'sha256', meta }, o);

  /** Height, head hash, state root and mempool of every group: must not move on a rejection. */
  const snapshot = () =>
    node.groupIds().map((id) => {
      const g = node.group(id);
      return {
        id,
        height: g.latest.height,
        hash: toHex(g.latest.hash),
        state: toHex(g.latest.header.stateRoot),
        mempool: g.mempoolSize,
      };
    });

  const post = (path: string, body: string | Uint8Array, contentType = 'application/json') =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-api-'));
    node = await startNode(dataDir, [genesis('main'), genesis('second')]);
    server = await startServer(node, { host: '127.0.0.1', port: 0 });
    url = server.url;
    client = new GongzhiClient({ url, secretKey: admin.secretKey });
    // Some history, so each test can also run on its own.
    const seeded = await client.submitBatch(
      'main',
      Array.from({ length: 12 }, () => anchorTx().bytes),
      { wait: 'commit' },
    );
    expect(seeded.every((r) => r.status === 'committed')).toBe(true);
  });

  afterAll(async () => {
    await server?.close();
    await node?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('describes the node and its groups', async () => {
    const info = await client.node();
    expect(info).toMatchObject({ nodeId: 'node1', org: 'org1', suite: 'ed25519', chain: CHAIN });
    expect(info).not.toHaveProperty('dataDir');
    const groups = await client.groups();
    expect(groups.map((g) => g.id).sort()).toEqual(['main', 'second']);
    const health = await client.health();
    expect(health.status).toBe('ok');
    expect(health.groups).toHaveLength(2);
  });

  it('submits a transaction and waits for its commit', async () => {
    const t = anchorTx();
    const r = await client.submit('main', t.bytes, { wait: 'commit' });
    expect(r.hash).toBe(t.hash);
    expect(r.status).toBe('committed');
    expect(r.height).toBeGreaterThan(0);
    expect(r.receipt?.status).toBe('ok');
    expect(r.receipt?.events[0]).toMatchObject({ module: 'evidence', name: 'anchored' });

    const t2 = anchorTx();
    const accepted = await client.submit('main', t2.bytes);
    expect(accepted).toEqual({ hash: t2.hash });
    await node.group('main').waitForCommit(t2.hash, 5000);
  });

  it('accepts raw application/cbor bodies', async () => {
    const t = anchorTx();
    const res = await post('/v1/groups/main/txs?wait=commit', t.bytes, 'application/cbor');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { hash: string; status: string };
    expect(body).toMatchObject({ hash: t.hash, status: 'committed' });
  });

  it('returns a transaction with proofs that verify offline', async () => {
    const t = anchorTx();
    const committed = await client.submit('main', t.bytes, { wait: 'commit' });
    const got = await client.tx('main', t.hash);
    expect(got.status).toBe('committed');
    expect(got.height).toBe(committed.height);
    expect(got.tx).toMatchObject({ hash: t.hash, module: 'evidence', method: 'anchor', sender: adminAddr });
    expect(got.tx?.senderKey).toBe(toHex(admin.publicKey));
    expect(typeof got.tx?.args.digest).toBe('string');
    expect(got.receipt?.status).toBe('ok');
    expect(got.proof?.txRoot).toMatch(/^[0-9a-f]{64}$/);

    const v = verifyTxInclusion(got, { suite, trustedNodes, chain: CHAIN, group: 'main' });
    expect(v.ok).toBe(true);
    if (v.ok) expect(v.signedBy).toEqual(['node1']);

    // Any tampering is caught.
    const forged: TxResponse = { ...got, hash: anchorTx().hash };
    expect(verifyTxInclusion(forged, { suite }).ok).toBe(false);
    const badRoot: TxResponse = { ...got, proof: { txRoot: '00'.repeat(32), steps: got.proof?.steps ?? [] } };
    expect(verifyTxInclusion(badRoot, { suite }).ok).toBe(false);
    const untrusted = verifyTxInclusion(got, {
      suite,
      trustedNodes: [{ id: 'node1', publicKey: toHex(admin.publicKey) }],
    });
    expect(untrusted.ok).toBe(false);

    // A transaction in a block with several others has a non-trivial path.
    const many = Array.from({ length: 5 }, () => anchorTx());
    const results = await client.submitBatch(
      'main',
      many.map((m) => m.bytes),
      { wait: 'commit' },
    );
    for (const [i, m] of many.entries()) {
      expect(results[i]?.status).toBe('committed');
      const r = await client.tx('main', m.hash);
      expect(verifyTxInclusion(r, { suite, trustedNodes }).ok).toBe(true);
    }
  });

  it('answers pending and unknown transactions', async () => {
    const unknown = anchorTx().hash;
    await expectCode(client.tx('main', unknown), 'TX_NOT_FOUND', 404);
    await expectCode(client.tx('main', 'zz'), 'API_BAD_REQUEST', 400);
  });

  it('serves blocks: latest, by height, by hash', async () => {
    const latest = await client.block('main', 'latest');
    expect(latest.height).toBe(node.group('main').latest.height);
    const byHeight = await client.block('main', latest.height);
    const byHash = await client.block('main', latest.hash);
    expect(byHeight).toEqual(latest);
    expect(byHash).toEqual(latest);
    expect(latest.header.height).toBe(latest.height);
    expect(latest.signatures[0]?.node).toBe('node1');
    expect(latest.txs.length).toBe(latest.header.txCount);
    const genesisBlock = await client.block('main', 0);
    expect(genesisBlock.header.parent).toBe('00'.repeat(32));
    await expectCode(client.block('main', 999_999), 'BLOCK_NOT_FOUND', 404);
    await expectCode(client.block('main', 'nonsense'), 'API_BAD_REQUEST', 400);
  });

  it('submits batches, reporting each transaction on its own', async () => {
    const good = Array.from({ length: 40 }, () => anchorTx());
    const dupNonce = anchorTx(admin, { nonce: 'batch-dup' });
    const dupNonce2 = anchorTx(admin, { nonce: 'batch-dup' });
    const res = await post(
      '/v1/groups/main/txs/batch?wait=commit',
      JSON.stringify({
        txs: [
          ...good.map((t) => toBase64Url(t.bytes)),
          '%%%',
          toBase64Url(dupNonce.bytes),
          toBase64Url(dupNonce2.bytes),
        ],
      }),
    );
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as {
      results: {
        hash?: string;
        status?: string;
        height?: number;
        receiptStatus?: string;
        error?: { code: string };
      }[];
    };
    expect(results).toHaveLength(43);
    for (const [i, t] of good.entries()) {
      expect(results[i]).toMatchObject({ hash: t.hash, status: 'committed', receiptStatus: 'ok' });
      expect(results[i]?.height).toBeGreaterThan(0);
    }
    expect(results[40]?.error?.code).toBe('TX_MALFORMED');
    expect(results[41]).toMatchObject({ hash: dupNonce.hash, status: 'committed' });
    expect(results[42]?.error?.code).toBe('TX_NONCE_REPLAYED');

    const noWait = await client.submitBatch('main', [anchorTx().bytes, anchorTx().bytes]);
    expect(noWait.every((r) => typeof r.hash === 'string' && r.error === undefined)).toBe(true);
    for (const r of noWait) await node.group('main').waitForCommit(r.hash as string, 5000);
  });

  it('runs module queries and index lookups', async () => {
    const params = await client.query<{ blockIntervalMs: number }>('main', 'governance', 'params');
    expect(params.blockIntervalMs).toBe(20);
    const committee = await client.query<{ members: { account: string }[] }>(
      'main',
      'governance',
      'committee',
    );
    expect(committee.members[0]?.account).toBe(adminAddr);
    const roles = await client.query<{ roles: string[] }>('main', 'governance', 'roles', {
      account: adminAddr,
    });
    expect(roles.roles).toContain('org');
    await expectCode(client.query('main', 'governance', 'nope'), 'API_NOT_FOUND', 404);
    await expectCode(
      client.query('main', 'governance', 'proposal', { id: 42 }),
      'GOV_PROPOSAL_NOT_FOUND',
      404,
    );

    const bySender = await client.txs('main', { sender: adminAddr, limit: 3 });
    expect(bySender).toHaveLength(3);
    expect(bySender[0]?.sender).toBe(adminAddr);
    const byModule = await client.txs('main', { module: 'evidence', limit: 1000 });
    expect(byModule.length).toBeGreaterThan(10);
    expect(byModule.every((t) => t.module === 'evidence')).toBe(true);
    const res = await fetch(`${url}/v1/groups/main/txs`);
    expect(res.status).toBe(400);
  });

  it('uses the typed helpers and builds an evidence certificate that verifies offline', async () => {
    const digest = digestOf('cert');
    const anchored = await client.evidence.anchor('main', { digest, meta });
    expect(anchored.receipt?.status).toBe('ok');
    const cosigned = await client.evidence.cosign('main', digest, { secretKey: admin2.secretKey });
    expect(cosigned.receipt?.status).toBe('ok');
    await client.evidence.note('main', digest, 'seen by both');
    const record = await client.evidence.get('main', digest);
    expect(record.signers.map((s) => s.account)).toEqual([adminAddr, suite.address(admin2.publicKey)]);
    expect(record.notes[0]?.text).toBe('seen by both');

    const cert = await client.evidenceCertificate('main', toHex(digest));
    expect(cert.cosigns).toHaveLength(1);
    const check = verifyCertificate({ certificate: cert, digest, trustedNodes });
    expect(check.checks.filter((c) => !c.ok)).toEqual([]);
    expect(check.errors).toEqual([]);
    expect(check.valid).toBe(true);

    await client.evidence.revoke('main', digest, 'mistake', { secretKey: admin2.secretKey });
    const after = await client.evidence.certificate('main', digest);
    expect(after.revocations).toHaveLength(1);
    expect(verifyCertificate({ certificate: after, digest, trustedNodes }).valid).toBe(true);

    await expectCode(client.evidenceCertificate('main', toHex(digestOf('none'))), 'EVIDENCE_NOT_FOUND', 404);
    // Failed receipts surface as the receipt's error code.
    await expectCode(client.evidence.anchor('main', { digest, meta }), 'EVIDENCE_EXISTS');
  });

  it('streams committed blocks over SSE and resumes from a height', async () => {
    const g = node.group('main');
    const listeners = () => (Reflect.get(g, 'listeners') as Set<unknown>).size;
    const before = listeners();
    const live: BlockEventView[] = [];
    const close = client.subscribe('main', {}, (e) => live.push(e));
    await until(() => listeners() === before + 1);
    const t = anchorTx();
    const r = await client.submit('main', t.bytes, { wait: 'commit' });
    await until(() => live.some((e) => e.txs.some((x) => x.hash === t.hash)));
    const ev = live.find((e) => e.height === r.height);
    expect(ev?.txs.find((x) => x.hash === t.hash)?.events[0]?.name).toBe('anchored');
    expect(ev?.group).toBe('main');
    close();
    await until(() => listeners() === before);

    // Replay from an earlier height: every block from there, in order, then live ones.
    const from = Math.max(0, (r.height as number) - 2);
    const replayed: BlockEventView[] = [];
    const close2 = client.subscribe('main', { from }, (e) => replayed.push(e));
    await until(() => replayed.length >= 3);
    expect(replayed.slice(0, 3).map((e) => e.height)).toEqual([from, from + 1, from + 2]);
    const t2 = anchorTx();
    const r2 = await client.submit('main', t2.bytes, { wait: 'commit' });
    await until(() => replayed.some((e) => e.height === r2.height));
    const heights = replayed.map((e) => e.height);
    expect(heights).toEqual([...heights].sort((a, b) => a - b));
    expect(new Set(heights).size).toBe(heights.length);
    close2();

    // Last-Event-ID resumes after the given height; ids are heights.
    const ctrl = new AbortController();
    const res = await fetch(`${url}/v1/groups/main/events?from=0`, {
      headers: { 'last-event-id': String((r.height as number) - 1) },
      signal: ctrl.signal,
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('\n\nid: ') && !/^id: /m.test(text)) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    expect(text).toMatch(new RegExp(`^id: ${r.height}$`, 'm'));
    ctrl.abort();
    await until(() => listeners() === before);

    await expectCode(
      new Promise((_, reject) => {
        const stop = client.subscribe('nope', { onError: (e) => reject(e) }, () => undefined);
        setTimeout(stop, 3000);
      }),
      'TX_UNKNOWN_GROUP',
      404,
    );
  });

  it('publishes an OpenAPI document covering every route', async () => {
    const doc = (await client.openapi()) as {
      openapi: string;
      paths: Record<string, Record<string, { summary?: string; responses?: Record<string, unknown> }>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    const expected: [string, string][] = [
      ['/health', 'get'],
      ['/metrics', 'get'],
      ['/openapi.json', 'get'],
      ['/v1/node', 'get'],
      ['/v1/groups', 'get'],
      ['/v1/groups/{group}/txs', 'post'],
      ['/v1/groups/{group}/txs', 'get'],
      ['/v1/groups/{group}/txs/batch', 'post'],
      ['/v1/groups/{group}/txs/bodies', 'get'],
      ['/v1/groups/{group}/txs/{hash}', 'get'],
      ['/v1/groups/{group}/txs/{hash}/receipt', 'get'],
      ['/v1/groups/{group}/blocks/latest', 'get'],
      ['/v1/groups/{group}/blocks/{id}', 'get'],
      ['/v1/groups/{group}/blocks', 'get'],
      ['/v1/groups/{group}/blocks/{id}/header', 'get'],
      ['/v1/groups/{group}/blocks/{id}/txs', 'get'],
      ['/v1/groups/{group}/query/{module}/{name}', 'get'],
      ['/v1/groups/{group}/evidence/{digest}/certificate', 'get'],
      ['/v1/groups/{group}/events', 'get'],
      ['/v1/groups/{group}/sync/blocks', 'get'],
      ['/v1/groups/{group}/modules', 'get'],
      ['/v1/groups/{group}/datashare/agree', 'post'],
      ['/v1/groups/{group}/datashare/fetch', 'post'],
      ['/docs', 'get'],
      ['/01/{gtin}/10/{lot}', 'get'],
      ['/01/{gtin}/10/{lot}/21/{serial}', 'get'],
      ['/01/{gtin}/21/{serial}', 'get'],
      ['/v1/trace/links', 'get'],
      ['/v1/trace/verify.js', 'get'],
      ['/v1/groups/{group}/trace/events', 'post'],
      ['/v1/groups/{group}/trace/events/{hash}', 'get'],
      // The web console's page (src/api/routes/console.ts); its SPA fallback is not documented.
      ['/', 'get'],
      ['/v1/groups/{group}/identity/status-lists/{issuer}/{list}', 'get'],
      ['/v1/groups/{group}/identity/status-lists/{issuer}/{list}/bitstring', 'get'],
      ['/v1/groups/{group}/credentials/verify', 'post'],
      ['/1.0/identifiers/{*}', 'get'],
      // OpenID4VCI / OpenID4VP and SD-JWT VC type metadata (src/api/routes/identity-openid.ts).
      ['/.well-known/openid-credential-issuer', 'get'],
      ['/.well-known/oauth-authorization-server', 'get'],
      ['/v1/openid4vci/offers', 'post'],
      ['/v1/openid4vci/token', 'post'],
      ['/v1/openid4vci/authorize', 'get'],
      ['/v1/openid4vci/nonce', 'post'],
      ['/v1/openid4vci/credential', 'post'],
      ['/v1/groups/{group}/identity/vct/{schemaId}/{version}', 'get'],
      ['/v1/groups/{group}/openid4vp/requests', 'post'],
      ['/v1/groups/{group}/openid4vp/response', 'post'],
      ['/v1/groups/{group}/openid4vp/requests/{state}', 'get'],
      ['/v1/groups/{group}/openid4vp/outcome', 'post'],
      ['/v1/groups/{group}/openid4vp/request-objects/{ref}', 'get'],
      ['/v1/groups/{group}/openid4vp/request-objects/{ref}', 'post'],
    ];
    for (const p of Object.values(FUNDS_ROUTE_PATHS)) expected.push([p.replace(/:(\w+)/g, '{$1}'), 'get']);
    // Each module query also has its own documented path (test/integration/openapi.test.ts).
    for (const m of node.group('main').registry.describe()) {
      for (const q of m.queries) expected.push([`/v1/groups/{group}/query/${m.name}/${q.name}`, 'get']);
    }
    for (const [path, method] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op?.summary, `${method} ${path} summary`).toBeTruthy();
      expect(
        // A success is a 2xx, or the redirect of the OpenID4VCI authorization endpoint.
        Object.keys(op?.responses ?? {}).some((s) => s.startsWith('2') || s === '302'),
        `${method} ${path} 2xx`,
      ).toBe(true);
    }
    const documented = Object.values(doc.paths).reduce((n, p) => n + Object.keys(p).length, 0);
    expect(documented).toBe(expected.length);
  });

  it('exposes Prometheus metrics', async () => {
    const text = await client.metrics();
    expect(text).toContain('gongzhi_blocks_total');
    expect(text).toMatch(/gongzhi_blocks_total\{group="main"\} [1-9]/);
  });

  it('keeps groups isolated', async () => {
    const t = anchorTx();
    await client.submit('main', t.bytes, { wait: 'commit' });
    await expectCode(client.tx('second', t.hash), 'TX_NOT_FOUND', 404);
    const digest = toHex(decodeTx(t.bytes).body.args.digest as Uint8Array);
    await expectCode(client.query('second', 'evidence', 'get', { digest }), 'EVIDENCE_NOT_FOUND', 404);
    expect((await client.query('main', 'evidence', 'get', { digest })) as { digest: string }).toMatchObject({
      digest,
    });
    await expectCode(client.tx('nope', t.hash), 'TX_UNKNOWN_GROUP', 404);
    await expectCode(client.submit('nope', t.bytes), 'TX_UNKNOWN_GROUP', 404);
    await expectCode(client.block('nope', 'latest'), 'TX_UNKNOWN_GROUP', 404);
  });

  describe('rejections change nothing', () => {
    let committed: { hash: string; nonce: string };

    beforeAll(async () => {
      const t = anchorTx(admin, { nonce: 'reused-nonce' });
      await client.submit('main', t.bytes, { wait: 'commit' });
      committed = { hash: t.hash, nonce: 'reused-nonce' };
      await until(() => node.groupIds().every((id) => node.group(id).mempoolSize === 0));
    });

    const rejected = async (p: Promise<unknown>, code: string, status: number) => {
      const before = snapshot();
      await expectCode(p, code, status);
      await new Promise((r) => setTimeout(r, 60));
      expect(snapshot()).toEqual(before);
    };

    const rawRejected = async (res: Promise<Response>, code: string, status: number) => {
      const before = snapshot();
      const r = await res;
      expect(r.status).toBe(status);
      const body = (await r.json()) as {
        error: { code: string; message: string; details: object; hint: string };
      };
      expect(body.error.code).toBe(code);
      expect(typeof body.error.message).toBe('string');
      expect(typeof body.error.details).toBe('object');
      // The code's hint (one table), on every route's error answer.
      expect(body.error.hint).toBeTruthy();
      await new Promise((r) => setTimeout(r, 60));
      expect(snapshot()).toEqual(before);
    };

    it('tampered signature → 401 TX_BAD_SIGNATURE', async () => {
      const t = anchorTx();
      const sig = new Uint8Array(t.tx.sig);
      sig[0] = (sig[0] as number) ^ 0xff;
      await rejected(client.submit('main', encodeTx({ body: t.tx.body, sig })), 'TX_BAD_SIGNATURE', 401);
    });

    it('replayed nonce → 409, duplicate → 409', async () => {
      await rejected(
        client.submit('main', anchorTx(admin, { nonce: committed.nonce }).bytes),
        'TX_NONCE_REPLAYED',
        409,
      );
      const t = anchorTx();
      await client.submit('main', t.bytes, { wait: 'commit' });
      await rejected(client.submit('main', t.bytes), 'TX_DUPLICATE', 409);
    });

    it('wrong group → 400 TX_WRONG_GROUP; unknown group → 404', async () => {
      await rejected(
        client.submit('main', anchorTx(admin, { group: 'second' }).bytes),
        'TX_WRONG_GROUP',
        400,
      );
      await rejected(client.submit('other', anchorTx().bytes), 'TX_UNKNOWN_GROUP', 404);
    });

    it('expired or too long validity window → 400', async () => {
      await rejected(client.submit('main', anchorTx(admin, { validUntil: 0 }).bytes), 'TX_EXPIRED', 400);
      await rejected(
        client.submit('main', anchorTx(admin, { validUntil: node.group('main').latest.height + 5000 }).bytes),
        'TX_WINDOW_TOO_LONG',
        400,
      );
    });

    it('malformed base64 / CBOR → 400 TX_MALFORMED', async () => {
      await rawRejected(
        post('/v1/groups/main/txs', JSON.stringify({ tx: 'not base64!' })),
        'TX_MALFORMED',
        400,
      );
      await rawRejected(
        post('/v1/groups/main/txs', JSON.stringify({ tx: toBase64Url(utf8('garbage')) })),
        'TX_MALFORMED',
        400,
      );
      await rawRejected(
        post('/v1/groups/main/txs', utf8('garbage'), 'application/cbor'),
        'TX_MALFORMED',
        400,
      );
      const t = anchorTx();
      await rawRejected(
        post('/v1/groups/main/txs', t.bytes.subarray(0, t.bytes.length - 1), 'application/cbor'),
        'TX_MALFORMED',
        400,
      );
    });

    it('malformed JSON, invalid bodies and unknown routes', async () => {
      await rawRejected(post('/v1/groups/main/txs', '{"tx": '), 'API_BAD_REQUEST', 400);
      await rawRejected(post('/v1/groups/main/txs', '{}'), 'API_BAD_REQUEST', 400);
      await rawRejected(post('/v1/groups/main/txs', JSON.stringify({ tx: 5 })), 'API_BAD_REQUEST', 400);
      await rawRejected(
        post('/v1/groups/main/txs/batch', JSON.stringify({ txs: 'x' })),
        'API_BAD_REQUEST',
        400,
      );
      await rawRejected(post('/v1/groups/main/txs', 'tx=1', 'text/plain'), 'API_UNSUPPORTED_MEDIA_TYPE', 415);
      await rawRejected(post('/v1/groups/Main!/txs', '{}'), 'API_BAD_REQUEST', 400);
      await rawRejected(fetch(`${url}/v1/nothing-here`), 'API_NOT_FOUND', 404);
      await rawRejected(
        fetch(`${url}/v1/groups/main/txs?wait=commit`, { method: 'DELETE' }),
        'API_NOT_FOUND',
        404,
      );
    });

    it('oversize body → 413 API_BODY_TOO_LARGE', async () => {
      const huge = JSON.stringify({ tx: 'A'.repeat(2 * 1024 * 1024) });
      await rawRejected(post('/v1/groups/main/txs', huge), 'API_BODY_TOO_LARGE', 413);
      const tooMany = JSON.stringify({ txs: Array.from({ length: 10_001 }, () => 'AA') });
      await rawRejected(post('/v1/groups/main/txs/batch', tooMany), 'API_BAD_REQUEST', 400);
    });

    it('a caller without the role is refused at admission: 403 EXEC_PERMISSION_DENIED, no receipt', async () => {
      const t = anchorTx(outsider);
      const before = snapshot();
      const e = await expectCode(
        client.submit('main', t.bytes, { wait: 'commit' }),
        'EXEC_PERMISSION_DENIED',
        403,
      );
      expect(e.details).toMatchObject({ method: 'evidence.anchor' });
      await expectCode(client.tx('main', t.hash), 'TX_NOT_FOUND', 404);
      expect(snapshot()).toEqual(before);
      const digest = toHex(t.tx.body.args.digest as Uint8Array);
      await expectCode(client.query('main', 'evidence', 'get', { digest }), 'EVIDENCE_NOT_FOUND', 404);
      const outsiderClient = new GongzhiClient({ url, secretKey: outsider.secretKey });
      await expectCode(
        outsiderClient.evidence.anchor('main', { digest: digestOf('x'), meta }),
        'EXEC_PERMISSION_DENIED',
      );
    });
  });

  it('ends event streams and closes cleanly, and the data survives a restart', async () => {
    const t = anchorTx();
    await client.submit('main', t.bytes, { wait: 'commit' });
    const events: BlockEventView[] = [];
    const errors: GongzhiError[] = [];
    const stop = client.subscribe('main', { onError: (e) => errors.push(e) }, (e) => events.push(e));
    const g = node.group('main');
    await until(() => (Reflect.get(g, 'listeners') as Set<unknown>).size > 0);
    const t0 = Date.now();
    await server.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect((Reflect.get(g, 'listeners') as Set<unknown>).size).toBe(0);
    stop();
    await node.close();

    node = await startNode(dataDir, [genesis('main'), genesis('second')]);
    server = await startServer(node, { host: '127.0.0.1', port: 0 });
    url = server.url;
    client = new GongzhiClient({ url, secretKey: admin.secretKey });
    const again = await client.tx('main', t.hash);
    expect(again.status).toBe('committed');
    expect(verifyTxInclusion(again, { suite, trustedNodes }).ok).toBe(true);
    const next = anchorTx();
    expect((await client.submit('main', next.bytes, { wait: 'commit' })).receipt?.status).toBe('ok');
  });
});

describe('mempool back-pressure and shutdown', () => {
  it('answers MEMPOOL_FULL with 503 and Retry-After; a shutdown ends commit waits with 503', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongzhi-api-full-'));
    const node = await startNode(dir, [genesis('main', { blockIntervalMs: 60_000 })], 2);
    const server = await startServer(node, { host: '127.0.0.1', port: 0 });
    try {
      const make = () =>
        buildTx({
          suite,
          secretKey: admin.secretKey,
          chain: CHAIN,
          group: 'main',
          module: 'evidence',
          method: 'anchor',
          args: { digest: digestOf('full'), alg: 'sha256', meta },
          validUntil: 100,
        });
      const send = (bytes: Uint8Array, query = '') =>
        fetch(`${server.url}/v1/groups/main/txs${query}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ tx: toBase64Url(bytes) }),
        });
      // Blocks are cut only every minute here: this wait stays open until the server closes.
      const waiting = send(make().bytes, '?wait=commit&timeoutMs=60000');
      await until(() => node.group('main').mempoolSize === 1);
      expect((await send(make().bytes)).status).toBe(202);
      const full = await send(make().bytes);
      expect(full.status).toBe(503);
      expect(Number(full.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await full.json()) as { error: { code: string } }).error.code).toBe('MEMPOOL_FULL');
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { groups: { mempool: number }[] }).groups[0]?.mempool).toBe(2);

      const t0 = Date.now();
      await server.close();
      expect(Date.now() - t0).toBeLessThan(1000);
      const cut = await waiting;
      expect(cut.status).toBe(503);
      expect(((await cut.json()) as { error: { code: string } }).error.code).toBe('NODE_SHUTTING_DOWN');
    } finally {
      await server.close();
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
