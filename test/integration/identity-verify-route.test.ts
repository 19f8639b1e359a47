import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import {
  didKeyOf,
  issueJwtVc,
  issueSdJwtVc,
  presentSdJwtVc,
  statusListUrl,
  type VerificationResult,
} from '../../src/credentials/index.js';
import { getSuite } from '../../src/crypto/index.js';
import { IdentityNet } from '../../src/demos/health-pass.js';
import { tempDir } from '../helpers/fixtures.js';

const SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, degree: { type: 'string' } },
  required: ['name', 'degree'],
  additionalProperties: false,
};

/** `POST /v1/groups/{g}/credentials/verify` over real HTTP: the shared result shape with codes. */
describe('the credential verification route', () => {
  const tmp = tempDir('gongzhi-identity-verify-route-');
  let net: IdentityNet;
  let server: RunningServer;

  beforeAll(async () => {
    net = await IdentityNet.start(
      { dataDir: tmp.dir, log: () => undefined },
      'vr',
      { uni: ['identity-registrar'] },
      { kbMaxAge: 600, clockSkew: 60 },
    );
    for (const who of ['uni', 'college', 'holder']) await net.createDid(who);
    await net.ok('uni', 'identity', 'recognizeIssuer', { id: net.id('uni'), category: 'university' });
    await net.ok('uni', 'identity', 'recognizeIssuer', { id: net.id('college'), category: 'university' });
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
  });
  afterAll(async () => {
    await server?.close();
    await net?.stop();
    tmp.remove();
  });

  const policy = {
    disclose: ['name'],
    nonce: 'n-1',
    aud: 'did:example:v',
    category: 'university',
    schemaId: 1500,
  };
  const issue = (who = 'uni', index = 1) =>
    issueSdJwtVc({
      issuer: net.signingKey(who),
      subject: net.did('holder'),
      holder: { type: 'ed25519', publicKey: net.key('holder').publicKey },
      schema: { schemaId: 1500, version: 1, schema: SCHEMA },
      vctPrefix: net.prefix,
      claims: { name: 'Ana', degree: 'BSc' },
      iat: net.now(),
      exp: net.now() + 3600,
      status: {
        list: 'r',
        index,
        purpose: 'revocation',
        uri: statusListUrl(server.url, 'main', net.id('uni'), 'r'),
      },
    });
  const present = async (cred: string, kbIat = net.now()) =>
    presentSdJwtVc(cred, net.signingKey('holder'), {
      disclose: ['name'],
      nonce: 'n-1',
      aud: 'did:example:v',
      iat: kbIat,
    });
  const post = async (body: unknown) => {
    const res = await fetch(`${server.url}/v1/groups/main/credentials/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as VerificationResult & { error?: { code: string } },
    };
  };
  const height = () => net.group.latest.height;

  it('a good presentation: 200, valid, every check passed, the disclosed claims', async () => {
    const r = await post({ presentation: await present(await issue()), policy });
    expect(r.status).toBe(200);
    expect(r.body.valid).toBe(true);
    expect(r.body.errors).toEqual([]);
    expect(r.body.claims).toEqual({ name: 'Ana' });
    expect(r.body.checks.map((c) => c.name)).toEqual([
      'format',
      'issuerDid',
      'issuerKey',
      'signature',
      'holderBinding',
      'keyBindingTime',
      'issuerRecognised',
      'schema',
      'schemaOwner',
      'validity',
      'status',
      'disclosure',
    ]);
  });

  it('bad input: a KB-JWT ten years old is IDENTITY_KB_EXPIRED, a year ahead IDENTITY_KB_NOT_YET_VALID (no state change)', async () => {
    const cred = await issue();
    const h = height();
    const old = await post({ presentation: await present(cred, net.now() - 10 * 365 * 86_400), policy });
    expect(old.status).toBe(200);
    expect(old.body.valid).toBe(false);
    expect(old.body.errors).toEqual(['IDENTITY_KB_EXPIRED']);
    const ahead = await post({ presentation: await present(cred, net.now() + 365 * 86_400), policy });
    expect(ahead.body.errors).toEqual(['IDENTITY_KB_NOT_YET_VALID']);
    expect(height()).toBe(h);
  });

  it('the window and skew are configurable: node defaults, overridden by the policy', async () => {
    const cred = await issue();
    // 500 s old: inside the node's 600 s window, outside a policy's 300 s.
    const vp = await present(cred, net.now() - 500);
    expect((await post({ presentation: vp, policy })).body.errors).toEqual([]);
    expect((await post({ presentation: vp, policy: { ...policy, kbMaxAge: 300 } })).body.errors).toEqual([
      'IDENTITY_KB_EXPIRED',
    ]);
    // 30 s ahead: inside the 60 s skew, outside a zero skew.
    const soon = await present(cred, net.now() + 30);
    expect((await post({ presentation: soon, policy })).body.errors).toEqual([]);
    expect((await post({ presentation: soon, policy: { ...policy, clockSkew: 0 } })).body.errors).toEqual([
      'IDENTITY_KB_NOT_YET_VALID',
    ]);
  });

  it('a credential citing another issuer’s schema: IDENTITY_SCHEMA_OWNER_MISMATCH', async () => {
    const r = await post({ presentation: await present(await issue('college')), policy });
    expect(r.body.errors).toContain('IDENTITY_SCHEMA_OWNER_MISMATCH');
    expect(r.body.checks.find((c) => c.name === 'schemaOwner')?.detail).toContain(net.did('uni'));
  });

  it('a revoked credential: IDENTITY_REVOKED through the route, read from the ledger', async () => {
    const vp = await present(await issue('uni', 5));
    await net.ok('uni', 'identity', 'setStatus', {
      issuer: net.id('uni'),
      list: 'r',
      indexes: [5],
      value: true,
    });
    expect((await post({ presentation: vp, policy })).body.errors).toEqual(['IDENTITY_REVOKED']);
  });

  it('a VC-JWT verifies through the same route', async () => {
    const jwt = issueJwtVc({
      issuer: net.signingKey('uni'),
      subject: net.did('holder'),
      schema: { schemaId: 1500, version: 1, schema: SCHEMA },
      vctPrefix: net.prefix,
      claims: { name: 'Ana', degree: 'BSc' },
      iat: net.now(),
      exp: net.now() + 3600,
      type: 'DegreeCredential',
    });
    const r = await post({ presentation: jwt, policy: { ...policy, disclose: ['name', 'degree'] } });
    expect(r.body.errors).toEqual([]);
    expect(r.body.format).toBe('vc+jwt');
    const [h, p] = jwt.split('.');
    const forged = await post({ presentation: `${h}.${p}.AAAA`, policy });
    expect(forged.body.errors).toEqual(['IDENTITY_BAD_SIGNATURE']);
  });

  it('a malformed request is 400 with a code; garbage is a result with IDENTITY_BAD_FORMAT', async () => {
    const bad = await post({ presentation: 'x', policy: { nonce: 'n' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('API_BAD_REQUEST');
    const junk = await post({ presentation: 'not.a~jwt~', policy });
    expect(junk.status).toBe(200);
    expect(junk.body.errors).toEqual(['IDENTITY_BAD_FORMAT']);
  });

  it('a did:key issuer recognised by the registry verifies; de-recognised it is IDENTITY_NOT_RECOGNISED', async () => {
    const k = getSuite('ed25519').generateKeyPair();
    const did = didKeyOf('ed25519', k.publicKey);
    const kid = `${did}#${did.slice('did:key:'.length)}`;
    // A system-range schema: the registrar's shared template, open to every issuer.
    await net.ok('uni', 'identity', 'registerSchema', {
      schemaId: 7,
      issuer: net.id('uni'),
      name: 'Degree',
      schema: JSON.stringify(SCHEMA),
    });
    const cred = await issueSdJwtVc({
      issuer: { type: 'ed25519', ...k, kid },
      subject: net.did('holder'),
      holder: { type: 'ed25519', publicKey: net.key('holder').publicKey },
      schema: { schemaId: 7, version: 1, schema: SCHEMA },
      vctPrefix: net.prefix,
      claims: { name: 'Ana', degree: 'BSc' },
      iat: net.now(),
      exp: net.now() + 3600,
    });
    const p = { ...policy, schemaId: 7 };
    const before = await post({ presentation: await present(cred), policy: p });
    expect(before.body.errors).toEqual(['IDENTITY_NOT_RECOGNISED']);
    // Bad input: a DID that is not did:key/jwk/web is refused with its code and no state change.
    const h = height();
    const r = await net.send('uni', 'identity', 'recognizeIssuer', {
      did: 'did:example:1',
      category: 'university',
    });
    expect(r.status).not.toBe('ok');
    expect(r.message ?? '').toContain('did:key');
    await net.ok('uni', 'identity', 'recognizeIssuer', { did, category: 'university' });
    expect(height()).toBeGreaterThan(h);
    const q = net.group.query('identity', 'issuer', { did, category: 'university' }) as {
      recognised: boolean;
    };
    expect(q.recognised).toBe(true);
    const listed = net.group.query('identity', 'issuers', { category: 'university' }) as {
      external?: { did: string }[];
    };
    expect(listed.external?.map((e) => e.did)).toEqual([did]);
    // A key-binding JWT issued after the recognition.
    await new Promise((res) => setTimeout(res, 1100));
    const cred2 = await issueSdJwtVc({
      issuer: { type: 'ed25519', ...k, kid },
      subject: net.did('holder'),
      holder: { type: 'ed25519', publicKey: net.key('holder').publicKey },
      schema: { schemaId: 7, version: 1, schema: SCHEMA },
      vctPrefix: net.prefix,
      claims: { name: 'Ana', degree: 'BSc' },
      iat: net.now(),
      exp: net.now() + 3600,
    });
    const ok = await post({ presentation: await present(cred2), policy: p });
    expect(ok.body.errors).toEqual([]);
    expect(ok.body.issuer).toBe(did);
    await net.ok('uni', 'identity', 'derecognizeIssuer', {
      did,
      category: 'university',
      reason: 'test',
    });
    expect((await post({ presentation: await present(cred2), policy: p })).body.errors).toEqual([
      'IDENTITY_NOT_RECOGNISED',
    ]);
    // A signature by another key under the same kid.
    const other = getSuite('ed25519').generateKeyPair();
    const forged = await issueSdJwtVc({
      issuer: { type: 'ed25519', ...other, kid },
      subject: net.did('holder'),
      holder: { type: 'ed25519', publicKey: net.key('holder').publicKey },
      schema: { schemaId: 7, version: 1, schema: SCHEMA },
      vctPrefix: net.prefix,
      claims: { name: 'Ana', degree: 'BSc' },
      iat: net.now(),
      exp: net.now() + 3600,
    });
    expect((await post({ presentation: await present(forged), policy: p })).body.errors).toEqual([
      'IDENTITY_BAD_SIGNATURE',
    ]);
  });

  it('the route’s read cache is dropped when a block commits: a key revoked after a good verification counts at once', async () => {
    const k2 = getSuite('ed25519').generateKeyPair();
    await net.ok('uni', 'identity', 'addKey', {
      id: net.id('uni'),
      fragment: 'key-2',
      publicKey: k2.publicKey,
      purposes: ['assertionMethod'],
    });
    const withKey2 = (iat: number) =>
      issueSdJwtVc({
        issuer: { type: 'ed25519', ...k2, kid: `${net.did('uni')}#key-2` },
        subject: net.did('holder'),
        holder: { type: 'ed25519', publicKey: net.key('holder').publicKey },
        schema: { schemaId: 1500, version: 1, schema: SCHEMA },
        vctPrefix: net.prefix,
        claims: { name: 'Ana', degree: 'BSc' },
        iat,
        exp: iat + 3600,
      });
    // Verified twice: the second answer comes from the cache (same head).
    const before = await present(await withKey2(net.now()));
    expect((await post({ presentation: before, policy })).body.errors).toEqual([]);
    expect((await post({ presentation: before, policy })).body.errors).toEqual([]);
    await net.ok('uni', 'identity', 'revokeKey', { id: net.id('uni'), fragment: 'key-2' });
    // Signed after the revocation (iat 2 s ahead, within the skew): the new key history applies.
    const after = await present(await withKey2(net.now() + 2));
    expect((await post({ presentation: after, policy })).body.errors).toEqual([
      'IDENTITY_KEY_NOT_VALID_AT_ISSUANCE',
    ]);
    // Signed before it: the key was valid at issuance, as before.
    expect((await post({ presentation: before, policy })).body.errors).toEqual([]);
  });
});
