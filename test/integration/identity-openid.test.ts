import { createHash, webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSdJwt, getClaims } from '@sd-jwt/decode';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { present } from '@sd-jwt/present';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { Command } from 'commander';
import { compactVerify, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { registerIdentity } from '../../src/cli/commands/identity.js';
import { signCompact } from '../../src/credentials/keys.js';
import { encryptKeystore, getSuite, writeKeystoreFile } from '../../src/crypto/index.js';
import { IdentityNet } from '../../src/demos/health-pass.js';
import { toBase64Url } from '../../src/encoding/index.js';
import type { CredentialConfiguration, StatusSigner } from '../../src/node/index.js';
import { tempDir } from '../helpers/fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: the wallet walks JSON answers of several shapes
type Json = Record<string, any>;

const SCHEMA = {
  type: 'object',
  title: 'University degree',
  properties: {
    name: { type: 'string', title: 'Full name' },
    degree: { type: 'string', title: 'Degree' },
    major: { type: 'string' },
  },
  required: ['name', 'degree'],
  additionalProperties: false,
};

/**
 * A wallet written from OpenID4VCI 1.0 and OpenID4VP 1.0 with libraries this project did not
 * write — jose (the proof JWT, every signature check) and @sd-jwt/sd-jwt-vc (verifying the
 * issued SD-JWT VC with its status list and type metadata fetched over HTTP by the library,
 * and making the presentation with its key-binding JWT) — against the node's real HTTP server.
 * The holder key is a WebCrypto Ed25519 key the project's code never sees.
 */
describe('OpenID4VCI issuance and OpenID4VP presentation with an outside wallet', () => {
  const tmp = tempDir('gongzhi-identity-openid-');
  let net: IdentityNet;
  let server: RunningServer;
  const statusKey = getSuite('ed25519').generateKeyPair();
  const credKey = getSuite('ed25519').generateKeyPair();
  const statusSigners: StatusSigner[] = [];
  const credentialSigners: StatusSigner[] = [];
  const credentialConfigurations: CredentialConfiguration[] = [];
  let wallet: { jwk: JWK; privateKey: webcrypto.CryptoKey };

  beforeAll(async () => {
    net = await IdentityNet.start(
      { dataDir: tmp.dir, log: () => undefined },
      'oid',
      { uni: ['identity-registrar'] },
      { statusSigners, credentialSigners, credentialConfigurations },
    );
    await net.createDid('uni');
    for (const [fragment, k] of [
      ['status-1', statusKey],
      ['cred-1', credKey],
    ] as const) {
      await net.ok('uni', 'identity', 'addKey', {
        id: net.id('uni'),
        fragment,
        publicKey: k.publicKey,
        purposes: ['assertionMethod'],
      });
    }
    statusSigners.push({ did: net.did('uni'), fragment: 'status-1', type: 'ed25519', ...statusKey });
    credentialSigners.push({ did: net.did('uni'), fragment: 'cred-1', type: 'ed25519', ...credKey });
    credentialConfigurations.push({
      id: 'degree',
      did: net.did('uni'),
      schemaId: 1500,
      version: 1,
      selective: ['degree', 'major'],
      name: 'Degree',
    });
    await net.ok('uni', 'identity', 'recognizeIssuer', { id: net.id('uni'), category: 'university' });
    await net.ok('uni', 'identity', 'registerSchema', {
      schemaId: 1500,
      issuer: net.id('uni'),
      name: 'Degree',
      schema: JSON.stringify(SCHEMA),
    });
    await net.ok('uni', 'identity', 'createStatusList', {
      issuer: net.id('uni'),
      list: 'r',
      purpose: 'revocation',
    });
    server = await startServer(net.node, { host: '127.0.0.1', port: 0 });
    const kp = await generateKeyPair('EdDSA', { extractable: true });
    const { d: _private, ...jwk } = await exportJWK(kp.publicKey);
    wallet = { jwk, privateKey: kp.privateKey as webcrypto.CryptoKey };
  });
  afterAll(async () => {
    await server?.close();
    await net?.stop();
    tmp.remove();
  });

  // --- the issuer's back office ---
  const offer = async (claims: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const request = signCompact(
      net.signingKey('uni'),
      { alg: 'EdDSA', kid: `${net.did('uni')}#key-1` },
      { iss: net.did('uni'), iat: net.now(), credential_configuration_id: 'degree', claims, ...extra },
    );
    return post(`${server.url}/v1/openid4vci/offers`, { request });
  };

  // --- the wallet: plain HTTP, jose, @sd-jwt/sd-jwt-vc ---
  const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
    const form = typeof body === 'string';
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
        ...headers,
      },
      body: form ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const getJson = async (url: string) => (await (await fetch(url)).json()) as Json;
  /** The relying party reads the outcome with the handle only it was given. */
  const outcome = async (req: Json, responseCode?: string) =>
    (
      await post(`${server.url}/v1/groups/main/openid4vp/outcome`, {
        transaction_id: req.transaction_id,
        ...(responseCode === undefined ? {} : { response_code: responseCode }),
      })
    ).body;
  const hasher = (d: string | ArrayBuffer, alg: string) => {
    expect(alg.toLowerCase()).toMatch(/^sha-?256$/);
    return new Uint8Array(
      createHash('sha256')
        .update(typeof d === 'string' ? d : new Uint8Array(d))
        .digest(),
    );
  };
  const joseVerifier = (jwk: unknown) => async (data: string, sig: string) => {
    const key = await importJWK(jwk as JWK, 'EdDSA');
    return compactVerify(`${data}.${sig}`, key).then(
      () => true,
      () => false,
    );
  };
  /** The issuer's key by its DID URL, through the node's DID resolution route. */
  const keyOf = async (kid: string) => {
    const did = kid.split('#')[0] ?? '';
    const r = await getJson(`${server.url}/1.0/identifiers/${encodeURIComponent(did)}`);
    return (r.didDocument.verificationMethod as { id: string; publicKeyJwk: unknown }[]).find(
      (v) => v.id === kid,
    )?.publicKeyJwk;
  };
  const kbSigner = async (data: string) =>
    toBase64Url(
      new Uint8Array(
        await webcrypto.subtle.sign('Ed25519', wallet.privateKey, new TextEncoder().encode(data)),
      ),
    );
  const sdjwt = async (kid: string) =>
    new SDJwtVcInstance({
      hasher,
      verifier: joseVerifier(await keyOf(kid)),
      statusVerifier: joseVerifier(await keyOf(`${net.did('uni')}#status-1`)),
      kbSigner,
      kbSignAlg: 'EdDSA',
      kbVerifier: (data, sig, payload) =>
        joseVerifier((payload as { cnf?: { jwk?: unknown } }).cnf?.jwk)(data, sig),
      loadTypeMetadataFormat: true,
    });
  const proof = (aud: string, nonce: string, key = wallet) =>
    new SignJWT({ nonce })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'openid4vci-proof+jwt', jwk: key.jwk })
      .setAudience(aud)
      .setIssuedAt()
      .sign(key.privateKey);

  /** Offer → metadata → token → nonce → proof → credential, as a wallet does it. */
  const receive = async (offerUri: string, txCode?: string) => {
    const credentialOffer = JSON.parse(new URL(offerUri).searchParams.get('credential_offer') ?? '');
    const issuer = credentialOffer.credential_issuer as string;
    const meta = await getJson(`${issuer}/.well-known/openid-credential-issuer`);
    const as = await getJson(`${issuer}/.well-known/oauth-authorization-server`);
    const grant = credentialOffer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'];
    const form = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
      'pre-authorized_code': grant['pre-authorized_code'],
      ...(txCode === undefined ? {} : { tx_code: txCode }),
    });
    const token = await post(as.token_endpoint, form.toString());
    expect(token.status).toBe(200);
    const { c_nonce } = (await post(meta.nonce_endpoint, {})).body;
    const res = await post(
      meta.credential_endpoint,
      {
        credential_configuration_id: credentialOffer.credential_configuration_ids[0],
        proofs: { jwt: [await proof(issuer, c_nonce)] },
      },
      { authorization: `Bearer ${token.body.access_token}` },
    );
    return {
      res,
      meta,
      code: grant['pre-authorized_code'] as string,
      token: token.body.access_token as string,
    };
  };

  let credential = '';

  it('issues an SD-JWT VC that the outside library verifies, with status and type metadata fetched from the node', async () => {
    const o = await offer(
      { name: 'Ana Lima', degree: 'BSc', major: 'Physics' },
      { status: { list: 'r', index: 5 }, tx_code: '2468' },
    );
    expect(o.status).toBe(200);
    expect(
      o.body.credential_offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'].tx_code,
    ).toEqual({
      input_mode: 'numeric',
      length: 4,
    });
    const { res, meta } = await receive(o.body.credential_offer_uri, '2468');
    expect(res.status).toBe(200);
    const cfg = meta.credential_configurations_supported.degree;
    expect(cfg.format).toBe('dc+sd-jwt');
    expect(meta.credential_issuer).toBe(server.url);
    credential = res.body.credentials[0].credential;
    const header = JSON.parse(Buffer.from(credential.split('.')[0] ?? '', 'base64url').toString());
    expect(header).toMatchObject({ typ: 'dc+sd-jwt', kid: `${net.did('uni')}#cred-1` });
    const verified = await (await sdjwt(header.kid)).verify(credential);
    expect(verified.payload.vct).toBe(cfg.vct);
    expect((verified.payload.cnf as { jwk: JWK }).jwk).toEqual(wallet.jwk);
    expect(verified.payload.sub).toMatch(/^did:jwk:/);
    expect(verified.payload).toMatchObject({ name: 'Ana Lima', degree: 'BSc', major: 'Physics' });
    // Type metadata: fetched by the library from the vct URL, built from the ledger's schema.
    const tm = verified.typeMetadata?.mergedTypeMetadata;
    expect(tm?.vct).toBe(cfg.vct);
    expect(tm?.name).toBe('University degree');
    expect(tm?.claims?.find((c) => c.path[0] === 'name')).toMatchObject({
      display: [{ locale: 'en', label: 'Full name' }],
      sd: 'never',
    });
    expect(tm?.claims?.find((c) => c.path[0] === 'degree')?.sd).toBe('always');
  });

  it('refuses a reused pre-authorised code, a wrong tx_code and another grant type, in the OAuth error shape', async () => {
    const o = await offer({ name: 'Bo', degree: 'MA' }, { tx_code: '1357' });
    const code =
      o.body.credential_offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'][
        'pre-authorized_code'
      ];
    const tokenUrl = `${server.url}/v1/openid4vci/token`;
    const form = (extra: Record<string, string>) =>
      new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
        'pre-authorized_code': code,
        ...extra,
      }).toString();
    const wrong = await post(tokenUrl, form({ tx_code: '0000' }));
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: 'invalid_grant', code: 'IDENTITY_OID4VCI_BAD_GRANT' });
    expect(wrong.body.hint).toBeTypeOf('string');
    // The wrong tx_code did not consume the code.
    expect((await post(tokenUrl, form({ tx_code: '1357' }))).status).toBe(200);
    const again = await post(tokenUrl, form({ tx_code: '1357' }));
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: 'invalid_grant', code: 'IDENTITY_OID4VCI_CODE_USED' });
    const grant = await post(tokenUrl, new URLSearchParams({ grant_type: 'client_credentials' }).toString());
    expect(grant.body).toMatchObject({
      error: 'unsupported_grant_type',
      code: 'IDENTITY_OID4VCI_UNSUPPORTED_GRANT',
    });
  });

  it('refuses a bad proof, a used nonce and a bad token, and the token still works afterwards', async () => {
    const o = await offer({ name: 'Cy', degree: 'PhD' });
    const code =
      o.body.credential_offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'][
        'pre-authorized_code'
      ];
    const tok = await post(
      `${server.url}/v1/openid4vci/token`,
      new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
        'pre-authorized_code': code,
      }).toString(),
    );
    const auth = { authorization: `Bearer ${tok.body.access_token}` };
    const nonce = async () => (await post(`${server.url}/v1/openid4vci/nonce`, {})).body.c_nonce as string;
    const ask = async (p: string, headers = auth) =>
      post(
        `${server.url}/v1/openid4vci/credential`,
        { credential_configuration_id: 'degree', proofs: { jwt: [p] } },
        headers,
      );
    // Signed by another key than the jwk it names.
    const other = await generateKeyPair('EdDSA');
    const forged = await new SignJWT({ nonce: await nonce() })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'openid4vci-proof+jwt', jwk: wallet.jwk })
      .setAudience(server.url)
      .setIssuedAt()
      .sign(other.privateKey);
    expect((await ask(forged)).body).toMatchObject({
      error: 'invalid_proof',
      code: 'IDENTITY_OID4VCI_BAD_PROOF',
    });
    // For another credential issuer.
    expect((await ask(await proof('https://elsewhere.example', await nonce()))).body.code).toBe(
      'IDENTITY_OID4VCI_BAD_PROOF',
    );
    // A nonce the issuer never gave, then one used twice.
    expect((await ask(await proof(server.url, 'made-up'))).body).toMatchObject({
      error: 'invalid_nonce',
      code: 'IDENTITY_OID4VCI_BAD_NONCE',
    });
    const bad = await ask(await proof(server.url, await nonce()), {
      authorization: 'Bearer not-a-real-token-at-all',
    });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('IDENTITY_OID4VCI_BAD_TOKEN');
    const n = await nonce();
    const ok = await ask(await proof(server.url, n));
    expect(ok.status).toBe(200);
    expect(ok.body.credentials).toHaveLength(1);
    expect((await ask(await proof(server.url, n))).body.code).toBe('IDENTITY_OID4VCI_BAD_TOKEN');
  });

  it('refuses an offer request not signed by the issuer, or for claims off the schema', async () => {
    const forged = signCompact(
      { ...net.signingKey('holder') },
      { alg: 'EdDSA', kid: `${net.did('uni')}#key-1` },
      {
        iss: net.did('uni'),
        iat: net.now(),
        credential_configuration_id: 'degree',
        claims: { name: 'X', degree: 'Y' },
      },
    );
    const r = await post(`${server.url}/v1/openid4vci/offers`, { request: forged });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('IDENTITY_OID4VCI_BAD_OFFER_REQUEST');
    const off = await offer({ name: 'X' });
    expect(off.body.error.code).toBe('IDENTITY_CLAIMS_INVALID');
  });

  it('`gongzhi credential offer` makes the offer from the command line; the wallet redeems it', async () => {
    await writeKeystoreFile(
      join(tmp.dir, 'uni.json'),
      await encryptKeystore('ed25519', net.key('uni'), 'pw', { scryptN: 2 ** 10, weakForTests: true }),
    );
    writeFileSync(join(tmp.dir, 'pw.txt'), 'pw\n');
    writeFileSync(join(tmp.dir, 'claims.json'), JSON.stringify({ name: 'Dee', degree: 'MSc' }));
    const program = new Command().exitOverride();
    registerIdentity(program);
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      await program.parseAsync(
        [
          'credential',
          'offer',
          '--url',
          server.url,
          '--group',
          'main',
          '--key',
          join(tmp.dir, 'uni.json'),
          '--password-file',
          join(tmp.dir, 'pw.txt'),
          '--configuration',
          'degree',
          '--claims',
          join(tmp.dir, 'claims.json'),
        ],
        { from: 'user' },
      );
    } finally {
      write.mockRestore();
    }
    const uri = out.join('').trim();
    expect(uri).toMatch(/^openid-credential-offer:\/\/\?credential_offer=/);
    const { res } = await receive(uri);
    expect(res.status).toBe(200);
    const payload = JSON.parse(
      Buffer.from((res.body.credentials[0].credential as string).split('.')[1] ?? '', 'base64url').toString(),
    );
    expect(payload.iss).toBe(net.did('uni'));
  });

  // --- OpenID4VP ---
  const startRequest = async () => {
    const vct = (await getJson(`${server.url}/.well-known/openid-credential-issuer`))
      .credential_configurations_supported.degree.vct;
    const r = await post(`${server.url}/v1/groups/main/openid4vp/requests`, {
      dcql_query: {
        credentials: [
          { id: 'degree', format: 'dc+sd-jwt', meta: { vct_values: [vct] }, claims: [{ path: ['degree'] }] },
        ],
      },
      policy: { category: 'university', schemaId: 1500 },
    });
    expect(r.status).toBe(200);
    return r.body;
  };
  /** The wallet reads the openid4vp:// link and answers with the library's presentation. */
  const answer = async (link: string, forRequest?: URLSearchParams) => {
    const q = new URL(link).searchParams;
    const use = forRequest ?? q;
    const dcql = JSON.parse(q.get('dcql_query') ?? '');
    const frame = Object.fromEntries(
      dcql.credentials[0].claims.map((c: { path: string[] }) => [c.path[0], true]),
    );
    const vp = await (await sdjwt(`${net.did('uni')}#cred-1`)).present(credential, frame, {
      kb: { payload: { iat: net.now(), aud: use.get('client_id') ?? '', nonce: use.get('nonce') ?? '' } },
    });
    const form = new URLSearchParams({
      vp_token: JSON.stringify({ degree: [vp] }),
      state: q.get('state') ?? '',
    });
    return post(q.get('response_uri') ?? '', form.toString());
  };

  it('verifies a DCQL presentation posted with direct_post; the relying party reads the outcome', async () => {
    const req = await startRequest();
    expect(req.request).toMatchObject({ response_type: 'vp_token', response_mode: 'direct_post' });
    expect(req.request.client_id).toBe(`redirect_uri:${req.request.response_uri}`);
    expect(await outcome(req)).toEqual({ status: 'pending' });
    expect(req.transaction_id).not.toBe(req.state);
    expect(JSON.stringify(req.request)).not.toContain(req.transaction_id);
    expect(req.request_link).not.toContain(req.transaction_id);
    const res = await answer(req.request_link);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    // The state travels in the link: it says the request was answered, and nothing of what was shown.
    expect(await getJson(`${server.url}/v1/groups/main/openid4vp/requests/${req.state}`)).toEqual({
      status: 'answered',
    });
    const out = await outcome(req);
    expect(out.status).toBe('answered');
    expect(out.valid).toBe(true);
    // `name` is not selectively disclosable in this configuration; `major` was not asked for.
    expect(out.credentials.degree.claims).toEqual({ name: 'Ana Lima', degree: 'BSc' });
    expect(out.credentials.degree.checks.map((c: { name: string }) => c.name)).toContain('status');
  });

  it('same device: the wallet is sent to the redirect_uri with a response_code, which the outcome needs', async () => {
    const vct = (await getJson(`${server.url}/.well-known/openid-credential-issuer`))
      .credential_configurations_supported.degree.vct;
    const r = await post(`${server.url}/v1/groups/main/openid4vp/requests`, {
      dcql_query: {
        credentials: [
          { id: 'degree', format: 'dc+sd-jwt', meta: { vct_values: [vct] }, claims: [{ path: ['degree'] }] },
        ],
      },
      redirect_uri: 'https://rp.example/after',
    });
    expect(r.status).toBe(200);
    const res = await answer(r.body.request_link);
    expect(res.status).toBe(200);
    const code = new URL(res.body.redirect_uri).hash.replace(/^#response_code=/, '');
    expect(res.body.redirect_uri).toBe(`https://rp.example/after#response_code=${code}`);
    const read = (body: Json) => post(`${server.url}/v1/groups/main/openid4vp/outcome`, body);
    const noCode = await read({ transaction_id: r.body.transaction_id });
    expect(noCode.status).toBe(403);
    expect(noCode.body.error.code).toBe('IDENTITY_OID4VP_BAD_RESPONSE_CODE');
    const unknown = await read({ transaction_id: r.body.state });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('IDENTITY_OID4VP_UNKNOWN_TRANSACTION');
    const ok = await read({ transaction_id: r.body.transaction_id, response_code: code });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'answered', valid: true });
    const badRedirect = await post(`${server.url}/v1/groups/main/openid4vp/requests`, {
      dcql_query: { credentials: [{ id: 'degree', format: 'dc+sd-jwt' }] },
      redirect_uri: 'http://rp.example/after',
    });
    expect(badRedirect.status).toBe(400);
    expect(badRedirect.body.error.code).toBe('IDENTITY_OID4VP_BAD_REDIRECT_URI');
  });

  it('a wallet without the SD-JWT VC class: @sd-jwt/decode reads it, @sd-jwt/present picks disclosures, jose signs the KB-JWT', async () => {
    const decoded = await decodeSdJwt(credential, hasher);
    // `name` is always visible (not selective in this configuration); degree and major are disclosures.
    expect(decoded.jwt.payload.name).toBe('Ana Lima');
    expect(decoded.disclosures.map((d) => d.key).sort()).toEqual(['degree', 'major']);
    expect(await getClaims(decoded.jwt.payload, decoded.disclosures, hasher)).toMatchObject({
      degree: 'BSc',
      major: 'Physics',
    });
    const req = await startRequest();
    const q = new URL(req.request_link).searchParams;
    const sdJwt = await present(credential, { degree: true }, hasher);
    expect(sdJwt.endsWith('~')).toBe(true);
    // RFC 9901 §4.3: the KB-JWT carries sd_hash over the presentation up to the last `~`.
    const kb = await new SignJWT({
      nonce: q.get('nonce') ?? '',
      aud: q.get('client_id') ?? '',
      iat: net.now(),
      sd_hash: toBase64Url(hasher(sdJwt, 'sha-256')),
    })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'kb+jwt' })
      .sign(wallet.privateKey);
    const form = new URLSearchParams({
      vp_token: JSON.stringify({ degree: [`${sdJwt}${kb}`] }),
      state: q.get('state') ?? '',
    });
    expect((await post(q.get('response_uri') ?? '', form.toString())).status).toBe(200);
    const out = await outcome(req);
    expect(out.valid).toBe(true);
    expect(out.credentials.degree.claims).toEqual({ name: 'Ana Lima', degree: 'BSc' });
  });

  it('refuses a response made for another request (nonce), and the request stays pending', async () => {
    const a = await startRequest();
    const b = await startRequest();
    const res = await answer(b.request_link, new URL(a.request_link).searchParams);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', code: 'IDENTITY_OID4VP_NONCE_MISMATCH' });
    expect((await getJson(`${server.url}/v1/groups/main/openid4vp/requests/${b.state}`)).status).toBe(
      'pending',
    );
    const unknown = await post(
      `${server.url}/v1/groups/main/openid4vp/response`,
      new URLSearchParams({ vp_token: '{}', state: 'nope' }).toString(),
    );
    expect(unknown.body.code).toBe('IDENTITY_OID4VP_UNKNOWN_REQUEST');
    const badQuery = await post(`${server.url}/v1/groups/main/openid4vp/requests`, {
      dcql_query: { credentials: [{ id: 'x', format: 'mso_mdoc' }] },
    });
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.code).toBe('IDENTITY_OID4VP_BAD_QUERY');
  });

  it('after revocation the outside library and the OpenID4VP outcome both refuse the credential', async () => {
    await net.ok('uni', 'identity', 'setStatus', {
      issuer: net.id('uni'),
      list: 'r',
      indexes: [5],
      value: true,
    });
    const list = getListFromStatusListJWT(
      await (await fetch(`${server.url}/v1/groups/main/identity/status-lists/${net.id('uni')}/r`)).text(),
    );
    expect(list.getStatus(5)).toBe(1);
    await expect((await sdjwt(`${net.did('uni')}#cred-1`)).verify(credential)).rejects.toThrow(
      /Status is not valid/,
    );
    const req = await startRequest();
    expect((await answer(req.request_link)).status).toBe(200);
    const out = await outcome(req);
    expect(out.valid).toBe(false);
    expect(out.credentials.degree.errors).toEqual(['IDENTITY_REVOKED']);
  });
});
