import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import {
  didJwkOf,
  didKeyOf,
  fromBase58btc,
  jwkOfMethod,
  resolveDid,
  type VerificationMethod,
} from '../../src/credentials/index.js';
import { signCompact } from '../../src/credentials/keys.js';
import { exportJwk, getSuite } from '../../src/crypto/index.js';
import { IdentityNet } from '../../src/demos/health-pass.js';
import { makeLocalhostCert } from '../../src/testing/index.js';
import { tempDir } from '../helpers/fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: the test walks JSON answers of several shapes
type Json = Record<string, any>;

const XML_DATETIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;

/** DID documents and resolution per W3C DID Core 1.0 and DID Resolution, over real HTTP(S). */
describe('DID resolution', () => {
  const tmp = tempDir('gongzhi-identity-did-');
  let net: IdentityNet;
  let api: RunningServer;
  let web: Server;
  let webHost = '';
  const webHits: string[] = [];
  let webDocs: Record<string, unknown> = {};

  beforeAll(async () => {
    // A did:web host: HTTPS with a self-signed certificate made for this run.
    const tls = makeLocalhostCert(tmp.dir);
    web = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      webHits.push(req.url ?? '');
      const doc = webDocs[req.url ?? ''];
      if (doc === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/did+json' }).end(JSON.stringify(doc));
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    webHost = `localhost:${(web.address() as AddressInfo).port}`;
    net = await IdentityNet.start(
      { dataDir: join(tmp.dir, 'node'), log: () => undefined },
      'dr',
      { uni: ['identity-registrar'] },
      { allowHosts: [webHost], ca: tls.cert },
    );
    await net.createDid('alice');
    api = await startServer(net.node, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await api?.close();
    await net?.stop();
    web?.closeAllConnections();
    await new Promise<void>((r) => (web ? web.close(() => r()) : r()));
    tmp.remove();
  });

  const get = async (didUrl: string, accept?: string, query = '') => {
    const res = await fetch(`${api.url}/1.0/identifiers/${encodeURIComponent(didUrl)}${query}`, {
      headers: accept === undefined ? {} : { accept },
    });
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: (await res.json()) as Json,
    };
  };

  it('resolves did:gongzhi to a DID Resolution result with a JsonWebKey2020 document', async () => {
    const r = await get(net.did('alice'));
    expect(r.status).toBe(200);
    expect(r.type).toContain('application/ld+json');
    expect(r.body.didResolutionMetadata).toEqual({ contentType: 'application/did+ld+json' });
    const m = r.body.didDocumentMetadata;
    expect(m.created).toMatch(XML_DATETIME);
    expect(m.updated).toMatch(XML_DATETIME);
    expect(m).toMatchObject({ versionId: '1', deactivated: false });
    expect(m.nextVersionId).toBeUndefined();
    const doc = r.body.didDocument;
    expect(doc['@context']).toEqual([
      'https://www.w3.org/ns/did/v1',
      'https://w3id.org/security/suites/jws-2020/v1',
    ]);
    expect(doc.id).toBe(net.did('alice'));
    expect(doc.verificationMethod[0]).toMatchObject({
      id: `${net.did('alice')}#key-1`,
      type: 'JsonWebKey2020',
      controller: net.did('alice'),
      publicKeyJwk: { kty: 'OKP', crv: 'Ed25519' },
    });
    expect(doc.authentication).toEqual([`${net.did('alice')}#key-1`]);
    // The key in the document verifies alice's signature with jose.
    const jws = signCompact(net.signingKey('alice'), { alg: 'EdDSA' }, { hello: 1 });
    await expect(
      compactVerify(jws, await importJWK(doc.verificationMethod[0].publicKeyJwk, 'EdDSA')),
    ).resolves.toBeDefined();
    // The identity query keeps its own result (type JsonWebKey) unchanged.
    const q = net.group.query('identity', 'resolve', { did: net.did('alice') }) as Json;
    expect(q.didDocument.verificationMethod[0].type).toBe('JsonWebKey');
  });

  it('Accept: application/did+ld+json gives the bare document; an unknown representation is 406', async () => {
    const r = await get(net.did('alice'), 'application/did+ld+json');
    expect(r.status).toBe(200);
    expect(r.type).toContain('application/did+ld+json');
    expect(r.body.id).toBe(net.did('alice'));
    const html = await get(net.did('alice'), 'text/html');
    expect(html.status).toBe(406);
    expect(html.body.didResolutionMetadata.error).toBe('representationNotSupported');
  });

  it('versionId and versionTime are honoured, an unknown version refused with notFound', async () => {
    const k2 = getSuite('ed25519').generateKeyPair();
    const created = (await get(net.did('alice'))).body.didDocumentMetadata.created as string;
    await new Promise((r) => setTimeout(r, 1100)); // the next version in a later second
    await net.ok('alice', 'identity', 'addKey', {
      id: net.id('alice'),
      fragment: 'key-2',
      publicKey: k2.publicKey,
    });
    const now = await get(net.did('alice'));
    expect(now.body.didDocumentMetadata.versionId).toBe('2');
    expect(now.body.didDocument.verificationMethod).toHaveLength(2);
    const v1 = await get(net.did('alice'), undefined, '?versionId=1');
    expect(v1.status).toBe(200);
    expect(v1.body.didDocumentMetadata).toMatchObject({ versionId: '1', nextVersionId: '2' });
    expect(v1.body.didDocument.verificationMethod).toHaveLength(1);
    const t1 = await get(net.did('alice'), undefined, `?versionTime=${created}`);
    expect(t1.body.didDocumentMetadata.versionId).toBe('1');
    const t2 = await get(net.did('alice'), undefined, `?versionTime=${now.body.didDocumentMetadata.updated}`);
    expect(t2.body.didDocumentMetadata.versionId).toBe('2');
    // In the DID URL itself (DID Core §3.2.1 parameters).
    expect((await get(`${net.did('alice')}?versionId=1`)).body.didDocumentMetadata.versionId).toBe('1');
    const v9 = await get(net.did('alice'), undefined, '?versionId=9');
    expect(v9.status).toBe(404);
    expect(v9.body.didResolutionMetadata).toMatchObject({
      error: 'notFound',
      code: 'IDENTITY_VERSION_NOT_FOUND',
    });
    expect(v9.body.didDocument).toBeNull();
    const before = await get(net.did('alice'), undefined, '?versionTime=2000-01-01T00:00:00Z');
    expect(before.status).toBe(404);
    expect(before.body.didResolutionMetadata.error).toBe('notFound');
    const badTime = await get(net.did('alice'), undefined, '?versionTime=yesterday');
    expect(badTime.status).toBe(400);
  });

  it('dereferences #fragment to the verification method; an unknown fragment is notFound', async () => {
    const r = await get(`${net.did('alice')}#key-1`);
    expect(r.status).toBe(200);
    expect(r.body.dereferencingMetadata).toEqual({ contentType: 'application/did+ld+json' });
    expect(r.body.contentStream).toMatchObject({ id: `${net.did('alice')}#key-1`, type: 'JsonWebKey2020' });
    const bare = await get(`${net.did('alice')}#key-1`, 'application/did+ld+json');
    expect(bare.body.type).toBe('JsonWebKey2020');
    const nope = await get(`${net.did('alice')}#nope`);
    expect(nope.status).toBe(404);
    expect(nope.body.dereferencingMetadata).toMatchObject({
      error: 'notFound',
      code: 'IDENTITY_DID_URL_NOT_FOUND',
    });
  });

  it('standard errors and statuses: invalidDid 400, methodNotSupported 501, notFound 404, deactivated 410', async () => {
    const invalid = await get('did:Bad:x');
    expect(invalid.status).toBe(400);
    expect(invalid.body.didResolutionMetadata.error).toBe('invalidDid');
    const method = await get('did:example:123');
    expect(method.status).toBe(501);
    expect(method.body.didResolutionMetadata).toMatchObject({
      error: 'methodNotSupported',
      code: 'IDENTITY_DID_METHOD_UNSUPPORTED',
    });
    const unknown = await get(net.did('nobody'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.didResolutionMetadata.error).toBe('notFound');
    const otherGroup = await get(`did:gongzhi:dr:elsewhere:${net.id('alice')}`);
    expect(otherGroup.status).toBe(404);
    await net.createDid('gone');
    await net.ok('gone', 'identity', 'deactivate', { id: net.id('gone') });
    const gone = await get(net.did('gone'));
    expect(gone.status).toBe(410);
    expect(gone.body.didDocumentMetadata.deactivated).toBe(true);
    expect(gone.body.didDocument.verificationMethod).toEqual([]);
  });

  it('did:key resolves locally to a Multikey document whose key verifies', async () => {
    // The did:key spec's Ed25519 example: multicodec 0xed01 + 32 bytes.
    const spec = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
    const mc = fromBase58btc(spec.slice('did:key:z'.length));
    expect([mc.length, mc[0], mc[1]]).toEqual([34, 0xed, 0x01]);
    const r = await get(spec);
    expect(r.status).toBe(200);
    const doc = r.body.didDocument;
    expect(doc['@context']).toEqual([
      'https://www.w3.org/ns/did/v1',
      'https://w3id.org/security/multikey/v1',
    ]);
    expect(doc.verificationMethod[0]).toEqual({
      id: `${spec}#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK`,
      type: 'Multikey',
      controller: spec,
      publicKeyMultibase: 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    });
    // Our key as did:key: the document's key verifies a signature with jose.
    const k = getSuite('ed25519').generateKeyPair();
    const did = didKeyOf('ed25519', k.publicKey);
    const vm = (await get(did)).body.didDocument.verificationMethod[0] as VerificationMethod;
    const jwk = jwkOfMethod(vm);
    const jws = signCompact({ type: 'ed25519', ...k }, { alg: 'EdDSA' }, { x: 1 });
    await expect(compactVerify(jws, await importJWK(jwk as never, 'EdDSA'))).resolves.toBeDefined();
    const sk = getSuite('secp256k1').generateKeyPair();
    expect(
      (await get(didKeyOf('secp256k1', sk.publicKey))).body.didDocument.verificationMethod[0].id,
    ).toMatch(/^did:key:zQ3s/);
    expect((await get(spec, undefined, '?versionId=2')).body.didResolutionMetadata.error).toBe('notFound');
    expect((await get('did:key:zABC')).body.didResolutionMetadata.error).toMatch(
      /invalidDid|methodNotSupported/,
    );
  });

  it('did:jwk resolves locally (the spec’s P-256 example, and our keys)', async () => {
    const spec =
      'did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9';
    const doc = (await get(spec)).body.didDocument;
    expect(doc.verificationMethod[0]).toMatchObject({
      id: `${spec}#0`,
      type: 'JsonWebKey2020',
      publicKeyJwk: { kty: 'EC', crv: 'P-256', x: 'acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0' },
    });
    expect(doc['@context']).toContain('https://w3id.org/security/suites/jws-2020/v1');
    const k = getSuite('ed25519').generateKeyPair();
    const did = didJwkOf(exportJwk('ed25519', { publicKey: k.publicKey }));
    expect((await get(`${did}#0`)).body.contentStream.publicKeyJwk.crv).toBe('Ed25519');
  });

  it('did:web over HTTPS from an allowed host; any other host is refused before anything is fetched', async () => {
    const did = `did:web:${webHost.replace(':', '%3A')}`;
    const user = `${did}:users:alice`;
    webDocs = {
      '/.well-known/did.json': {
        '@context': ['https://www.w3.org/ns/did/v1'],
        id: did,
        verificationMethod: [],
      },
      '/users/alice/did.json': { '@context': ['https://www.w3.org/ns/did/v1'], id: 'did:web:elsewhere' },
    };
    const r = await get(did);
    expect(r.status).toBe(200);
    expect(r.body.didDocument.id).toBe(did);
    expect(webHits).toContain('/.well-known/did.json');
    const mismatch = await get(user);
    expect(mismatch.status).toBe(404);
    expect(mismatch.body.didResolutionMetadata.code).toBe('IDENTITY_DID_WEB_FETCH');
    const hits = webHits.length;
    const refused = await get('did:web:127.0.0.1%3A1');
    expect(refused.body.didResolutionMetadata).toMatchObject({
      error: 'methodNotSupported',
      code: 'IDENTITY_DID_WEB_HOST_NOT_ALLOWED',
    });
    // Not on the list even when the host serves: nothing fetched.
    const direct = await resolveDid(did, { gongzhi: () => undefined, allowHosts: [] });
    expect(direct.result.didResolutionMetadata.code).toBe('IDENTITY_DID_WEB_HOST_NOT_ALLOWED');
    expect(webHits.length).toBe(hits);
    // The self-signed certificate is trusted only because the node config names it.
    const untrusted = await resolveDid(did, { gongzhi: () => undefined, allowHosts: [webHost] });
    expect(untrusted.result.didResolutionMetadata.code).toBe('IDENTITY_DID_WEB_FETCH');
  });
});
