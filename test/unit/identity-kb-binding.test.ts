import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  issueSdJwtVc,
  presentSdJwtVc,
  publicJwk,
  signCompact,
  verifySdJwtSignatures,
} from '../../src/credentials/index.js';
import { getSuite } from '../../src/crypto/index.js';
import { toBase64Url } from '../../src/encoding/index.js';
import { GongzhiError } from '../../src/errors/index.js';

/**
 * The key-binding JWT is checked on every call (the issuer part is verified once per bytes, key
 * and time, then kept): each RFC 9901 §7.3 condition refused on its own, on a presentation whose
 * issuer part is already known, and the kept issuer part never answers for another key or time.
 */
const ed = getSuite('ed25519');
const issuer = ed.generateKeyPair();
const other = ed.generateKeyPair();
const holder = ed.generateKeyPair();
const holderKey = { type: 'ed25519' as const, ...holder };
const stranger = { type: 'ed25519' as const, ...ed.generateKeyPair() };
const did = 'did:gongzhi:c:main:gz0000000000000000000000000000000000000002';
const jwk = (k: { publicKey: Uint8Array }) => publicJwk({ type: 'ed25519', publicKey: k.publicKey });
const NOW = 1_700_000_100;

const credential = issueSdJwtVc({
  issuer: { type: 'ed25519', ...issuer, kid: `${did}#key-1` },
  subject: 'did:example:h',
  holder: { type: 'ed25519', publicKey: holder.publicKey },
  schema: { schemaId: 1000, version: 1, schema: { type: 'object' } },
  vctPrefix: 'did:gongzhi:c:main',
  claims: { name: 'Ana', grade: 'A' },
  iat: 1_700_000_000,
  exp: 1_700_001_000,
});

const present = async (nonce = 'n') =>
  presentSdJwtVc(await credential, holderKey, { disclose: ['name'], nonce, aud: 'a', iat: NOW });

/** The presentation's issuer part with a KB-JWT made from these header and claims. */
async function withKb(
  header: Record<string, unknown>,
  claims: (sdHash: string) => Record<string, unknown>,
  key = holderKey,
): Promise<string> {
  const vp = await present();
  const sdPart = vp.slice(0, vp.lastIndexOf('~') + 1);
  const sdHash = toBase64Url(new Uint8Array(createHash('sha256').update(sdPart).digest()));
  return sdPart + signCompact(key, header, claims(sdHash));
}

const kbClaims = (sdHash: string) => ({ iat: NOW, aud: 'a', nonce: 'n', sd_hash: sdHash });
const KB = { typ: 'kb+jwt', alg: 'EdDSA' };

async function refusal(vp: string, key = jwk(issuer), now = NOW): Promise<{ code: string; message: string }> {
  const e = await verifySdJwtSignatures(vp, key, { nonce: 'n', now }).then(
    () => undefined,
    (x: unknown) => x,
  );
  if (e instanceof GongzhiError) return { code: e.code, message: e.message };
  if (e instanceof Error) return { code: 'library', message: e.message };
  throw new Error('expected a refusal');
}

describe('key binding on every presentation', () => {
  it('verifies, then verifies again from the kept issuer part, with this call’s KB-JWT', async () => {
    for (const nonce of ['n', 'n']) {
      const r = await verifySdJwtSignatures(await present(nonce), jwk(issuer), { nonce, now: NOW });
      expect(r.payload.name).toBe('Ana');
      expect(r.payload.grade).toBeUndefined();
      expect(r.kb?.payload).toMatchObject({ nonce, aud: 'a', iat: NOW });
    }
    // The kept claims are shared: they cannot be changed by a caller.
    const r = await verifySdJwtSignatures(await present(), jwk(issuer), { nonce: 'n', now: NOW });
    expect(Object.isFrozen(r.payload)).toBe(true);
  });

  it.each([
    ['no KB-JWT', async () => (await present()).replace(/~[^~]*$/, '~'), /no key-binding JWT/],
    ['typ jwt', () => withKb({ ...KB, typ: 'jwt' }, kbClaims), /typ kb\+jwt/],
    ['alg none', () => withKb({ ...KB, alg: 'none' }, kbClaims), /signing alg/],
    [
      'alg ES256K over an Ed25519 cnf key',
      () => withKb({ ...KB, alg: 'ES256K' }, kbClaims),
      /not the cnf key/,
    ],
    ['no iat', () => withKb(KB, (h) => ({ aud: 'a', nonce: 'n', sd_hash: h })), /no iat/],
    ['no aud', () => withKb(KB, (h) => ({ iat: NOW, nonce: 'n', sd_hash: h })), /no aud/],
    ['no sd_hash', () => withKb(KB, () => ({ iat: NOW, aud: 'a', nonce: 'n' })), /no sd_hash/],
    ['another holder’s key', () => withKb(KB, kbClaims, stranger), /cnf key/],
    ['another nonce', () => withKb(KB, (h) => ({ ...kbClaims(h), nonce: 'm' })), /another nonce/],
    [
      'an sd_hash over other disclosures',
      () => withKb(KB, (h) => ({ ...kbClaims(h), sd_hash: `${h.slice(1)}A` })),
      /sd_hash/,
    ],
  ])('refuses a KB-JWT with %s (IDENTITY_BAD_SIGNATURE)', async (_what, make, message) => {
    await verifySdJwtSignatures(await present(), jwk(issuer), { nonce: 'n', now: NOW }); // issuer part kept
    const r = await refusal(await make());
    expect(r.code).toBe('IDENTITY_BAD_SIGNATURE');
    expect(r.message).toMatch(message);
  });

  it('refuses a KB-JWT appended to a presentation with a disclosure removed (sd_hash)', async () => {
    const vp = await presentSdJwtVc(await credential, holderKey, {
      disclose: ['name', 'grade'],
      nonce: 'n',
      aud: 'a',
      iat: NOW,
    });
    const parts = vp.split('~');
    const kb = parts.pop() ?? '';
    parts.splice(1, 1);
    expect((await refusal(`${parts.join('~')}~${kb}`)).message).toMatch(/sd_hash/);
  });

  it('the kept issuer part answers for its own key and time only', async () => {
    await verifySdJwtSignatures(await present(), jwk(issuer), { nonce: 'n', now: NOW });
    // Another issuer key: the library checks the signature again, and it fails.
    expect((await refusal(await present(), jwk(other))).message).toMatch(/signature/i);
    // After the credential's exp: the library checks the time again, and it fails.
    expect((await refusal(await present(), jwk(issuer), 1_700_002_000)).message).toMatch(/expired/i);
  });
});
