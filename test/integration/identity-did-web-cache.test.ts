import type { OutgoingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import {
  type DidDocument,
  DidWebCache,
  fetchDidWeb,
  issueSdJwtVc,
  presentSdJwtVc,
  type VerificationResult,
  verifyPresentation,
} from '../../src/credentials/index.js';
import { exportJwk, getSuite, type KeyPair } from '../../src/crypto/index.js';
import { IdentityNet } from '../../src/demos/health-pass.js';
import { isGongzhiError } from '../../src/errors/index.js';
import { makeLocalhostCert } from '../../src/testing/index.js';
import { tempDir } from '../helpers/fixtures.js';

const SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' } },
  required: ['name'],
  additionalProperties: false,
};

/**
 * What the did:web host answers for a path: a document and its headers, or an HTTP error. A
 * request whose `If-None-Match` is the answer's ETag (or, without one, whose `If-Modified-Since`
 * is its Last-Modified) is answered 304 with `on304` headers (default: the answer's).
 */
type Answer =
  | { doc: unknown; headers?: OutgoingHttpHeaders; on304?: OutgoingHttpHeaders }
  | { status: number };

/** The validators a request to the host carried. */
interface Asked {
  readonly ifNoneMatch: string | undefined;
  readonly ifModifiedSince: string | undefined;
  readonly status: number;
}

/**
 * did:web documents kept for their HTTP freshness (src/credentials/did-web-cache.ts), against a
 * real local HTTPS host that counts its hits. The cache's clock is injected; nothing here waits.
 */
