import { execFileSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CompactEncrypt,
  decodeProtectedHeader,
  generateKeyPair,
  importJWK,
  importX509,
  type JWK,
  jwtVerify,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSuite } from '../../src/crypto/index.js';
import type { StatusSigner, VerifierCertificate } from '../../src/node/index.js';
import {
  getJson,
  http,
  JoseWallet,
  type Json,
  type OpenIdNode,
  post,
  startOpenIdNode,
} from '../helpers/openid-issuer.js';

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });

/** A test CA and a P-256 leaf for DNS name `localhost`, made with openssl. */
function makePki(dir: string): { ca: string; chain: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const f = (n: string) => join(dir, n);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    ['req', '-x509', ...ec, '-days', '1', '-keyout', f('ca.key'), '-out', f('ca.crt')].concat(
      ['-subj', '/CN=Test verifier CA', '-addext', 'basicConstraints=critical,CA:TRUE'],
      ['-addext', 'keyUsage=critical,keyCertSign'],
    ),
  );
  openssl(['req', ...ec, '-keyout', f('leaf.key'), '-out', f('leaf.csr'), '-subj', '/CN=verifier']);
  writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:localhost\nkeyUsage=critical,digitalSignature\n');
  openssl(
    ['x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key')].concat([
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      f('leaf.crt'),
      '-extfile',
      f('ext.cnf'),
    ]),
  );
  return {
    ca: readFileSync(f('ca.crt'), 'utf8'),
    chain: readFileSync(f('leaf.crt'), 'utf8'),
    key: readFileSync(f('leaf.key'), 'utf8'),
  };
}

/**
 * Signed, by-reference OpenID4VP requests (JAR with `request_uri`, `request_uri_method=post`,
 * `wallet_nonce`) under the `decentralized_identifier:` and `x509_san_dns:` Client Identifier
 * Prefixes, and encrypted `direct_post.jwt` responses — checked by a wallet written with jose
 * (signature and JWE) and Node's X509Certificate (the chain) only, against the real HTTP server.
 */
