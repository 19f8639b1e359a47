import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHECK_CODES,
  credentialDigest,
  issueSdJwtVc,
  type LedgerReader,
  presentSdJwtVc,
  type VerificationResult,
  type VerifierPolicy,
  verifyPresentation,
} from '../../src/credentials/index.js';
import { IdentityNet } from '../../src/demos/health-pass.js';
import { GongzhiError, hintFor, isErrorCode } from '../../src/errors/index.js';
import { formatVerification } from '../../src/ledger/index.js';
import { tempDir } from '../helpers/fixtures.js';

const SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, degree: { type: 'string' }, gpa: { type: 'string' } },
  required: ['name', 'degree'],
  additionalProperties: false,
};

/** The failed checks' codes, and the one check expected to fail. */
function failed(r: VerificationResult, code: string): void {
  expect(r.valid).toBe(false);
  expect(r.errors).toContain(code);
  for (const c of r.checks) expect(c.code === undefined).toBe(c.ok);
  expect(r.errors).toEqual(r.checks.filter((c) => !c.ok).map((c) => c.code));
  // The shared shape: the same renderer prints it, with the code's hint under each failure.
  const lines = formatVerification(r);
  const bad = r.checks.find((c) => !c.ok);
  expect(bad).toBeDefined();
  expect(lines.join('\n')).toContain(`hint: ${hintFor(bad?.code ?? '')}`);
  expect(hintFor(bad?.code ?? '')).not.toBe('');
}