describe('the did:web document cache', () => {
  const tmp = tempDir('gongzhi-did-web-cache-');
  let web: Server;
  let host = '';
  let ca = '';
  const answers = new Map<string, Answer>();
  const hits = new Map<string, number>();
  const hitsOf = (path: string) => hits.get(path) ?? 0;
  const asked = new Map<string, Asked[]>();
  const askedOf = (path: string) => asked.get(path) ?? [];
  let net: IdentityNet;
  let api: RunningServer;

  beforeAll(async () => {
    // A did:web host: HTTPS with a self-signed certificate made for this run.
    const tls = makeLocalhostCert(tmp.dir);
    ca = tls.cert;
    web = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      const path = req.url ?? '';
      hits.set(path, hitsOf(path) + 1);
      const a = answers.get(path);
      const ask = (status: number) =>
        asked.set(path, [
          ...askedOf(path),
          {
            ifNoneMatch: req.headers['if-none-match'],
            ifModifiedSince: req.headers['if-modified-since'],
            status,
          },
        ]);
      if (a === undefined || 'status' in a) {
        ask(a === undefined ? 404 : a.status);
        res.writeHead(a === undefined ? 404 : a.status).end();
        return;
      }
      const inm = req.headers['if-none-match'];
      const etag = a.headers?.etag;
      const unchanged =
        inm !== undefined
          ? etag !== undefined && inm === etag
          : req.headers['if-modified-since'] !== undefined &&
            req.headers['if-modified-since'] === a.headers?.['last-modified'];
      ask(unchanged ? 304 : 200);
      if (unchanged) {
        res.writeHead(304, a.on304 ?? a.headers ?? {}).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/did+json', ...(a.headers ?? {}) })
        .end(JSON.stringify(a.doc));
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    host = `localhost:${(web.address() as AddressInfo).port}`;
    net = await IdentityNet.start(
      { dataDir: join(tmp.dir, 'node'), log: () => undefined },
      'dwc',
      { uni: ['identity-registrar'] },
      { allowHosts: [host], ca },
    );
    for (const who of ['uni', 'holder']) await net.createDid(who);
    // A system-range schema: open to every issuer, did:web ones included.
    await net.ok('uni', 'identity', 'registerSchema', {
      schemaId: 9,
      issuer: net.id('uni'),
      name: 'Member',
      schema: JSON.stringify(SCHEMA),
    });
    api = await startServer(net.node, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await api?.close();
    await net?.stop();
    web?.closeAllConnections();
    await new Promise<void>((r) => (web ? web.close(() => r()) : r()));
    tmp.remove();
  });

  /** A did:web DID under `/<name>/did.json` on the test host, and that path. */
  const didAt = (name: string) => ({
    did: `did:web:${host.replace(':', '%3A')}:${name}`,
    path: `/${name}/did.json`,
  });
  const docWith = (did: string, keys: Readonly<Record<string, KeyPair>> = {}): DidDocument => ({
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: Object.entries(keys).map(([f, k]) => ({
      id: `${did}#${f}`,
      type: 'JsonWebKey2020' as const,
      controller: did,
      publicKeyJwk: exportJwk('ed25519', { publicKey: k.publicKey }),
    })),
    authentication: [],
    assertionMethod: Object.keys(keys).map((f) => `${did}#${f}`),
  });
  /** A cache over the test host whose clock the test moves. */
  const cacheAt = (opts: { maxAgeSeconds?: number; maxEntries?: number } = {}) => {
    const clock = { t: Date.now() / 1000 };
    const cache = new DidWebCache((did, v) => fetchDidWeb(did, { allowHosts: [host], ca }, v), {
      ...opts,
      now: () => clock.t,
    });
    return { cache, clock };
  };
  const codeOf = async (p: Promise<unknown>) =>
    p.then(
      () => 'resolved',
      (e: unknown) => (isGongzhiError(e) ? e.code : String(e)),
    );

  it('keeps a document for its max-age (one fetch), refetches once it expires, and never past the configured cap', async () => {
    const { did, path } = didAt('fresh');
    answers.set(path, { doc: docWith(did), headers: { 'cache-control': 'public, max-age=60' } });
    const { cache, clock } = cacheAt();
    expect((await cache.resolve(did)).id).toBe(did);
    await cache.resolve(did);
    clock.t += 59;
    await cache.resolve(did);
    expect(hitsOf(path)).toBe(1);
    clock.t += 2;
    await cache.resolve(did);
    expect(hitsOf(path)).toBe(2);
    // Kept documents are shared: nobody may change them.
    expect(Object.isFrozen(await cache.resolve(did))).toBe(true);

    // An hour allowed by the server, 100 s by the node.
    const capped = didAt('capped');
    answers.set(capped.path, { doc: docWith(capped.did), headers: { 'cache-control': 'max-age=3600' } });
    const c2 = cacheAt({ maxAgeSeconds: 100 });
    await c2.cache.resolve(capped.did);
    c2.clock.t += 99;
    await c2.cache.resolve(capped.did);
    expect(hitsOf(capped.path)).toBe(1);
    c2.clock.t += 2;
    await c2.cache.resolve(capped.did);
    expect(hitsOf(capped.path)).toBe(2);
    // A cap of 0 keeps nothing.
    const c3 = cacheAt({ maxAgeSeconds: 0 });
    await c3.cache.resolve(capped.did);
    await c3.cache.resolve(capped.did);
    expect(hitsOf(capped.path)).toBe(4);
    expect(c3.cache.size).toBe(0);
  });

  it('keeps by Expires against the response’s Date; no-store, no-cache, an Expires of 0 and no freshness at all are never kept', async () => {
    const { cache, clock } = cacheAt();
    const date = new Date();
    const byExpires = didAt('expires');
    answers.set(byExpires.path, {
      doc: docWith(byExpires.did),
      headers: { date: date.toUTCString(), expires: new Date(date.getTime() + 120_000).toUTCString() },
    });
    await cache.resolve(byExpires.did);
    clock.t += 110;
    await cache.resolve(byExpires.did);
    expect(hitsOf(byExpires.path)).toBe(1);
    clock.t += 15;
    await cache.resolve(byExpires.did);
    expect(hitsOf(byExpires.path)).toBe(2);

    const never: Record<string, OutgoingHttpHeaders> = {
      'no-store': { 'cache-control': 'no-store, max-age=600' },
      'no-cache': { 'cache-control': 'max-age=600, no-cache' },
      'expires-0': { expires: '0' },
      silent: {},
    };
    for (const [name, headers] of Object.entries(never)) {
      const { did, path } = didAt(name);
      answers.set(path, { doc: docWith(did), headers });
      await cache.resolve(did);
      await cache.resolve(did);
      expect(hitsOf(path), name).toBe(2);
    }
    expect(cache.size).toBe(1);
  });

  it('a stale document with an ETag is revalidated: a 304 keeps it (fresh for the 304’s max-age), a changed ETag replaces it', async () => {
    const { did, path } = didAt('etag');
    const k = getSuite('ed25519').generateKeyPair();
    answers.set(path, {
      doc: docWith(did),
      headers: { etag: '"v1"', 'cache-control': 'max-age=60' },
      on304: { etag: '"v1"', 'cache-control': 'max-age=120' },
    });
    const { cache, clock } = cacheAt();
    const first = await cache.resolve(did);
    expect(askedOf(path)).toEqual([{ ifNoneMatch: undefined, ifModifiedSince: undefined, status: 200 }]);
    clock.t += 61;
    // Stale: asked again with its ETag; the 304 gives back the very document kept, not a new parse.
    expect(await cache.resolve(did)).toBe(first);
    expect(askedOf(path)).toHaveLength(2);
    expect(askedOf(path)[1]).toEqual({ ifNoneMatch: '"v1"', ifModifiedSince: undefined, status: 304 });
    // Fresh again for the 304's max-age (120 s), not the first response's 60.
    clock.t += 100;
    expect(await cache.resolve(did)).toBe(first);
    expect(hitsOf(path)).toBe(2);
    clock.t += 21;
    expect(await cache.resolve(did)).toBe(first);
    expect(askedOf(path).map((a) => a.status)).toEqual([200, 304, 304]);

    // The issuer changes its document (and so its ETag): the next revalidation gets the new one.
    answers.set(path, {
      doc: docWith(did, { 'key-2': k }),
      headers: { etag: '"v2"', 'cache-control': 'max-age=120' },
    });
    clock.t += 121;
    const second = await cache.resolve(did);
    expect(second).not.toBe(first);
    expect(second.verificationMethod.map((m) => m.id)).toEqual([`${did}#key-2`]);
    expect(askedOf(path)[3]).toEqual({ ifNoneMatch: '"v1"', ifModifiedSince: undefined, status: 200 });
    clock.t += 121;
    expect(await cache.resolve(did)).toBe(second);
    expect(askedOf(path)[4]).toEqual({ ifNoneMatch: '"v2"', ifModifiedSince: undefined, status: 304 });
    expect(hitsOf(path)).toBe(5);
  });

  it('revalidates by Last-Modified; keeps a no-cache document with an ETag but revalidates it on each use; a 304 naming another ETag is refetched whole', async () => {
    const { cache, clock } = cacheAt();
    const lm = didAt('last-modified');
    const modified = new Date(Date.now() - 3_600_000).toUTCString();
    answers.set(lm.path, {
      doc: docWith(lm.did),
      headers: { 'last-modified': modified, 'cache-control': 'max-age=10' },
    });
    const kept = await cache.resolve(lm.did);
    clock.t += 11;
    expect(await cache.resolve(lm.did)).toBe(kept);
    expect(askedOf(lm.path)[1]).toEqual({ ifNoneMatch: undefined, ifModifiedSince: modified, status: 304 });

    const nc = didAt('no-cache-etag');
    answers.set(nc.path, { doc: docWith(nc.did), headers: { etag: 'W/"a"', 'cache-control': 'no-cache' } });
    const ncDoc = await cache.resolve(nc.did);
    expect(await cache.resolve(nc.did)).toBe(ncDoc);
    expect(await cache.resolve(nc.did)).toBe(ncDoc);
    expect(askedOf(nc.path).map((a) => [a.ifNoneMatch, a.status])).toEqual([
      [undefined, 200],
      ['W/"a"', 304],
      ['W/"a"', 304],
    ]);

    const odd = didAt('odd-304');
    answers.set(odd.path, {
      doc: docWith(odd.did),
      headers: { etag: '"x"', 'cache-control': 'max-age=5' },
      on304: { etag: '"y"', 'cache-control': 'max-age=5' },
    });
    const oddDoc = await cache.resolve(odd.did);
    clock.t += 6;
    const again = await cache.resolve(odd.did);
    // Not for the kept response (RFC 9111 §4.3.4), so the document is fetched without validators.
    expect(again).not.toBe(oddDoc);
    expect(askedOf(odd.path).map((a) => [a.ifNoneMatch, a.status])).toEqual([
      [undefined, 200],
      ['"x"', 304],
      [undefined, 200],
    ]);
  });

  it('concurrent resolutions of one DID share one fetch', async () => {
    const { did, path } = didAt('shared');
    // Not kept, so only the sharing of the fetch in flight can spare the other fetches.
    answers.set(path, { doc: docWith(did), headers: { 'cache-control': 'no-store' } });
    const { cache } = cacheAt();
    const docs = await Promise.all([cache.resolve(did), cache.resolve(did), cache.resolve(did)]);
    expect(docs.every((d) => d === docs[0] && d.id === did)).toBe(true);
    expect(hitsOf(path)).toBe(1);
    await cache.resolve(did);
    expect(hitsOf(path)).toBe(2);
  });

  it('a failed fetch is not kept: the next resolution fetches again; a failed refetch leaves the kept document', async () => {
    const { did, path } = didAt('flaky');
    const { cache, clock } = cacheAt();
    answers.set(path, { status: 500 });
    expect(await codeOf(cache.resolve(did))).toBe('IDENTITY_DID_WEB_FETCH');
    // Served, but not a document for this DID: refused, and not kept either.
    answers.set(path, { doc: docWith('did:web:elsewhere'), headers: { 'cache-control': 'max-age=600' } });
    expect(await codeOf(cache.resolve(did))).toBe('IDENTITY_DID_WEB_FETCH');
    expect(cache.size).toBe(0);
    answers.set(path, { doc: docWith(did), headers: { 'cache-control': 'max-age=600' } });
    expect((await cache.resolve(did)).id).toBe(did);
    expect(hitsOf(path)).toBe(3);
    answers.set(path, { status: 503 });
    clock.t += 31;
    expect(await codeOf(cache.refresh(did))).toBe('IDENTITY_DID_WEB_FETCH');
    expect((await cache.resolve(did)).id).toBe(did);
    expect(hitsOf(path)).toBe(4);
    // The failed refetch counts as the try: no other for 30 s.
    expect(await cache.refresh(did)).toBeUndefined();
    expect(hitsOf(path)).toBe(4);
  });

  it('holds at most maxEntries documents, dropping the least recently used', async () => {
    const { cache } = cacheAt({ maxEntries: 2 });
    const a = didAt('lru-a');
    const b = didAt('lru-b');
    const c = didAt('lru-c');
    for (const x of [a, b, c]) {
      answers.set(x.path, { doc: docWith(x.did), headers: { 'cache-control': 'max-age=600' } });
    }
    await cache.resolve(a.did);
    await cache.resolve(b.did);
    await cache.resolve(a.did); // a is now the most recently used
    await cache.resolve(c.did); // b goes
    expect(cache.size).toBe(2);
    await cache.resolve(a.did);
    await cache.resolve(c.did);
    expect([hitsOf(a.path), hitsOf(b.path), hitsOf(c.path)]).toEqual([1, 1, 1]);
    await cache.resolve(b.did);
    expect(hitsOf(b.path)).toBe(2);
  });

  it('bad config: a negative cap or a zero bound is CONFIG_INVALID', () => {
    const fetch = () => Promise.reject(new Error('not called'));
    const make = (o: { maxAgeSeconds?: number; maxEntries?: number }) => {
      try {
        return new DidWebCache(fetch, o).size;
      } catch (e) {
        return isGongzhiError(e) ? e.code : String(e);
      }
    };
    for (const o of [{ maxAgeSeconds: -1 }, { maxAgeSeconds: Number.NaN }, { maxEntries: 0 }]) {
      expect(make(o)).toBe('CONFIG_INVALID');
    }
    expect(make({ maxAgeSeconds: 0 })).toBe(0);
  });

  // ---- through the verifier ----

  const policy = { disclose: ['name'], nonce: 'n-web', aud: 'did:example:verifier' };
  const present = async (did: string, fragment: string, k: KeyPair) => {
    const cred = await issueSdJwtVc({
      issuer: { type: 'ed25519', ...k, kid: `${did}#${fragment}` },
      subject: net.did('holder'),
      holder: { type: 'ed25519', publicKey: net.key('holder').publicKey },
      schema: { schemaId: 9, version: 1, schema: SCHEMA },
      vctPrefix: net.prefix,
      claims: { name: 'Ana' },
      iat: net.now() - 10,
      exp: net.now() + 3600,
    });
    return presentSdJwtVc(cred, net.signingKey('holder'), { ...policy, iat: net.now() });
  };

  it('a key the kept document lacks is refetched once: a rotated key verifies; an unknown one is refused without a fetch per presentation', async () => {
    const { did, path } = didAt('rotating');
    const k1 = getSuite('ed25519').generateKeyPair();
    const k2 = getSuite('ed25519').generateKeyPair();
    answers.set(path, { doc: docWith(did, { 'key-1': k1 }), headers: { 'cache-control': 'max-age=300' } });
    const { cache, clock } = cacheAt();
    const opts = { resolveDid: cache.resolve, refreshDid: cache.refresh };
    const verify = async (vp: string) =>
      (await verifyPresentation(net.reader, vp, { ...policy, now: net.now() }, opts)).errors;
    expect(await verify(await present(did, 'key-1', k1))).toEqual([]);
    expect(hitsOf(path)).toBe(1);
    // The issuer rotates to key-2 and drops key-1; the verifier still holds the old document.
    answers.set(path, { doc: docWith(did, { 'key-2': k2 }), headers: { 'cache-control': 'max-age=300' } });
    const vp2 = await present(did, 'key-2', k2);
    // Within 30 s of the fetch the kept document is taken as current: refused, nothing fetched.
    clock.t += 5;
    expect(await verify(vp2)).toEqual(['IDENTITY_KEY_NOT_VALID_AT_ISSUANCE']);
    expect(hitsOf(path)).toBe(1);
    clock.t += 30;
    expect(await verify(vp2)).toEqual([]);
    expect(hitsOf(path)).toBe(2);
    // The refetched document is kept: key-2 again costs no fetch; key-1 is gone.
    expect(await verify(vp2)).toEqual([]);
    expect(await verify(await present(did, 'key-1', k1))).toEqual(['IDENTITY_KEY_NOT_VALID_AT_ISSUANCE']);
    expect(await verify(await present(did, 'key-9', k1))).toEqual(['IDENTITY_KEY_NOT_VALID_AT_ISSUANCE']);
    expect(hitsOf(path)).toBe(2);
    // Without a refresher (a library caller's choice) nothing is refetched.
    clock.t += 60;
    const r = await verifyPresentation(
      net.reader,
      await present(did, 'key-3', k1),
      { ...policy, now: net.now() },
      { resolveDid: cache.resolve },
    );
    expect(r.errors).toEqual(['IDENTITY_KEY_NOT_VALID_AT_ISSUANCE']);
    expect(hitsOf(path)).toBe(2);
  });

  it('the node keeps did:web documents across verifications and resolutions (the route and GET /1.0/identifiers share them)', async () => {
    const { did, path } = didAt('node');
    const k = getSuite('ed25519').generateKeyPair();
    answers.set(path, { doc: docWith(did, { main: k }), headers: { 'cache-control': 'max-age=600' } });
    const post = async (vp: string) => {
      const res = await fetch(`${api.url}/v1/groups/main/credentials/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ presentation: vp, policy }),
      });
      return (await res.json()) as VerificationResult;
    };
    expect((await post(await present(did, 'main', k))).errors).toEqual([]);
    expect((await post(await present(did, 'main', k))).errors).toEqual([]);
    const res = await fetch(`${api.url}/1.0/identifiers/${encodeURIComponent(did)}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { didDocument: { id: string } }).didDocument.id).toBe(did);
    expect(hitsOf(path)).toBe(1);
  });

  it('a removed key is honoured while the node’s document is fresh; `Cache-Control: no-cache` on GET /1.0/identifiers (did resolve --fresh) revalidates it and the key is refused at once', async () => {
    const { did, path } = didAt('removed');
    const k1 = getSuite('ed25519').generateKeyPair();
    const k2 = getSuite('ed25519').generateKeyPair();
    answers.set(path, {
      doc: docWith(did, { 'key-1': k1, 'key-2': k2 }),
      headers: { etag: '"both"', 'cache-control': 'max-age=600' },
    });
    const verify = async (vp: string) => {
      const res = await fetch(`${api.url}/v1/groups/main/credentials/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ presentation: vp, policy }),
      });
      return ((await res.json()) as VerificationResult).errors;
    };
    const resolveAt = async (headers: Record<string, string>) => {
      const res = await fetch(`${api.url}/1.0/identifiers/${encodeURIComponent(did)}`, { headers });
      const body = (await res.json()) as { didDocument: DidDocument };
      return body.didDocument.verificationMethod.map((m) => m.id);
    };
    expect(await verify(await present(did, 'key-1', k1))).toEqual([]);
    // The issuer removes key-1; the node's copy is fresh for 600 s, so it still verifies.
    answers.set(path, {
      doc: docWith(did, { 'key-2': k2 }),
      headers: { etag: '"two"', 'cache-control': 'max-age=600' },
    });
    expect(await verify(await present(did, 'key-1', k1))).toEqual([]);
    expect(await resolveAt({})).toEqual([`${did}#key-1`, `${did}#key-2`]);
    expect(hitsOf(path)).toBe(1);
    // A verifier told of the removal asks for a fresh resolution: a conditional request, a new document.
    expect(await resolveAt({ 'cache-control': 'no-cache' })).toEqual([`${did}#key-2`]);
    expect(askedOf(path)[1]).toEqual({ ifNoneMatch: '"both"', ifModifiedSince: undefined, status: 200 });
    expect(await verify(await present(did, 'key-1', k1))).toEqual(['IDENTITY_KEY_NOT_VALID_AT_ISSUANCE']);
    expect(await verify(await present(did, 'key-2', k2))).toEqual([]);
    // Unchanged since: a fresh resolution is answered 304 and the kept document stands.
    expect(await resolveAt({ 'cache-control': 'no-cache' })).toEqual([`${did}#key-2`]);
    expect(askedOf(path).map((a) => [a.ifNoneMatch, a.status])).toEqual([
      [undefined, 200],
      ['"both"', 200],
      ['"two"', 304],
    ]);
  });
});