describe('OpenID4VP signed requests by reference and encrypted responses, with a jose wallet', () => {
  let n: OpenIdNode;
  let wallet: JoseWallet;
  let credential = '';
  let pki: { ca: string; chain: string; key: string };
  const vpKey = getSuite('ed25519').generateKeyPair();
  const verifierSigners: StatusSigner[] = [];
  const verifierCertificates: VerifierCertificate[] = [];

  beforeAll(async () => {
    n = await startOpenIdNode(
      'gongzhi-openid-jar-',
      { verifierSigners, verifierCertificates },
      async (net, dir) => {
        // The relying party is the university's DID here, signing requests with its own key.
        await net.ok('uni', 'identity', 'addKey', {
          id: net.id('uni'),
          fragment: 'vp-1',
          publicKey: vpKey.publicKey,
          purposes: ['authentication'],
        });
        verifierSigners.push({ did: net.did('uni'), fragment: 'vp-1', type: 'ed25519', ...vpKey });
        pki = makePki(join(dir, 'pki'));
        verifierCertificates.push({ chain: pki.chain, key: pki.key });
      },
    );
    wallet = await JoseWallet.create();
    credential = await wallet.receive(n.url(), await n.offer({ name: 'Ana', degree: 'BSc' }));
  }, 60_000);
  afterAll(async () => {
    await n?.stop();
  }, 30_000);

  // The URL the wallet reaches the node at: `localhost`, the certificate's DNS name.
  const base = () => n.url().replace('127.0.0.1', 'localhost');
  const start = async (extra: Record<string, unknown>) =>
    post(`${base()}/v1/groups/main/openid4vp/requests`, {
      dcql_query: { credentials: [{ id: 'degree', format: 'dc+sd-jwt', claims: [{ path: ['degree'] }] }] },
      policy: { category: 'university', schemaId: 1500 },
      ...extra,
    });
  const outcome = async (transactionId: string) =>
    (await post(`${base()}/v1/groups/main/openid4vp/outcome`, { transaction_id: transactionId })).body;

  /** The wallet: the link → POST the request URI with a wallet_nonce → verify the Request Object. */
  const fetchRequest = async (link: string): Promise<Json> => {
    const q = new URL(link).searchParams;
    expect([...q.keys()].sort()).toEqual(['client_id', 'request_uri', 'request_uri_method']);
    expect(q.get('request_uri_method')).toBe('post');
    const walletNonce = randomBytes(16).toString('base64url');
    const res = await http(
      'POST',
      q.get('request_uri') ?? '',
      new URLSearchParams({ wallet_nonce: walletNonce, wallet_metadata: '{}' }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/oauth-authz-req+jwt' },
    );
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/oauth-authz-req\+jwt/);
    const header = decodeProtectedHeader(res.text);
    const clientId = q.get('client_id') ?? '';
    let key: CryptoKey | Uint8Array;
    if (clientId.startsWith('decentralized_identifier:')) {
      // Resolve the DID over the W3C resolution route; the kid names the verification method.
      const did = clientId.slice('decentralized_identifier:'.length);
      expect(String(header.kid).startsWith(`${did}#`)).toBe(true);
      const r = await getJson(`${base()}/1.0/identifiers/${encodeURIComponent(did)}`);
      const vm = (r.didDocument.verificationMethod as { id: string; publicKeyJwk: JWK }[]).find(
        (v) => v.id === header.kid,
      );
      key = (await importJWK(vm?.publicKeyJwk as JWK, String(header.alg))) as CryptoKey;
    } else {
      // x509_san_dns: the leaf is signed by the CA the wallet trusts and names the DNS name.
      const [leafB64] = header.x5c ?? [];
      const leaf = new X509Certificate(Buffer.from(leafB64 ?? '', 'base64'));
      const ca = new X509Certificate(pki.ca);
      expect(leaf.verify(ca.publicKey)).toBe(true);
      expect(leaf.checkIssued(ca)).toBe(true);
      const dns = clientId.slice('x509_san_dns:'.length);
      expect(leaf.subjectAltName?.split(', ')).toContain(`DNS:${dns}`);
      key = await importX509(leaf.toString(), String(header.alg));
    }
    const { payload } = await jwtVerify(res.text, key, {
      typ: 'oauth-authz-req+jwt',
      audience: 'https://self-issued.me/v2',
    });
    expect(payload.client_id).toBe(clientId);
    expect(payload.wallet_nonce).toBe(walletNonce);
    return payload as Json;
  };

  const vpFor = async (req: Json) => ({
    degree: [await wallet.present(credential, ['degree'], req.client_id, req.nonce)],
  });
  /** direct_post.jwt: a JWE to the request's key, with its kid, enc from client_metadata. */
  const encrypt = async (req: Json, body: Json, key?: CryptoKey) => {
    const jwk = (req.client_metadata.jwks.keys as JWK[]).find((k) => k.use === 'enc' && k.alg === 'ECDH-ES');
    const enc = req.client_metadata.encrypted_response_enc_values_supported[0] as string;
    return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(body)))
      .setProtectedHeader({ alg: 'ECDH-ES', enc, kid: jwk?.kid ?? '' })
      .encrypt(key ?? ((await importJWK(jwk as JWK, 'ECDH-ES')) as CryptoKey));
  };
  const respond = (req: Json, form: Record<string, string>) =>
    post(req.response_uri, new URLSearchParams(form).toString());

  it('decentralized_identifier: the signed request verifies with the DID’s key; the presentation is verified', async () => {
    const r = await start({ client_id_prefix: 'decentralized_identifier' });
    expect(r.status).toBe(200);
    const req = await fetchRequest(r.body.request_link);
    expect(req.client_id).toBe(`decentralized_identifier:${n.net.did('uni')}`);
    expect(req.response_mode).toBe('direct_post');
    expect(
      (await respond(req, { vp_token: JSON.stringify(await vpFor(req)), state: req.state })).status,
    ).toBe(200);
    const out = await outcome(r.body.transaction_id);
    expect(out).toMatchObject({ status: 'answered', valid: true });
    expect(out.credentials.degree.claims.degree).toBe('BSc');
    // Answered: the request URI no longer serves it.
    const gone = await http('GET', r.body.request_uri);
    expect(gone.status).toBe(400);
    expect(JSON.parse(gone.text).code).toBe('IDENTITY_OID4VP_UNKNOWN_REQUEST');
  });

  it('x509_san_dns + direct_post.jwt: the chain checks out, the jose-encrypted answer is decrypted and verified', async () => {
    const r = await start({ client_id_prefix: 'x509_san_dns', response_mode: 'direct_post.jwt' });
    expect(r.status).toBe(200);
    const req = await fetchRequest(r.body.request_link);
    expect(req.client_id).toBe('x509_san_dns:localhost');
    expect(new URL(req.response_uri).hostname).toBe('localhost');
    expect(req.response_mode).toBe('direct_post.jwt');
    const jwe = await encrypt(req, { vp_token: await vpFor(req), state: req.state });
    expect((await respond(req, { response: jwe })).status).toBe(200);
    expect(await outcome(r.body.transaction_id)).toMatchObject({ status: 'answered', valid: true });
  });

  it('refuses plain, tampered, wrongly keyed and other-request answers to an encrypted request, which stays pending', async () => {
    const r = await start({ client_id_prefix: 'decentralized_identifier', response_mode: 'direct_post.jwt' });
    const req = await fetchRequest(r.body.request_link);
    const body = { vp_token: await vpFor(req), state: req.state };
    const plain = await respond(req, { vp_token: JSON.stringify(body.vp_token), state: req.state });
    expect(plain.status).toBe(400);
    expect(plain.body).toMatchObject({ error: 'invalid_request', code: 'IDENTITY_OID4VP_BAD_ENCRYPTION' });
    const jwe = await encrypt(req, body);
    const parts = jwe.split('.');
    const ct = parts[3] ?? '';
    parts[3] = `${ct[0] === 'A' ? 'B' : 'A'}${ct.slice(1)}`;
    expect((await respond(req, { response: parts.join('.') })).body.code).toBe(
      'IDENTITY_OID4VP_BAD_ENCRYPTION',
    );
    const other = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
    expect(
      (await respond(req, { response: await encrypt(req, body, other.publicKey as CryptoKey) })).body.code,
    ).toBe('IDENTITY_OID4VP_BAD_ENCRYPTION');
    // A presentation made for another request, encrypted properly to this one.
    const r2 = await start({ client_id_prefix: 'decentralized_identifier' });
    const req2 = await fetchRequest(r2.body.request_link);
    const mismatch = await respond(req, {
      response: await encrypt(req, { vp_token: await vpFor(req2), state: req.state }),
    });
    expect(mismatch.body.code).toBe('IDENTITY_OID4VP_NONCE_MISMATCH');
    expect((await outcome(r.body.transaction_id)).status).toBe('pending');
    // The request (its key with it) outlives a restart; the right answer is taken after it.
    await n.restart();
    expect((await respond(req, { response: jwe })).status).toBe(200);
    expect(await outcome(r.body.transaction_id)).toMatchObject({ status: 'answered', valid: true });
    expect((await respond(req, { response: jwe })).body.code).toBe('IDENTITY_OID4VP_UNKNOWN_REQUEST');
  });

  it('refuses a verifier this node holds no key for, and a request URI that names no request', async () => {
    const none = await start({
      client_id_prefix: 'decentralized_identifier',
      verifier: 'did:key:z6MkNobody',
    });
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('IDENTITY_OID4VP_NO_VERIFIER_KEY');
    const dns = await start({ client_id_prefix: 'x509_san_dns', verifier: 'elsewhere.example' });
    expect(dns.body.error.code).toBe('IDENTITY_OID4VP_NO_VERIFIER_KEY');
    const unknown = await http('GET', `${base()}/v1/groups/main/openid4vp/request-objects/nope`);
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text).code).toBe('IDENTITY_OID4VP_UNKNOWN_REQUEST');
    // A by-value request has no request object.
    const byValue = await start({});
    expect(byValue.body.request_uri).toBeUndefined();
  });
});
