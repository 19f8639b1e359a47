import { gunzipSync } from 'node:zlib';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { compactVerify, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import {
  issueJwtVc,
  issueSdJwtVc,
  presentSdJwtVc,
  readBitstringStatusList,
  readStatusListToken,
  statusListUrl,
  type VerifierPolicy,
  verifyPresentation,
} from '../../src/credentials/index.js';
import { signCompact } from '../../src/credentials/keys.js';
import { getSuite } from '../../src/crypto/index.js';
import { IdentityNet } from '../../src/demos/health-pass.js';
import { fromBase64Url } from '../../src/encoding/index.js';
import type { ResolutionJson } from '../../src/modules/identity/index.js';
import type { StatusSigner } from '../../src/node/index.js';
import { tempDir } from '../helpers/fixtures.js';

const SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, degree: { type: 'string' } },
  required: ['name', 'degree'],
  additionalProperties: false,
};

/**
 * Status visible outside: the lists are fetched over real HTTP and checked with libraries this
 * project did not write — jose (JWS/JWT signatures, typ), @sd-jwt/jwt-status-list (the token's
 * compressed bit array) and @sd-jwt/sd-jwt-vc (a whole SD-JWT VC verification that fetches the
 * status list from the credential's uri itself).
 */
describe('published status lists', () => {
  const tmp = tempDir('gongzhi-identity-status-');
  let net: IdentityNet;
  let server: RunningServer;
  // The node signs the issuer's lists with this key, which the issuer lists in its DID document.
  const statusKey = getSuite('ed25519').generateKeyPair();
  const signers: StatusSigner[] = [];

  beforeAll(async () => {
    // The issuer's DID exists only once the net runs; the node reads its signer list at each fetch.
    net = await IdentityNet.start(
      { dataDir: tmp.dir, log: () => undefined },
      'st',
      { uni: ['identity-registrar'] },
      { statusSigners: signers, statusTtlSeconds: 60 },
    );
    signers.push({ did: net.did('uni'), fragment: 'status-1', type: 'ed25519', ...statusKey });
    await net.createDid('uni');
    await net.ok('uni', 'identity', 'addKey', {
      id: net.id('uni'),
      fragment: 'status-1',
      publicKey: statusKey.publicKey,
      purposes: ['assertionMethod'],
    });
    await net.ok('uni', 'identity', 'recognizeIssuer', { id: net.id('uni'), category: 'university' });
    await net.ok('uni', 'identity', 'registerSchema', {
      schemaId: 1500,
      issuer: net.id('uni'),
      name: 'Degree',
      schema: JSON.stringify(SCHEMA),
    });
    for (const [list, purpose] of [
      ['r', 'revocation'],
      ['s', 'suspension'],
    ] as const) {
      await net.ok('uni', 'identity', 'createStatusList', { issuer: net.id('uni'), list, purpose });
    }
    await net.createDid('holder');
    server = await startServer(net.node, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await net?.stop();
    tmp.remove();
  });

  const uri = (list: string) => statusListUrl(server.url, 'main', net.id('uni'), list);
  const statusJwk = () => {
    const r = net.group.query('identity', 'resolve', { did: net.did('uni') }) as ResolutionJson;
    return r.didDocument.verificationMethod.find((v) => v.id.endsWith('#status-1'))?.publicKeyJwk;
  };
  const issuerJwk = () =>
    (net.group.query('identity', 'resolve', { did: net.did('uni') }) as ResolutionJson).didDocument
      .verificationMethod[0]?.publicKeyJwk;
  const setBit = (list: string, index: number, value: boolean) =>
    net.ok('uni', 'identity', 'setStatus', { issuer: net.id('uni'), list, indexes: [index], value });
  const issue = (list: string, index: number) =>
    issueSdJwtVc({
      issuer: net.signingKey('uni'),
      subject: net.did('holder'),
      holder: { type: 'ed25519', publicKey: net.key('holder').publicKey },
      schema: { schemaId: 1500, version: 1, schema: SCHEMA },
      vctPrefix: net.prefix,
      claims: { name: 'Ana', degree: 'BSc' },
      iat: net.now(),
      exp: net.now() + 3600,
      status: { list, index, purpose: list === 'r' ? 'revocation' : 'suspension', uri: uri(list) },
    });
  const get = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
  };
  // The external SD-JWT VC verifier: jose checks every signature; the library fetches the list.
  const joseVerifier = (jwk: unknown) => async (data: string, sig: string) => {
    const key = await importJWK(jwk as Parameters<typeof importJWK>[0], 'EdDSA');
    return compactVerify(`${data}.${sig}`, key).then(
      () => true,
      () => false,
    );
  };
  const external = () =>
    new SDJwtVcInstance({
      hasher: async (d, alg) => {
        expect(alg).toBe('sha-256');
        const { createHash } = await import('node:crypto');
        return new Uint8Array(
          createHash('sha256')
            .update(typeof d === 'string' ? d : new Uint8Array(d))
            .digest(),
        );
      },
      verifier: joseVerifier(issuerJwk()),
      statusVerifier: joseVerifier(statusJwk()),
      kbVerifier: (data, sig, payload) =>
        joseVerifier((payload as { cnf?: { jwk?: unknown } }).cnf?.jwk)(data, sig),
    });

  it('an SD-JWT VC carries status.status_list {idx, uri}, and the uri serves a signed statuslist+jwt', async () => {
    const cred = await issue('r', 7);
    const payload = JSON.parse(new TextDecoder().decode(fromBase64Url(cred.split('.')[1] ?? '')));
    expect(payload.status).toEqual({ status_list: { idx: 7, uri: uri('r') } });
    expect(payload.credentialStatus).toBeUndefined();
    const res = await get(uri('r'));
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/statuslist+jwt');
    const key = await importJWK(statusJwk() as Parameters<typeof importJWK>[0], 'EdDSA');
    const v = await jwtVerify(res.body, key, { typ: 'statuslist+jwt', subject: uri('r') });
    expect(v.protectedHeader.kid).toBe(`${net.did('uni')}#status-1`);
    expect(v.payload.iat).toBeTypeOf('number');
    expect((v.payload.exp ?? 0) - (v.payload.iat ?? 0)).toBe(86_400);
    expect(v.payload.ttl).toBe(60);
    const list = getListFromStatusListJWT(res.body);
    expect(list.getBitsPerStatus()).toBe(1);
    expect(list.statusList.length).toBe(131_072);
    expect(list.getStatus(7)).toBe(0);
  });

  it('a set bit shows in the next token at once; the SD-JWT VC library then refuses the credential', async () => {
    const cred = await issue('r', 9);
    const vp = await presentSdJwtVc(cred, net.signingKey('holder'), {
      disclose: ['name'],
      nonce: 'n',
      aud: 'v',
      iat: net.now(),
    });
    await expect(external().verify(vp, { keyBindingNonce: 'n' })).resolves.toBeDefined();
    const before = getListFromStatusListJWT((await get(uri('r'))).body);
    await setBit('r', 9, true);
    const after = getListFromStatusListJWT((await get(uri('r'))).body);
    expect(before.getStatus(9)).toBe(0);
    expect(after.getStatus(9)).toBe(1);
    expect(after.getStatus(8)).toBe(0);
    expect(after.getStatus(10)).toBe(0);
    await expect(external().verify(vp, { keyBindingNonce: 'n' })).rejects.toThrow(/Status is not valid/);
    // Ours reads the same through the published token (not the ledger) with the issuer's key.
    const policy: VerifierPolicy = { disclose: ['name'], nonce: 'n', aud: 'v', now: net.now() };
    const r = await verifyPresentation(net.reader, vp, policy, {
      statusVia: 'published',
      fetchStatus: async (u) => (await get(u)).body,
    });
    expect(r.errors).toEqual(['IDENTITY_REVOKED']);
    expect((await verifyPresentation(net.reader, vp, policy)).errors).toEqual(['IDENTITY_REVOKED']);
  });

  it('a suspension list is published with 2 bits per status, SUSPENDED = 2', async () => {
    await setBit('s', 3, true);
    const list = getListFromStatusListJWT((await get(uri('s'))).body);
    expect(list.getBitsPerStatus()).toBe(2);
    expect(list.getStatus(3)).toBe(2);
    expect(list.getStatus(2)).toBe(0);
    const vp = await presentSdJwtVc(await issue('s', 3), net.signingKey('holder'), {
      disclose: ['name'],
      nonce: 'n',
      aud: 'v',
      iat: net.now(),
    });
    const r = await verifyPresentation(
      net.reader,
      vp,
      { disclose: ['name'], nonce: 'n', aud: 'v', now: net.now() },
      { statusVia: 'published', fetchStatus: async (u) => (await get(u)).body },
    );
    expect(r.errors).toEqual(['IDENTITY_SUSPENDED']);
  });

  it('a VC-JWT carries a BitstringStatusListEntry; its list is a signed BitstringStatusListCredential', async () => {
    const jwt = issueJwtVc({
      issuer: net.signingKey('uni'),
      subject: net.did('holder'),
      schema: { schemaId: 1500, version: 1, schema: SCHEMA },
      vctPrefix: net.prefix,
      claims: { name: 'Ana', degree: 'BSc' },
      iat: net.now(),
      exp: net.now() + 3600,
      type: 'DegreeCredential',
      status: { list: 'r', index: 21, purpose: 'revocation', uri: uri('r') },
    });
    const k = await importJWK(issuerJwk() as Parameters<typeof importJWK>[0], 'EdDSA');
    const cs = (await jwtVerify(jwt, k, { typ: 'vc+jwt' })).payload.credentialStatus as Record<
      string,
      string
    >;
    expect(cs).toEqual({
      id: `${uri('r')}/bitstring#21`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '21',
      statusListCredential: `${uri('r')}/bitstring`,
    });
    const res = await get(cs.statusListCredential ?? '');
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/vc+jwt');
    const sk = await importJWK(statusJwk() as Parameters<typeof importJWK>[0], 'EdDSA');
    const v = await jwtVerify(res.body, sk, { typ: 'vc+jwt' });
    const p = v.payload as Record<string, unknown> & {
      credentialSubject: { type: string; statusPurpose: string; encodedList: string; ttl: number };
    };
    expect(p.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential']);
    expect(p.id).toBe(cs.statusListCredential);
    expect(p.issuer).toBe(net.did('uni'));
    expect(p.validFrom).toBe(new Date((v.payload.iat ?? 0) * 1000).toISOString());
    expect(p.credentialSubject.type).toBe('BitstringStatusList');
    expect(p.credentialSubject.ttl).toBe(60_000);
    const enc = p.credentialSubject.encodedList;
    expect(enc[0]).toBe('u');
    // Decoded by hand from the spec (GZIP, MSB first), not with our reader.
    const bits = gunzipSync(Buffer.from(enc.slice(1), 'base64url'));
    expect(bits.length * 8).toBeGreaterThanOrEqual(131_072);
    expect(((bits[21 >> 3] ?? 0) >> (7 - (21 & 7))) & 1).toBe(0);
    await setBit('r', 21, true);
    const again = await get(cs.statusListCredential ?? '');
    const bits2 = gunzipSync(
      Buffer.from(
        ((await jwtVerify(again.body, sk)).payload as typeof p).credentialSubject.encodedList.slice(1),
        'base64url',
      ),
    );
    expect(((bits2[21 >> 3] ?? 0) >> (7 - (21 & 7))) & 1).toBe(1);
    // The verifier, both via the ledger and via the published credential.
    const policy: VerifierPolicy = { disclose: ['name'], nonce: '', aud: '', now: net.now(), schemaId: 1500 };
    expect((await verifyPresentation(net.reader, jwt, policy)).errors).toEqual(['IDENTITY_REVOKED']);
    const viaList = await verifyPresentation(net.reader, jwt, policy, {
      statusVia: 'published',
      fetchStatus: async (u) => (await get(u)).body,
    });
    expect(viaList.errors).toEqual(['IDENTITY_REVOKED']);
    expect(viaList.format).toBe('vc+jwt');
  });

  it('bad input: a token with a bad signature is IDENTITY_STATUS_TOKEN_INVALID, an expired one IDENTITY_STATUS_TOKEN_EXPIRED', async () => {
    const token = (await get(uri('r'))).body;
    const [h, p, sig = ''] = token.split('.');
    const forged = `${h}.${p}.${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`;
    const ref = { uri: uri('r'), idx: 1, now: net.now() };
    expect(readStatusListToken(token, statusJwk(), ref)).toBe(0);
    expect(() => readStatusListToken(forged, statusJwk(), ref)).toThrow(
      expect.objectContaining({ code: 'IDENTITY_STATUS_TOKEN_INVALID' }),
    );
    // Another key (the issuer's main key) is not the signer either.
    expect(() => readStatusListToken(token, issuerJwk(), ref)).toThrow(
      expect.objectContaining({ code: 'IDENTITY_STATUS_TOKEN_INVALID' }),
    );
    // A token for another uri.
    expect(() => readStatusListToken(token, statusJwk(), { ...ref, uri: uri('s') })).toThrow(
      expect.objectContaining({ code: 'IDENTITY_STATUS_TOKEN_INVALID' }),
    );
    const exp = decodeProtectedHeader(token) && JSON.parse(Buffer.from(p ?? '', 'base64url').toString()).exp;
    expect(() => readStatusListToken(token, statusJwk(), { ...ref, now: exp })).toThrow(
      expect.objectContaining({ code: 'IDENTITY_STATUS_TOKEN_EXPIRED' }),
    );
    const bsl = (await get(`${uri('r')}/bitstring`)).body;
    const bref = { url: `${uri('r')}/bitstring`, index: 1, purpose: 'revocation', now: net.now() };
    expect(readBitstringStatusList(bsl, statusJwk(), bref)).toBe(false);
    expect(() => readBitstringStatusList(bsl, statusJwk(), { ...bref, now: exp })).toThrow(
      expect.objectContaining({ code: 'IDENTITY_STATUS_TOKEN_EXPIRED' }),
    );
    // Through the verifier: a forged list fails the status check with its code, no other check.
    const vp = await presentSdJwtVc(await issue('r', 1), net.signingKey('holder'), {
      disclose: ['name'],
      nonce: 'n',
      aud: 'v',
      iat: net.now(),
    });
    const policy: VerifierPolicy = { disclose: ['name'], nonce: 'n', aud: 'v', now: net.now() };
    const r = await verifyPresentation(net.reader, vp, policy, {
      statusVia: 'published',
      fetchStatus: async () => forged,
    });
    expect(r.errors).toEqual(['IDENTITY_STATUS_TOKEN_INVALID']);
    // Signed by a key that is not the issuer's: refused the same way.
    const other = getSuite('ed25519').generateKeyPair();
    const alien = signCompact(
      { type: 'ed25519', ...other },
      { alg: 'EdDSA', typ: 'statuslist+jwt', kid: `${net.did('uni')}#status-1` },
      JSON.parse(Buffer.from(p ?? '', 'base64url').toString()),
    );
    const r2 = await verifyPresentation(net.reader, vp, policy, {
      statusVia: 'published',
      fetchStatus: async () => alien,
    });
    expect(r2.errors).toEqual(['IDENTITY_STATUS_TOKEN_INVALID']);
  });

  it('a list whose issuer gave this node no key: 404 IDENTITY_STATUS_SIGNER_MISSING; an unknown list 404', async () => {
    await net.createDid('other');
    await net.ok('other', 'identity', 'createStatusList', {
      issuer: net.id('other'),
      list: 'r',
      purpose: 'revocation',
    });
    const res = await get(statusListUrl(server.url, 'main', net.id('other'), 'r'));
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error.code).toBe('IDENTITY_STATUS_SIGNER_MISSING');
    const none = await get(uri('nope'));
    expect(none.status).toBe(404);
    expect(JSON.parse(none.body).error.code).toBe('IDENTITY_STATUS_LIST_NOT_FOUND');
  });
});