describe('verification failures carry a stable IDENTITY_* code', () => {
  const tmp = tempDir('gongzhi-identity-errors-');
  let net: IdentityNet;

  beforeAll(async () => {
    net = await IdentityNet.start({ dataDir: tmp.dir, log: () => undefined }, 'errs', {
      uni: ['identity-registrar'],
    });
    await net.createDid('uni');
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
    await net.ok('uni', 'identity', 'createStatusList', {
      issuer: net.id('uni'),
      list: 's',
      purpose: 'suspension',
    });
    await net.createDid('holder');
  });
  afterAll(async () => {
    await net.stop();
    tmp.remove();
  });

  const CLAIMS = { name: 'Ana', degree: 'BSc', gpa: '3.9' };
  type Issue = Partial<Parameters<typeof issueSdJwtVc>[0]>;
  const issue = (o: Issue = {}) =>
    issueSdJwtVc({
      issuer: net.signingKey('uni'),
      subject: net.did('holder'),
      holder: { type: 'ed25519', publicKey: net.key('holder').publicKey },
      schema: { schemaId: 1500, version: 1, schema: SCHEMA },
      vctPrefix: net.prefix,
      claims: CLAIMS,
      iat: net.now(),
      exp: net.now() + 3600,
      ...o,
    });
  const policy = (o: Partial<VerifierPolicy> = {}): VerifierPolicy => ({
    disclose: ['name', 'degree'],
    nonce: 'nonce-1',
    aud: 'did:example:verifier',
    category: 'university',
    schemaId: 1500,
    now: net.now(),
    ...o,
  });
  const present = (cred: string, p: VerifierPolicy = policy()) =>
    presentSdJwtVc(cred, net.signingKey('holder'), {
      disclose: p.disclose,
      nonce: p.nonce,
      aud: p.aud,
      iat: net.now(),
    });
  const verify = async (cred: string, p: VerifierPolicy = policy()) =>
    verifyPresentation(net.reader, await present(cred, p), p);

  it('a good presentation has no errors', async () => {
    const r = await verify(await issue());
    expect(r.valid).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.checks.every((c) => c.code === undefined)).toBe(true);
  });

  it('every check code is a registered error code', () => {
    const codes = [...Object.values(CHECK_CODES), 'IDENTITY_NOT_YET_VALID', 'IDENTITY_SUSPENDED'];
    for (const c of codes) expect(isErrorCode(c), c).toBe(true);
  });

  it('malformed DID: resolve and issue refuse it, a presentation naming it is IDENTITY_ISSUER_UNRESOLVED', async () => {
    expect(() => net.group.query('identity', 'resolve', { did: 'did:gongzhi:nope' })).toThrow(
      expect.objectContaining({ code: 'IDENTITY_BAD_DID' }),
    );
    await expect(issue({ issuer: { ...net.signingKey('uni'), kid: 'not-a-did' } })).rejects.toMatchObject({
      code: 'IDENTITY_CREDENTIAL_INVALID',
    });
    const bad = await issue({ issuer: { ...net.signingKey('uni'), kid: 'did:gongzhi:nope#key-1' } });
    const r = await verify(bad);
    failed(r, 'IDENTITY_ISSUER_UNRESOLVED');
  });

  it('garbage is IDENTITY_BAD_FORMAT', async () => {
    failed(await verifyPresentation(net.reader, 'not.a~jwt~', policy()), 'IDENTITY_BAD_FORMAT');
  });

  it('unknown schema: IDENTITY_SCHEMA_MISMATCH', async () => {
    expect(() => net.group.query('identity', 'schema', { schemaId: 1999 })).toThrow(
      expect.objectContaining({ code: 'IDENTITY_SCHEMA_NOT_FOUND' }),
    );
    const cred = await issue({ schema: { schemaId: 1999, version: 1, schema: SCHEMA } });
    failed(await verify(cred, policy({ schemaId: 1999 })), 'IDENTITY_SCHEMA_MISMATCH');
    // A schema other than the one the verifier accepts.
    failed(await verify(cred), 'IDENTITY_SCHEMA_MISMATCH');
  });

  it('claims violating the schema: refused at issuance, IDENTITY_SCHEMA_MISMATCH at verification', async () => {
    await expect(issue({ claims: { name: 'Ana' } })).rejects.toMatchObject({
      code: 'IDENTITY_CLAIMS_INVALID',
    });
    // An issuer that validated against a looser schema than the registered one.
    const loose = { type: 'object' };
    const cred = await issue({
      schema: { schemaId: 1500, version: 1, schema: loose },
      claims: { name: 'Ana', degree: 7 },
    });
    failed(await verify(cred), 'IDENTITY_SCHEMA_MISMATCH');
  });

  it('tampered issuer signature: IDENTITY_BAD_SIGNATURE', async () => {
    const vp = await present(await issue());
    const [jwt = '', ...rest] = vp.split('~');
    const [h, p, sig = ''] = jwt.split('.');
    const i = Math.floor(sig.length / 2);
    const flipped = `${sig.slice(0, i)}${sig[i] === 'A' ? 'B' : 'A'}${sig.slice(i + 1)}`;
    const tampered = [`${h}.${p}.${flipped}`, ...rest].join('~');
    failed(await verifyPresentation(net.reader, tampered, policy()), 'IDENTITY_BAD_SIGNATURE');
  });

  it('wrong nonce or audience: IDENTITY_BINDING_MISMATCH', async () => {
    const vp = await present(await issue());
    const r = await verifyPresentation(net.reader, vp, policy({ nonce: 'nonce-2' }));
    failed(r, 'IDENTITY_BINDING_MISMATCH');
    expect(r.errors).toEqual(['IDENTITY_BINDING_MISMATCH']);
    failed(
      await verifyPresentation(net.reader, vp, policy({ aud: 'did:example:other' })),
      'IDENTITY_BINDING_MISMATCH',
    );
  });

  it('revocation and suspension bits: IDENTITY_REVOKED, IDENTITY_SUSPENDED', async () => {
    const revoked = await issue({ status: { list: 'r', index: 11, purpose: 'revocation' } });
    const suspended = await issue({ status: { list: 's', index: 12, purpose: 'suspension' } });
    expect((await verify(revoked)).valid).toBe(true);
    await net.ok('uni', 'identity', 'setStatus', {
      issuer: net.id('uni'),
      list: 'r',
      indexes: [11],
      value: true,
    });
    await net.ok('uni', 'identity', 'setStatus', {
      issuer: net.id('uni'),
      list: 's',
      indexes: [12],
      value: true,
    });
    const r = await verify(revoked);
    failed(r, 'IDENTITY_REVOKED');
    expect(r.errors).toEqual(['IDENTITY_REVOKED']);
    failed(await verify(suspended), 'IDENTITY_SUSPENDED');
  });

  it('expired and not yet valid: IDENTITY_EXPIRED, IDENTITY_NOT_YET_VALID', async () => {
    const old = await issue({ iat: net.now() - 7200, exp: net.now() - 3600 });
    const r = await verify(old);
    // Issued before the issuer's DID existed, so its key and recognition fail too.
    failed(r, 'IDENTITY_EXPIRED');
    const cred = await issue();
    failed(await verify(cred, policy({ now: net.now() + 7200 })), 'IDENTITY_EXPIRED');
    failed(await verify(cred, policy({ now: net.now() - 7200 })), 'IDENTITY_NOT_YET_VALID');
  });

  it('issuer not recognised (wrong category, derecognised): IDENTITY_NOT_RECOGNISED', async () => {
    failed(await verify(await issue(), policy({ category: 'hospital' })), 'IDENTITY_NOT_RECOGNISED');
    await net.createDid('college');
    await net.ok('uni', 'identity', 'recognizeIssuer', { id: net.id('college'), category: 'university' });
    // The college issues against its own schema (a schema's owner is checked against the issuer).
    await net.ok('college', 'identity', 'registerSchema', {
      schemaId: 1501,
      issuer: net.id('college'),
      name: 'Degree',
      schema: JSON.stringify(SCHEMA),
    });
    const cred = await issue({
      issuer: net.signingKey('college'),
      schema: { schemaId: 1501, version: 1, schema: SCHEMA },
    });
    expect((await verify(cred, policy({ schemaId: 1501 }))).valid).toBe(true);
    await net.ok('uni', 'identity', 'derecognizeIssuer', {
      id: net.id('college'),
      category: 'university',
      reason: 'accreditation withdrawn',
    });
    const r = await verify(cred, policy({ schemaId: 1501 }));
    failed(r, 'IDENTITY_NOT_RECOGNISED');
    expect(r.errors).toEqual(['IDENTITY_NOT_RECOGNISED']);
  });

  it('key rotated before issuance: IDENTITY_KEY_NOT_VALID_AT_ISSUANCE', async () => {
    await net.createDid('rot');
    await net.ok('uni', 'identity', 'recognizeIssuer', { id: net.id('rot'), category: 'university' });
    await net.ok('rot', 'identity', 'registerSchema', {
      schemaId: 1502,
      issuer: net.id('rot'),
      name: 'Degree',
      schema: JSON.stringify(SCHEMA),
    });
    const rotSchema = { schemaId: 1502, version: 1, schema: SCHEMA };
    const next = net.suite.generateKeyPair();
    await net.ok('rot', 'identity', 'rotateKey', {
      id: net.id('rot'),
      old: 'key-1',
      fragment: 'key-2',
      publicKey: next.publicKey,
    });
    // Issued (iat) after the rotation block, still signed with the rotated-out key-1.
    const cred = await issue({ issuer: net.signingKey('rot'), schema: rotSchema, iat: net.now() + 1 });
    const r = await verify(cred, policy({ now: net.now() + 1, schemaId: 1502 }));
    failed(r, 'IDENTITY_KEY_NOT_VALID_AT_ISSUANCE');
    // The new key works.
    const good = await issue({
      issuer: {
        type: 'ed25519',
        secretKey: next.secretKey,
        publicKey: next.publicKey,
        kid: `${net.did('rot')}#key-2`,
      },
      schema: rotSchema,
      iat: net.now() + 1,
    });
    expect((await verify(good, policy({ now: net.now() + 1, schemaId: 1502 }))).errors).toEqual([]);
  });

  it('missing disclosure and missing anchor: IDENTITY_DISCLOSURE_MISSING, IDENTITY_NOT_ANCHORED', async () => {
    const cred = await issue();
    const p = policy({ disclose: ['name'], requireAnchor: true });
    const vp = await present(cred, p);
    const r = await verifyPresentation(net.reader, vp, { ...p, disclose: ['name', 'gpa'] });
    expect(r.errors).toEqual(['IDENTITY_DISCLOSURE_MISSING', 'IDENTITY_NOT_ANCHORED']);
    await net.ok('uni', 'evidence', 'anchor', {
      digest: credentialDigest(cred),
      alg: 'sha256',
      meta: { type: 'credential', capturedBy: net.did('uni'), capturedAt: Date.now(), method: 'sd-jwt-vc' },
    });
    expect((await verifyPresentation(net.reader, vp, p)).errors).toEqual([]);
  });
  it('a status or anchor lookup the node refuses (rate limit, down) is IDENTITY_LEDGER_UNAVAILABLE, never "revoked"', async () => {
    const cred = await issue({ status: { list: 'r', index: 7, purpose: 'revocation' } });
    await net.ok('uni', 'evidence', 'anchor', {
      digest: credentialDigest(cred),
      alg: 'sha256',
      meta: { type: 'credential', capturedBy: net.did('uni'), capturedAt: 0, method: 'sd-jwt-vc' },
    });
    const p = policy({ requireAnchor: true });
    const vp = await present(cred, p);
    expect((await verifyPresentation(net.reader, vp, p)).errors).toEqual([]);
    // The same lookups failing the way a busy or stopped node fails them.
    const failing = (fail: string, err: Error): LedgerReader => ({
      query: async (module, name, args) => {
        if (name === fail) throw err;
        return net.reader.query(module, name, args);
      },
    });
    const limited = new GongzhiError('API_RATE_LIMITED', 'too many requests from this client');
    failed(await verifyPresentation(failing('status', limited), vp, p), 'IDENTITY_LEDGER_UNAVAILABLE');
    const down = new GongzhiError('NODE_UNREACHABLE', 'no node at http://127.0.0.1:1');
    failed(await verifyPresentation(failing('get', down), vp, p), 'IDENTITY_LEDGER_UNAVAILABLE');
    failed(
      await verifyPresentation(failing('resolve', new TypeError('fetch failed')), vp, p),
      'IDENTITY_LEDGER_UNAVAILABLE',
    );
    // The ledger's own answer keeps the check's code: a list that is not there is no proof of status.
    const missing = new GongzhiError('IDENTITY_STATUS_LIST_NOT_FOUND', 'no such list');
    failed(await verifyPresentation(failing('status', missing), vp, p), 'IDENTITY_REVOKED');
    // And a set bit is still "revoked".
    await net.ok('uni', 'identity', 'setStatus', {
      issuer: net.id('uni'),
      list: 'r',
      indexes: [7],
      value: true,
    });
    failed(await verifyPresentation(net.reader, vp, p), 'IDENTITY_REVOKED');
  });
});
